/**
 * What the service worker shows extension pages: plain data, no secrets (no account keys, no
 * K_ses, no coins), so the UI can render it and nothing more.
 */
import type { Balance, HistoryRow, Quote } from '../core/index.ts';

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
