/**
 * The wallet's IndexedDB schema (SPEC §8: coins, receipts, keys and pending operations live in
 * extension-origin IndexedDB, never in `chrome.storage`, never only in memory).
 *
 * One database per wallet. Every row type is declared here; `migrations.ts` builds the stores
 * version by version, so a wallet installed at any earlier version upgrades in place.
 *
 *   coins         one row per coin we hold, `spendable` or `reserved` by a journal operation
 *   tallies       how many spendable coins per [currency, cs, value, expires, scheme], kept in
 *                 step with `coins` by every write (journal.ts): balances without a coin count
 *   ops           the operations journal (journal.ts): intent + full request plaintext
 *   accounts      bank accounts (NetCheque-style) with their signing keys
 *   insurers      trusted insurer keys (trust anchors) and where to fetch their lists
 *   certificates  certificates of insurance (paper figure 1) from trusted insurers
 *   denominationKeys  blind-rsa denomination keys (SPEC §7) from trusted insurers
 *   revocations   the newest revocation list per insurer
 *   receipts      payment receipts (figure 4, message 2) with K_ses, for the access proof
 *   allowances    per-site spending the shopper allowed without a prompt
 *   settings      small named values
 *   history       what the shopper sees: buys, payments, refunds, losses
 *   recovery      the recovery phrase and its seed (restore/seed.ts, SPEC §13)
 *   counters      the next derivation counter per blind-rsa denomination key (restore/seed.ts)
 *   notices       what the shopper must be told until she dismisses it (notices.ts): a payment
 *                 the CS proves made whose payee refused its receipt
 */
import type {
  AnyCoin,
  Certificate,
  CoinSchemeName,
  CsReceipt,
  DenominationKey,
  ErrorBody,
  Offer,
  PaymentReceipt,
  RevocationList,
} from '@netcash/protocol';
import type { DBSchema } from 'idb';
import type { Op } from '../journal/types.ts';
import type { CounterRow, RecoveryRow } from '../restore/seed.ts';

export const DB_NAME = 'netcash-wallet';
/** The newest schema version; migrations.ts has one step per version. */
export const DB_VERSION = 8;

/**
 * `recovering`: held, owed by its currency server, but not to be paid with — its certificate or
 * denomination key was revoked (redeem.ts sweeps it here and recoups it).
 */
export type CoinState = 'spendable' | 'reserved' | 'recovering';

export interface CoinRow {
  /** `cs/serial`: serials are unique per CS only. */
  readonly id: string;
  readonly cs: string;
  readonly currency: string;
  readonly value: number;
  readonly expires: number;
  /** The key that signed: a certificate id (nc1) or a denomination key id (blind-rsa). */
  readonly certId: string;
  /** A coin of either scheme (SPEC §7); `coin.body.scheme` says which. */
  readonly coin: AnyCoin;
  readonly state: CoinState;
  /** The journal operation holding a reserved coin; absent when spendable. */
  readonly opId?: string;
  /**
   * Blind-rsa coins: r⁻¹ of their withdrawal (RFC 9474, b64u), kept since Finalize so the coin
   * can be recouped if its denomination key is revoked (docs/PROTOCOL.md §4.7).
   */
  readonly blinding?: string;
  readonly added: number;
}

/**
 * Spendable coins of one kind: how many the wallet holds of `value` expiring at `expires` from
 * `cs`, in one scheme. Written in the same transaction as the coin rows it counts (journal.ts
 * `putCoins`/`deleteCoins`), so balances and the scheme mix read a few of these instead of
 * counting 10,000 index keys (counting is a walk over every key in Chromium's IndexedDB).
 */
export interface TallyRow {
  readonly currency: string;
  readonly cs: string;
  readonly value: number;
  readonly expires: number;
  readonly scheme: CoinSchemeName;
  /** Always > 0: a kind with no coin left has no row. */
  readonly coins: number;
}

export interface AccountRow {
  readonly account: string;
  readonly bank: string;
  /** Base URL of the bank. */
  readonly url: string;
  readonly currency: string;
  readonly holder: string;
  /** Ed25519 public key the bank knows this account by (b64u). */
  readonly signKey: string;
  /** Its 32-byte secret seed (b64u). Extension-origin storage only. */
  readonly signSecret: string;
  readonly opened: number;
  /**
   * The bank's statement key (b64u), pinned from its info when the account was opened; statements
   * signed by any other key are refused. Absent on accounts opened before banks signed them.
   */
  readonly bankKey?: string;
}

export interface InsurerRow {
  /** The insurer's Ed25519 key: the trust anchor (b64u). */
  readonly key: string;
  readonly name: string;
  /** Base URL of the insurer (certificates, revocations, directory). */
  readonly url: string;
  readonly added: number;
  readonly fetched: number;
}

export interface CertificateRow {
  readonly certId: string;
  readonly insurer: string;
  readonly csName: string;
  readonly cert: Certificate;
}

export interface DenominationKeyRow {
  readonly keyId: string;
  readonly insurer: string;
  readonly cs: string;
  /** When its coins expire; the row is dropped then. */
  readonly depositUntil: number;
  readonly key: DenominationKey;
}

