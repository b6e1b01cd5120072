/**
 * What a merchant (the paper's payee B) keeps, behind one interface with two implementations
 * (SQLite by default, PostgreSQL optional) and one conformance suite (conformance.ts):
 *
 * - its secrets (payee keys, the challenge MAC key, its bank account key) in `meta`;
 * - session key pairs handed out in message 1b (anonymous payee);
 * - the payment journal: a 1c is written here, with the CS exchange requests it will send,
 *   *before* anything goes to the currency server, and re-driven with the same request ids after a
 *   crash (figure 5: the merchant exchanges the coins before it answers);
 * - completed payments (request id → the sealed message 2, for idempotent retries) and receipts
 *   (T_id → S_id, K_ses: what the access proof is checked against);
 * - the coins it holds (fresh coins from its own CS) and cash-outs of them to its bank account;
 * - write-offs: coins its CS refused for themselves (spent, expired, revoked …) during a
 *   cash-out, each proved by a cash-out of that coin alone (cashout-probe.ts);
 * - triplet coins C_B taken offline (SPEC §6): the exchanges that redeem them, journaled with
 *   the payment, and every C_B serial taken until its window closes (the same coin paid twice
 *   is refused without asking a CS).
 */
import type {
  CashoutRequest,
  Check,
  Coin,
  CsTarget,
  DepositReply,
  ExchangeRequest,
  Message2,
  PaymentReceipt,
} from '@netcash/protocol';

/** A session key pair handed out in 1b (SPEC §5 step 2, anonymous payee). Secrets are b64u. */
export interface SessionKeys {
  readonly encPublic: string;
  readonly encSecret: string;
  readonly signPublic: string;
  readonly signSecret: string;
  readonly sid: string;
  readonly expires: number;
}

/** One exchange at the merchant's own CS, for the coins of one issuer. */
export interface JournalExchange {
  /** Issuer of the coins sent (the merchant's own CS, or another one its CS converts from). */
  readonly issuer: string;
  readonly target: CsTarget;
  readonly request: ExchangeRequest;
}

/** A payment between its 1c and its message 2: journaled before the CS sees its coins. */
export interface PendingPayment {
  readonly requestId: string;
  /** digest of the 1c plaintext: a different payment under this id is `request-id-reused`. */
  readonly digest: string;
  /**
   * The receipt (T_id, S_id, amount, date, payee key), signed when journaled so that a re-driven
   * payment answers with the very same receipt.
   */
  readonly receipt: PaymentReceipt;
  /** K_ses, b64u. */
  readonly sessionKey: string;
  /** SK_AN1, b64u: message 2 is sealed with it. */
  readonly replyKey: string;
  readonly exchanges: readonly JournalExchange[];
  readonly created: number;
}

/** A payment that was answered: the stored message 2, returned again to a retry. */
export interface CompletedPayment {
  readonly requestId: string;
  readonly digest: string;
  /** The receipt's transaction id; empty for a refund (no receipt was issued). */
  readonly tid: string;
  readonly reply: Message2;
}

/** What the access check needs: T_id → S_id and K_ses. */
export interface StoredReceipt {
  readonly tid: string;
  readonly sid: string;
  readonly amount: number;
  readonly currency: string;
  readonly date: number;
  readonly sessionKey: string;
  readonly receipt: PaymentReceipt;
}

export interface HeldCoin {
  readonly serial: string;
  readonly value: number;
  readonly currency: string;
  readonly expires: number;
  readonly coin: Coin;
}

/**
 * pending → checked → deposited: the CS wrote the check, the bank cleared it.
 * pending → split: the CS refused the batch for some of its coins; they moved to new cash-outs
 * (`parent` = this one), each sent under its own request id.
 * pending → written-off: the CS refused this one coin for itself; it is in `writeoffs`.
 * pending → failed: refused for a reason not of the coins (held again); checked → failed: the bank
 * refused the deposit (kept for an operator).
 */
export type CashoutState = 'pending' | 'checked' | 'deposited' | 'failed' | 'split' | 'written-off';

