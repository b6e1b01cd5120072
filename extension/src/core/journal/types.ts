/**
 * The operations journal's entries. Every operation that moves value is one `Op`, written with
 * the coins it reserves and the *full plaintext* of its request (request id, replyKey, K_ses…,
 * and the secrets of blinded blind-rsa outputs: coin bodies and inverses, SPEC §7)
 * in one IndexedDB transaction before any byte leaves (GNU Taler's lesson: persist intent and
 * reservation before network I/O). Re-sending that same plaintext is always safe: currency
 * servers and payees are idempotent by request id (PROTOCOL.md §4.4, §5), so `recover()` can
 * re-drive any pending entry after a crash and get the stored reply.
 *
 *   buy       check → coins                         (pending → done | failed)
 *   exchange  coins → fresh coins at their CS        (pending → done | failed | rolled-back)
 *   pay       1c → 2; else reclaim by exchange; else confirm with the payee
 *   cashout   coins → check from the CS → deposit at the shopper's bank
 */
import type {
  BlindSecret,
  BuyRequest,
  CashoutRequest,
  Check,
  Endorsement,
  ErrorBody,
  ExchangeRequest,
  Offer,
  PaymentRequest,
} from '@netcash/protocol';

export type OpStatus = 'pending' | 'done' | 'failed' | 'rolled-back';

/** Where a CS request goes: the parts of the certificate it is sealed to. */
export interface CsTargetRow {
  readonly certId: string;
  readonly encKey: string;
  readonly addresses: readonly string[];
}

interface OpBase {
  /** Stable id of the operation (also its first request id). */
  readonly id: string;
  readonly status: OpStatus;
  readonly created: number;
  readonly updated: number;
  /** Sends so far; a retry reuses the same request. */
  readonly attempts: number;
  readonly lastError?: ErrorBody;
  /** When it is re-sent by itself (ms since the epoch; backoff with jitter, schedule.ts). */
  readonly nextAttempt?: number;
  /** Coin ids (`cs/serial`) this operation holds reserved. */
  readonly reserved: readonly string[];
  readonly cs: string;
  readonly currency: string;
}

export interface BuyOp extends OpBase {
  readonly kind: 'buy';
  readonly amount: number;
  readonly account: string;
  readonly target: CsTargetRow;
  readonly request: BuyRequest;
  /** Secrets of `request.want.blinded` (blind-rsa coins), in its order. */
  readonly blind?: readonly BlindSecret[];
}

/**
 * refresh: keep a spread / replace coins near expiry; change: make exact coins for a payment;
 * probe: one coin alone, to learn whether it is still outstanding; consolidate: another CS's
 * coins exchanged at `cs` (it converts them at their issuer), so one CS can pay a price.
 */
export type ExchangePurpose =
  | 'refresh'
  | 'change'
  | 'probe'
  | 'consolidate'
  /** Coins past their expiry, in their redemption window, renewed at their issuer (§4.7). */
  | 'renew'
  /** Coins under a revoked certificate or key, recouped at their issuer (§4.7). */
  | 'recoup';

export interface ExchangeOp extends OpBase {
  readonly kind: 'exchange';
  readonly purpose: ExchangePurpose;
  readonly target: CsTargetRow;
  readonly request: ExchangeRequest;
  /** Secrets of `request.want.blinded` (blind-rsa coins), in its order. */
  readonly blind?: readonly BlindSecret[];
}

/**
 * `pay`: send 1c (same plaintext every time) until message 2 arrives.
 * `reclaim`: the payee refused or stayed silent: exchange the coins at their CS; success means
 * they were not spent and we hold fresh ones instead.
 * `confirm`: the CS says the coins were spent, so the payee has them: ask it again for message 2.
 */
export type PayPhase = 'pay' | 'reclaim' | 'confirm';

export interface PayOp extends OpBase {
  readonly kind: 'pay';
  readonly phase: PayPhase;
  /** Top-frame origin of the paying page, from the browser. */
  readonly origin: string;
  readonly offer: Offer;
  /** The payee encryption key 1c is sealed to (offer's, or from 1b). */
  readonly to: string;
  /** The payee signing key the receipt must be signed with. */
  readonly receiptKey: string;
  readonly payment: PaymentRequest;
  readonly amount: number;
  /** The coins' CS, for a reclaim. */
  readonly target: CsTargetRow;
  readonly reclaim?: ExchangeRequest;
  /** Secrets of the reclaim's blinded outputs. */
  readonly reclaimBlind?: readonly BlindSecret[];
  /** Charged to the site's allowance (refunded if the payment is rolled back). */
  readonly allowance: boolean;
  /** Times the payee was asked again in `confirm` (journal evidence). */
  readonly confirmations: number;
}

export type CashoutPhase = 'cashout' | 'deposit';

export interface CashoutOp extends OpBase {
  readonly kind: 'cashout';
  readonly phase: CashoutPhase;
  readonly amount: number;
  readonly account: string;
  readonly target: CsTargetRow;
  readonly request: CashoutRequest;
  /** The CS's check, once received, and our endorsement of it. */
  readonly check?: Check;
  readonly endorsement?: Endorsement;
}

export type Op = BuyOp | ExchangeOp | PayOp | CashoutOp;
export type OpKind = Op['kind'];
