/**
 * What the service worker shows extension pages: plain data, no secrets (no account keys, no
 * K_ses, no coins), so the UI can render it and nothing more.
 */
import type { Balance, HistoryRow, OpKind, Quote } from '../core/index.ts';

export interface WalletState {
  readonly ready: boolean;
  readonly accounts: readonly { account: string; bank: string; currency: string; url: string }[];
  readonly insurers: readonly { key: string; name: string; url: string }[];
  readonly servers: readonly {
    csName: string;
    currency: string;
    denominations: readonly number[];
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
  readonly allowances: readonly {
    origin: string;
    currency: string;
    limit: number;
    spent: number;
  }[];
  /** Operations still in progress (the journal's pending entries). */
  readonly pending: number;
  readonly settings: { sessionKeys: boolean; coverUpTo: number; blindCoins: boolean };
}

export interface ApprovalView {
  readonly id: string;
  readonly quote: Quote;
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