/** A cash-out: coins → a check from the merchant's CS → deposited at the merchant's bank. */
export interface Cashout {
  readonly id: string;
  /** The refused cash-out this one was split from (null for a first batch). */
  readonly parent: string | null;
  readonly amount: number;
  readonly currency: string;
  readonly state: CashoutState;
  readonly target: CsTarget;
  readonly request: CashoutRequest;
  readonly check: Check | null;
  readonly deposit: DepositReply | null;
  /** The refusal that ended a failed cash-out. */
  readonly error: string | null;
  readonly created: number;
  readonly completed: number | null;
}

/** Coins of a refused cash-out that go on together, as a new cash-out. */
export interface CashoutPart {
  readonly cashout: Cashout;
  readonly serials: readonly string[];
}

/** A coin the merchant's CS refused for itself, taken off the books with the reason. */
export interface WriteOff {
  readonly serial: string;
  readonly value: number;
  readonly currency: string;
  /** The refusal's error code: `double-spent`, `expired`, `revoked`, `unknown-cert`, … */
  readonly reason: string;
  readonly message: string;
  /** The one-coin cash-out whose refusal proved it. */
  readonly cashoutId: string;
  readonly date: number;
  /** The coin itself, kept as evidence (and for a recoup, should the issuer offer one). */
  readonly coin: Coin;
}

/** Receipts of one S_id on one UTC day (the publisher's sales report). */
export interface SalesRow {
  readonly sid: string;
  /** Days since the Unix epoch (UTC). */
  readonly day: number;
  readonly currency: string;
  readonly count: number;
  readonly amount: number;
}

/**
 * C_B coins taken offline (paper §5.4): the exchange that redeems them at their issuer (through
 * the merchant's own CS), journaled with the payment, driven until answered before `notAfter`.
 * pending → (redeemed: the row goes, its fresh coins are held) | failed (kept for an operator).
 */
export interface Redemption {
  /** The payment (1c request id) that took the coins. */
  readonly paymentId: string;
  readonly exchange: JournalExchange;
  readonly value: number;
  readonly currency: string;
  /** When the coins' first window closes: after it they can't be redeemed by anyone. */
  readonly notAfter: number;
  readonly state: 'pending' | 'failed';
  /** The refusal that failed it (`code: message`). */
  readonly error: string | null;
  readonly created: number;
}

/** What a payment made of C_B coins takes: the answer, the receipt, what redeems the coins. */
export interface LockedPayment {
  readonly requestId: string;
  readonly digest: string;
  readonly receipt: StoredReceipt;
  readonly reply: Message2;
  readonly redemptions: readonly Redemption[];
  /** Each C_B's serial and the end of its window: remembered until then. */
  readonly coins: readonly { readonly serial: string; readonly notAfter: number }[];
}

/** Outcome of taking C_B coins: taken, paid before under this request id, or a coin taken before. */
export type TakeLocked =
  | { readonly kind: 'taken' }
  | { readonly kind: 'completed'; readonly payment: CompletedPayment }
  | { readonly kind: 'double-spent'; readonly serials: readonly string[] };

/** Outcome of journaling a 1c: a fresh entry, or what an earlier one under this id left. */
export type BeginPayment =
  | { readonly kind: 'journaled' }
  | { readonly kind: 'pending'; readonly payment: PendingPayment }
  | { readonly kind: 'completed'; readonly payment: CompletedPayment };

export interface MerchantStore {
  /** Creates the tables if needed. Idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | undefined>;
  /** Stores `value` unless the key is set; returns the value that is stored (first writer wins). */
  initMeta(key: string, value: string): Promise<string>;

  putSessionKeys(keys: SessionKeys): Promise<void>;
  sessionKeys(encPublic: string): Promise<SessionKeys | undefined>;

