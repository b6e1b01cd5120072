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
 *   prepay    coins → triplets for one payee, kept ready; unused ones claimed back (SPEC §6)
 *
 * A payment protected by a triplet (SPEC §6, paper figure 6) is a `pay` op with `protection`:
 * `triplet` first (the CS makes <C_B, C_A, C_X>), then `pay` with C_B, and `claim` with C_A when
 * no receipt came by the end of C_B's window.
 */
import type {
  BlindSecret,
  BuyRequest,
  CashoutRequest,
  Check,
  ClaimRequest,
  Coin,
  CsReceipt,
  Endorsement,
  ErrorBody,
  ExchangeRequest,
  Offer,
  PaymentRequest,
  TripletRequest,
} from '@netcash/protocol';

export type OpStatus = 'pending' | 'done' | 'failed' | 'rolled-back';

/** Derivation counters [from, to) of blind-rsa key `keyId` a request's outputs took (§4.8). */
export interface CounterRange {
  readonly keyId: string;
  readonly from: number;
  readonly to: number;
}

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
  /** The derivation counters of those outputs. */
  readonly counters?: readonly CounterRange[];
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
  /** The derivation counters of those outputs. */
  readonly counters?: readonly CounterRange[];
}

/**
 * `pay`: send 1c (same plaintext every time) until message 2 arrives.
 * `reclaim`: the payee refused or stayed silent: exchange the coins at their CS; success means
 * they were not spent and we hold fresh ones instead.
 * `confirm`: the CS says the coins were spent, so the payee has them: ask it again for message 2.
 */
export type PayPhase = 'pay' | 'reclaim' | 'confirm' | 'triplet' | 'claim';

/** One triplet the wallet holds (SPEC §6): C_B to pay with, C_A to claim with. */
export interface HeldTriplet {
  readonly b: Coin;
  readonly a: Coin;
}

/**
 * A claim of C_A (figure 6, step 3), journaled before it is sent; `outcome` once answered: the
 * CS's receipt (C_B was spent by the payee) or fresh coins' value (it was not).
 */
export interface ClaimEntry {
  readonly request: ClaimRequest;
  readonly outcome?:
    | { readonly receipt: CsReceipt }
    | { readonly returned: number }
    /** Refused for good (claimed after dateA): the value is lost. */
    | { readonly lost: ErrorBody };
}

/**
 * The triplet side of an op: the one-time key that owns C_A, the windows, the triplets and their
 * claims. C_B and C_A are not coin rows (nobody else can spend them; they are never spendable):
 * they live here, in the op that owns them.
 */
export interface Triplets {
  /** The secret seed (b64u) of the one-time Ed25519 key C_A is locked to. */
  readonly ownerSecret: string;
  /** K_B: the payee key C_B is locked to. */
  readonly payee: string;
  /** C_B spendable by the payee until dateB; C_A claimable by us in [dateB, dateA). */
  readonly dateB: number;
  readonly dateA: number;
  /** Journaled while the CS makes the triplets (phase `triplet`). */
  readonly request?: TripletRequest;
  /**
   * The restore tag of the request's change and of its claims' coins (docs/PROTOCOL.md §4.8):
   * derived for this request alone; absent for a wallet without a phrase.
   */
  readonly tag?: string;
  /** The triplets, once made. */
  readonly held?: readonly HeldTriplet[];
  /** Claims of C_A (phase `claim`), one per triplet claimed. */
  readonly claims?: readonly ClaimEntry[];
}

/** How a payment was made: a triplet made for it, or C_B kept ready by a prepayment. */
export interface Protection extends Triplets {
  readonly kind: 'protected' | 'prepaid';
  /** A prepaid payment: the prepay op its triplets came from. */
  readonly prepay?: string;
}

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
  /** A payment made with triplet coins C_B (SPEC §6): no reclaim, a claim of C_A instead. */
  readonly protection?: Protection;
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

/**
 * `triplet`: the CS makes triplets for a payee; `ready`: C_B kept for payments to it (taken out
 * by each payment with its C_A, in one transaction); `claim`: the window has passed, the unused
 * C_A are claimed back.
 */
export type PrepayPhase = 'triplet' | 'ready' | 'claim';

export interface PrepayOp extends OpBase {
  readonly kind: 'prepay';
  readonly phase: PrepayPhase;
  /**
   * The site it was prepaid for (top-frame origin) and what it showed then; '' for triplets
   * restored from the phrase when no receipt says whose key C_B is locked to.
   */
  readonly origin: string;
  readonly description: string;
  /** Value prepaid. */
  readonly amount: number;
  readonly target: CsTargetRow;
  readonly triplets: Triplets;
  /** The payee's terms when it was prepaid: seconds it needs left in C_B's window. */
  readonly lead: number;
  /** Triplets taken out by payments (indexes into `triplets.held`), with the paying op. */
  readonly used: readonly { readonly index: number; readonly opId: string }[];
  /**
   * Found by a restore from the recovery phrase (restore/triplets.ts): a protected payment or a
   * prepayment of the lost wallet. Never paid from (its C_B may be with the payee already);
   * claimed at dateB like an unused prepayment.
   */
  readonly restored?: boolean;
}

export type Op = BuyOp | ExchangeOp | PayOp | CashoutOp | PrepayOp;
export type OpKind = Op['kind'];
