/**
 * What the service worker shows extension pages: plain data, no secrets (no account keys, no
 * K_ses, no coins), so the UI can render it and nothing more.
 */
import type {
  Balance,
  BudgetPeriod,
  HistoryRow,
  OpKind,
  Prepayment,
  Quote,
} from '../core/index.ts';

export interface WalletState {
  readonly ready: boolean;
  readonly accounts: readonly {
    account: string;
    bank: string;
    currency: string;
    url: string;
    holder: string;
    /** Coins are bought from and cashed out to this one. */
    primary: boolean;
  }[];
  readonly insurers: readonly { key: string; name: string; url: string; fetched: number }[];
  readonly servers: readonly {
    csName: string;
    currency: string;
    denominations: readonly number[];
    bank: string;
    insurer: string;
    /** The shopper stopped using it: no new coins from it (core/stopped.ts). */
    stopped: boolean;
  }[];
  readonly balances: readonly Balance[];
  readonly history: readonly HistoryRow[];
  readonly receipts: readonly {
    tid: string;
    origin: string;
    description: string;
    amount: number;
    currency: string;
    date: number;
    resource: string;
  }[];
  readonly allowances: readonly AllowanceView[];
  /** Operations still in progress (the journal's pending entries). */
  readonly pending: number;
  /** Currency servers whose insurance ends soon: cash out or move their coins (PROTOCOL §4.7). */
  readonly ending: readonly { csName: string; ends: number }[];
  readonly settings: {
    sessionKeys: boolean;
    coverUpTo: number;
    blindCoins: boolean;
    /** Payments of at least this much are protected by a triplet (SPEC §6). */
    protectFrom: number;
  };
  /** Value kept ready for sites as triplets (offline prepayment, SPEC §6). */
  readonly prepaid: readonly Prepayment[];
  /** Whether the shopper confirmed writing down the recovery phrase (SPEC §13). */
  readonly phraseConfirmed: boolean;
}

/** A site's budget as it stands now (renewed when its period ended). */
export interface AllowanceView {
  readonly origin: string;
  readonly currency: string;
  readonly limit: number;
  readonly spent: number;
  /** Absent: a cumulative allowance from before budgets. */
  readonly period?: BudgetPeriod;
  /** When the budget renews (seconds), for a budget. */
  readonly renews?: number;
}

export interface ApprovalView {
  readonly id: string;
  readonly quote: Quote;
}

/** What the approval window shows: the pending approval, why it asks, and its guard. */
export interface ApprovalPrompt extends ApprovalView {
  /** Why the wallet asks instead of paying by itself, in words. */
  readonly reason: string;
  /** The site's budget, if it has one. */
  readonly budget?: AllowanceView;
  /** Approve can be clicked only after the window was visible and focused this long. */
  readonly armMs: number;
}

/** A page of the history list. */
export interface HistoryPage {
  readonly rows: readonly HistoryRow[];
  /** Pass as `before` to read the next page; absent on the last page. */
  readonly next?: number;
}

/** Everything known about one history entry (the detail view). */
export interface HistoryDetail {
  readonly row: HistoryRow;
  readonly receipt?: {
    readonly tid: string;
    readonly origin: string;
    readonly resource: string;
    readonly description: string;
    /** The payee key that signed the receipt. */
    readonly signedBy: string;
  };
  /**
   * The currency server's receipt (paper figure 6): the seller never answered, and the CS proves
   * it took the payment.
   */
  readonly csReceipt?: {
    readonly cs: string;
    readonly tripletId: string;
    readonly serial: string;
    /** The seller's key that spent the coin. */
    readonly owner: string;
    readonly value: number;
    readonly currency: string;
    readonly date: number;
  };
  /** From the journal entry, while it is kept. */
  readonly op?: {
    readonly status: string;
    readonly attempts: number;
    /** Paid within the site's budget (true) or approved in the window (false). */
    readonly allowance?: boolean;
    /** Times the wallet asked the seller again for the receipt after its coins were spent. */
    readonly claims?: number;
    /** Paid with triplet coins: protected, or from a prepayment. */
    readonly protection?: 'protected' | 'prepaid';
  };
}

/** The shopper's bank account as the bank states it (signed account-request, PROTOCOL §8). */
export interface BankView {
  readonly account: string;
  readonly bank: string;
  readonly holder: string;
  readonly balance: number;
  readonly currency: string;
  readonly date: number;
}

/**
 * What a buy or cash-out the shopper asked for came to: done, or pending — in the journal, sent
 * again by itself until the server answers, never charged twice (SPEC §12). `joined`: the click
 * found one under way and joined it instead of starting another.
 */
export interface OutcomeView {
  readonly status: 'done' | 'pending';
  readonly joined: boolean;
  /** One line for the shopper ("Pending — it will finish when cs1 answers…"). */
  readonly message: string;
  readonly opId: string;
  readonly kind: OpKind;
  readonly amount: number;
  readonly currency: string;
  readonly cs: string;
}

/**
 * One operation still being finished: what, where, since when, what happens next (SPEC §12).
 * Built from the journal entry and core/pending.ts (background/pending-view.ts).
 */
/** A notice kept until the shopper dismisses it (core/notices.ts). */
export interface NoticeView {
  readonly id: string;
  /** The site it is about. */
  readonly origin: string;
  readonly cs: string;
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
  readonly text: string;
  /** When it was opened (seconds). */
  readonly since: number;
}

export interface PendingView {
  readonly id: string;
  readonly kind: OpKind;
  readonly what: string;
  /** The currency server, and the site for a payment. */
  readonly where: string;
  /** Who must answer for it to finish. */
  readonly waitingFor: string;
  readonly since: number;
  readonly amount: number;
  readonly currency: string;
  readonly attempts: number;
  /** What the wallet does next, and that nothing is charged twice meanwhile. */
  readonly next: string;
  /** The last answer that kept it pending, in words. */
  readonly lastError?: string;
  /** When the wallet tries again by itself (seconds). */
  readonly nextTry: number;
  /** A payment still asking the seller: when it takes the coins back instead (seconds). */
  readonly reclaimAt?: number;
  /** Set after a long wait: until when the server keeps the request, and what is at stake. */
  readonly warning?: string;
}
