/**
 * The page ↔ wallet bridge (SPEC §8): namespaced `window.postMessage` traffic between
 * merchant-kit (in the page) and the wallet's content script. Discovery follows EIP-6963's
 * request/announce handshake instead of a bare global: the page posts `request-wallet`, each
 * installed wallet answers `announce-wallet`; then the page sends `request`s and gets `response`s.
 *
 * A page may only *ask*: whether a wallet is there, to pay an offer (the wallet asks the user or
 * applies the user's allowance), to prove a past purchase, where a payment for an offer stands. It never receives coins or K_ses —
 * only the access proof for one resource and one challenge. The content script checks
 * `event.source === window`, posts replies to the page's own origin, and the service worker takes
 * the paying origin from `sender.origin`, never from these messages.
 */
import * as v from 'valibot';
import { ERROR_CODES, type ErrorCode } from './errors.ts';
import { Offer, PaymentReceipt } from './schema/objects.ts';
import { Id128, Key32, Name, Text, Time, Token } from './schema/primitives.ts';

export const BRIDGE_NAMESPACE = 'netcash';
export const BRIDGE_VERSION = 1;

const ns = { ns: v.literal(BRIDGE_NAMESPACE), v: v.literal(BRIDGE_VERSION) };
/** Correlates a response with its request (page-chosen, 1–64 token characters). */
const RequestId = Token;

export const WalletInfo = v.strictObject({
  /** Reverse-DNS id of the wallet implementation, e.g. `org.netcash.wallet`. */
  rdns: Name,
  name: Text(64),
  version: Text(32),
});

// ---- page → wallet ---------------------------------------------------------------------------

export const RequestWallet = v.strictObject({ ...ns, kind: v.literal('request-wallet') });

/** `status`: is a wallet there and set up? Reveals nothing about its coins. */
export const StatusRequest = v.strictObject({
  ...ns,
  kind: v.literal('request'),
  id: RequestId,
  method: v.literal('status'),
});
/**
 * `pay`: pay this offer (after approval or within the site's allowance), or — if this wallet
 * already bought `sid` from this payee — prove the earlier purchase without paying again.
 */
export const PayRequest = v.strictObject({
  ...ns,
  kind: v.literal('request'),
  id: RequestId,
  method: v.literal('pay'),
  params: v.strictObject({ offer: Offer }),
});
/** `prove`: prove an earlier purchase for this offer's resource and challenge; never pays. */
export const ProveRequest = v.strictObject({
  ...ns,
  kind: v.literal('request'),
  id: RequestId,
  method: v.literal('prove'),
  params: v.strictObject({ offer: Offer }),
});
/**
 * `check`: where does a payment for this offer's resource stand in this wallet — paid (with a
 * proof for the offer's challenge), pending, or none? Never pays. A reloaded page or a second tab
 * asks this instead of offering to pay again (SPEC §12). Answered only to a site that has a
 * purchase, a payment under way or an allowance in the wallet; any other gets `none`, the same
 * as a wallet that never heard of it (and a page must treat no answer at all the same way).
 */
export const CheckRequest = v.strictObject({
  ...ns,
  kind: v.literal('request'),
  id: RequestId,
  method: v.literal('check'),
  params: v.strictObject({ offer: Offer }),
});
export const BridgeRequest = v.variant('method', [
  StatusRequest,
  PayRequest,
  ProveRequest,
  CheckRequest,
]);
export const PageMessage = v.union([RequestWallet, BridgeRequest]);

// ---- wallet → page ---------------------------------------------------------------------------

export const AnnounceWallet = v.strictObject({
  ...ns,
  kind: v.literal('announce-wallet'),
  info: WalletInfo,
});

export const StatusResult = v.strictObject({
  /** The shopper has connected a bank account and trusts at least one insurer. */
  ready: v.boolean(),
});
/** Result of `pay` and `prove`: what the page needs to fetch the resource, nothing more. */
export const AccessResult = v.strictObject({
  tid: Id128,
  resource: v.string(),
  challenge: Token,
  proof: Key32,
  /** The value of the `Authorization` header (formatAuthorization). */
  authorization: v.pipe(v.string(), v.maxLength(1024)),
  /** True when an earlier purchase was proved and nothing was paid now. */
  repeat: v.boolean(),
  /** The payee's signed receipt (public information: amount, tid, date, payee key). */
  receipt: PaymentReceipt,
});

/** Result of `check`. */
export const PaymentStatus = v.variant('state', [
  v.strictObject({
    state: v.literal('none'),
    /** Set when the last payment for it ended without a receipt: what happened, in words. */
    note: v.optional(Text(500)),
  }),
  v.strictObject({
    state: v.literal('pending'),
    /** When the payment was made (seconds). */
    since: Time,
    /** Who must answer for it to finish (a site's host or a currency server's name). */
    waitingFor: Text(200),
    /** One line for the reader: pending, finishes when … answers, never charged twice. */
    message: Text(500),
  }),
  v.strictObject({ state: v.literal('paid'), access: AccessResult }),
]);

export const BridgeError = v.strictObject({
  code: v.picklist(Object.keys(ERROR_CODES) as ErrorCode[]),
  /** EIP-1193-style number (ERROR_CODES[code].rpc). */
  rpc: v.pipe(v.number(), v.integer()),
  message: Text(500),
});

export const BridgeResponse = v.union([
  v.strictObject({ ...ns, kind: v.literal('response'), id: RequestId, result: v.unknown() }),
  v.strictObject({ ...ns, kind: v.literal('response'), id: RequestId, error: BridgeError }),
]);
export const WalletMessage = v.union([AnnounceWallet, BridgeResponse]);

export type WalletInfo = v.InferOutput<typeof WalletInfo>;
export type RequestWallet = v.InferOutput<typeof RequestWallet>;
export type BridgeRequest = v.InferOutput<typeof BridgeRequest>;
export type BridgeMethod = BridgeRequest['method'];
export type PageMessage = v.InferOutput<typeof PageMessage>;
export type AnnounceWallet = v.InferOutput<typeof AnnounceWallet>;
export type StatusResult = v.InferOutput<typeof StatusResult>;
export type AccessResult = v.InferOutput<typeof AccessResult>;
export type BridgeError = v.InferOutput<typeof BridgeError>;
export type PaymentStatus = v.InferOutput<typeof PaymentStatus>;
export type BridgeResponse = v.InferOutput<typeof BridgeResponse>;
export type WalletMessage = v.InferOutput<typeof WalletMessage>;

/** Result type of each method, so both ends are checked by the compiler. */
export interface BridgeResults {
  status: StatusResult;
  pay: AccessResult;
  prove: AccessResult;
  check: PaymentStatus;
}
