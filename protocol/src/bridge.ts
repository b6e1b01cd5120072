/**
 * The page ↔ wallet bridge (SPEC §8): namespaced `window.postMessage` traffic between
 * merchant-kit (in the page) and the wallet's content script. The page sends `request`s and gets
 * `response`s.
 *
 * A page may only *ask*: whether the wallet is set up, to pay an offer (the wallet asks the user
 * or applies the user's allowance), to prove a past purchase, where a payment for an offer
 * stands. It never receives coins or K_ses — only the access proof for one resource and one
 * challenge. The content script checks `event.source === window`, posts replies to the page's own
 * origin, and the service worker takes the paying origin from `sender.origin`, never from these
 * messages.
 *
 * A wallet answers only a site the shopper let in (docs/PRIVACY.md "Page scripts"): one she paid
 * (a receipt, a payment under way or ended within the hour) or gave a budget. Any other site gets
 * no answer at all — to every method, well-formed or not — exactly what a browser without a
 * wallet gives, so a page cannot tell whether one is installed. There is no discovery message. A
 * `pay` from such a site, sent while the page has the user's click (transient activation), opens
 * the wallet's window; the page hears back only if she approves. A page therefore waits for
 * answers with a timeout (`check`) or without one (`pay`, which she may be reading in the window),
 * and treats silence as "no wallet here, or not for this site".
 */
import * as v from 'valibot';
import { ERROR_CODES, type ErrorCode } from './errors.ts';
import { Offer, PaymentReceipt } from './schema/objects.ts';
import { Id128, Key32, Text, Time, Token } from './schema/primitives.ts';

export const BRIDGE_NAMESPACE = 'netcash';
export const BRIDGE_VERSION = 1;

const ns = { ns: v.literal(BRIDGE_NAMESPACE), v: v.literal(BRIDGE_VERSION) };
/** Correlates a response with its request (page-chosen, 1–64 token characters). */
const RequestId = Token;

// ---- page → wallet ---------------------------------------------------------------------------

/** `status`: is the wallet set up? Reveals nothing about its coins. */
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
 * asks this instead of offering to pay again (SPEC §12). Like every method, answered only to a
 * site the shopper let in; a page treats no answer as `none`.
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

// ---- wallet → page ---------------------------------------------------------------------------

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
export const WalletMessage = BridgeResponse;

export type BridgeRequest = v.InferOutput<typeof BridgeRequest>;
export type BridgeMethod = BridgeRequest['method'];
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