  /** Journals a 1c unless its request id is known; tells what is there. */
  beginPayment(payment: PendingPayment): Promise<BeginPayment>;
  pendingPayments(): Promise<PendingPayment[]>;
  /** The journal entry of a payment still in progress under this request id. */
  pendingPayment(requestId: string): Promise<PendingPayment | undefined>;
  completedPayment(requestId: string): Promise<CompletedPayment | undefined>;
  /**
   * In one transaction: the receipt and message 2 stored, the fresh coins held, the journal entry
   * removed. A second call for the same request id changes nothing (another driver finished it).
   */
  completePayment(
    requestId: string,
    done: { receipt: StoredReceipt; reply: Message2; coins: readonly HeldCoin[] },
  ): Promise<void>;
  /** The CS refused every part: the journal entry is removed and nothing is stored. */
  abandonPayment(requestId: string): Promise<void>;
  /**
   * Part of the payment was refused for good after another part was exchanged: in one
   * transaction the refund (message 2 carrying the fresh coins back to the payor) is stored as
   * the payment's reply, under no transaction id, and the journal entry removed. Nothing is held
   * and no receipt exists. A second call, or one after another driver finished, changes nothing.
   */
  refundPayment(requestId: string, done: { reply: Message2; date: number }): Promise<void>;
  receipt(tid: string): Promise<StoredReceipt | undefined>;
  /**
   * Spends an access challenge (PROTOCOL §6): true the first time, false for any later use, so a
   * copied `Authorization` header is worthless. A challenge is remembered until it `expires`
   * (after that it is refused as expired anyway); those expired before `now` are forgotten.
   */
  spendChallenge(challenge: string, expires: number, now: number): Promise<boolean>;
  /** Receipts counted and summed by S_id and UTC day, oldest day first. */
  sales(): Promise<SalesRow[]>;

  heldCoins(): Promise<HeldCoin[]>;
  /** Total value of held coins (not reserved by a cash-out). */
  heldValue(): Promise<number>;

  /** Reserves `serials` (held) for a new cash-out, in one transaction. False if one is gone. */
  beginCashout(cashout: Cashout, serials: readonly string[]): Promise<boolean>;
  cashouts(states?: readonly CashoutState[]): Promise<Cashout[]>;
  cashoutChecked(id: string, check: Check): Promise<void>;
  cashoutDeposited(id: string, deposit: DepositReply, at: number): Promise<void>;
  /** Refused before a check was written, for a reason not of its coins: they are held again. */
  cashoutRefused(id: string, error: string): Promise<void>;
  /**
   * Refused for some of its coins: in one transaction the cash-out becomes `split` and `parts`
   * are journaled, its coins reserved by them. False (nothing changed) unless it was pending.
   */
  splitCashout(
    id: string,
    refusal: { reason: string; date: number },
    parts: readonly CashoutPart[],
  ): Promise<boolean>;
  /**
   * Refused for its one coin: in one transaction the cash-out becomes `written-off`, the coin
   * leaves the purse and is recorded in `writeoffs`. The write-offs made (none unless pending).
   */
  writeOffCashout(
    id: string,
    refusal: { reason: string; message: string; date: number },
  ): Promise<WriteOff[]>;
  /** Write-offs, oldest first (those dated at or after `since`, if given). */
  writeOffs(since?: number): Promise<WriteOff[]>;
  /**
   * Write-offs dated before `before` leave the list (the paywall's `writeOffRetention`); their
   * value stays in the books, which count the cash-outs `written-off`. The number forgotten.
   */
  forgetWriteOffs(before: number): Promise<number>;
  /** Refused after the check was written (the bank refused the deposit): kept for an operator. */
  cashoutFailed(id: string, error: string): Promise<void>;

  /**
   * A payment of C_B coins taken offline, in one transaction: every C_B serial recorded (one
   * taken before refuses the whole payment: `double-spent`, nothing stored), the receipt and
   * message 2 stored, the redemptions journaled. A request id already answered returns that.
   */
  takeLocked(payment: LockedPayment): Promise<TakeLocked>;
  /** Redemptions still to be answered, the soonest window to close first. */
  pendingRedemptions(): Promise<Redemption[]>;
  /** Every redemption in `state` (default both). */
  redemptions(state?: Redemption['state']): Promise<Redemption[]>;
  /**
   * The CS redeemed them: in one transaction the fresh coins are held and the journal entry goes.
   * A second call changes nothing.
   */
  redeemed(requestId: string, coins: readonly HeldCoin[]): Promise<void>;
  /** Refused for good: kept, with why, for an operator (the value is the merchant's loss). */
  redemptionFailed(requestId: string, error: string): Promise<void>;

  /**
   * Deletes completed-payment replies dated before `before`, and session keys that expired before
   * it unless a journaled payment may still need them to open its retry. A payment is dated
   * before its session keys expire, so the keys outlive every reply made with them. C_B serials
   * whose window closed before `before` are forgotten too: a coin past its window is refused
   * for that already.
   */
  prune(before: number): Promise<number>;
}