export interface RevocationRow {
  readonly insurer: string;
  readonly list: RevocationList;
}

export interface ReceiptRow {
  readonly tid: string;
  /** The payee key that signed the receipt (the offer's, or 1b's session key). */
  readonly payeeKey: string;
  /** The offer's long-term payee key: with `sid` it identifies what was bought. */
  readonly offerKey: string;
  readonly sid: string;
  readonly resource: string;
  /** The top-frame origin of the page that paid (from the browser, never the page). */
  readonly origin: string;
  readonly description: string;
  readonly amount: number;
  readonly currency: string;
  readonly date: number;
  readonly receipt: PaymentReceipt;
  readonly offer: Offer;
  /** K_ses (b64u): never leaves the wallet; only access proofs derived from it do. */
  readonly sessionKey: string;
  readonly opId: string;
}

export interface AllowanceRow {
  readonly origin: string;
  readonly currency: string;
  /** Most the site may take without a prompt, in minor units. */
  readonly limit: number;
  /** Taken so far under this allowance (in the current period, for a budget). */
  readonly spent: number;
  readonly updated: number;
  /** A budget renews every period (budget.ts); absent: a cumulative allowance. */
  readonly period?: 'day' | 'week' | 'month';
  /** When the current period began (seconds). */
  readonly periodStart?: number;
}

export interface SettingRow {
  readonly name: string;
  readonly value: unknown;
}

/**
 * `recovered`: coins that could not pay (expired while closed, key revoked) exchanged anew.
 * `prepay`: value kept ready for one site as triplets (SPEC §6); payments from it are `pay` rows
 * marked `prepaid` (they move nothing more out of the purse), unused value comes back as `refund`.
 * `restored`: coins found again from the recovery phrase (restore/restore.ts).
 */
export type HistoryKind =
  | 'buy'
  | 'pay'
  | 'refund'
  | 'exchange'
  | 'cashout'
  | 'lost'
  | 'recovered'
  | 'prepay'
  | 'restored';

/**
 * A note kept until the shopper dismisses it or the matter settles (notices.ts): today, a
 * protected payment the CS's receipt proves made, whose payee refused to send its own receipt.
 * It says everything itself: the journal entry it is about is pruned in time.
 */
export interface NoticeRow {
  /** The journal entry it is about. */
  readonly id: string;
  readonly origin: string;
  /** intentKey(origin, offer): the page of that offer is told on every check. */
  readonly intent: string;
  /** The offer's payee and sid: a receipt for them settles it. */
  readonly payee: string;
  readonly sid: string;
  readonly opened: number;
  readonly cs: string;
  readonly amount: number;
  readonly currency: string;
  readonly description: string;
  readonly text: string;
}

export interface HistoryRow {
  /** Auto-incremented. */
  readonly seq?: number;
  readonly date: number;
  readonly kind: HistoryKind;
  /** Positive: value came in; negative: value went out. */
  readonly amount: number;
  readonly currency: string;
  readonly cs?: string;
  readonly origin?: string;
  readonly description?: string;
  readonly tid?: string;
  readonly opId: string;
  readonly error?: ErrorBody;
  /** A payment made from a prepayment: its value left the purse with the `prepay` row. */
  readonly prepaid?: boolean;
  /** A payment the payee never answered, proven by its currency server (figure 6). */
  readonly csReceipt?: CsReceipt;
}

export interface WalletSchema extends DBSchema {
  coins: {
    key: string;
    value: CoinRow;
    /**
     * bySpend: [currency, cs, state, value, expires] (purse.ts chooses coins from its keys);
     * byScheme: [scheme, state, currency, value, expires] (no longer read: balances and the
     * scheme mix come from `tallies`).
     */
    indexes: {
      byCs: string;
      byState: string;
      byOp: string;
      bySpend: IDBValidKey[];
      byScheme: IDBValidKey[];
    };
  };
  tallies: { key: [string, string, number, number, string]; value: TallyRow };
  /** byStatusUpdated: [status, updated] (recover.ts prunes old settled entries by key). */
  ops: {
    key: string;
    value: Op;
    indexes: { byStatus: string; byStatusUpdated: [string, number] };
  };
  accounts: { key: string; value: AccountRow };
  insurers: { key: string; value: InsurerRow };
  certificates: { key: string; value: CertificateRow; indexes: { byCs: string } };
  denominationKeys: { key: string; value: DenominationKeyRow; indexes: { byCs: string } };
  revocations: { key: string; value: RevocationRow };
  receipts: {
    key: string;
    value: ReceiptRow;
    indexes: { bySid: [string, string]; byOrigin: string };
  };
  allowances: { key: [string, string]; value: AllowanceRow };
  settings: { key: string; value: SettingRow };
  history: { key: number; value: HistoryRow; indexes: { byOp: string } };
  recovery: { key: string; value: RecoveryRow };
  counters: { key: string; value: CounterRow };
  notices: { key: string; value: NoticeRow; indexes: { byOrigin: string; byIntent: string } };
}
