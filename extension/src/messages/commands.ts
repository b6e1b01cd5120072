/**
 * Extension pages (popup, approval window, onboarding) → service worker: wallet *commands*.
 * One typed map (the Web Monetization extension's `{ACTION: {input, output}}`): each command's
 * input schema is here, its output type in `CommandOutputs`; `CommandMessage` folds them into a
 * discriminated union so the sender and the handler are checked by the compiler against the same
 * map, and the handler decodes every input at runtime. Only senders whose URL is an extension
 * page may command (background/router.ts).
 */
import {
  Amount,
  Currency,
  HttpUrl,
  Name,
  PositiveAmount,
  PublicKey,
  Text,
  Token,
} from '@netcash/protocol';
import * as v from 'valibot';
import { BUDGET_PERIODS } from '../core/budget.ts';
import type { Crowd, NetPolicy, SchemeHolding } from '../core/index.ts';
import type { RestoreProgress, RestoreReport } from '../core/restore/restore.ts';
import type {
  AllowanceView,
  ApprovalPrompt,
  BankView,
  HistoryDetail,
  HistoryPage,
  NoticeView,
  OutcomeView,
  PendingView,
  WalletState,
} from './views.ts';

export const COMMAND_CHANNEL = 'netcash/command';

/** A duration in ms: 10 ms to 10 minutes. */
const Millis = v.pipe(v.number(), v.safeInteger(), v.minValue(10), v.maxValue(600_000));

export const COMMANDS = {
  /** Everything the popup shows. */
  state: v.strictObject({}),
  /** Open a demo account at the bank at `url`. */
  connectBank: v.strictObject({ url: HttpUrl, holder: Text(64) }),
  /** Trust insurer `key`; fetch its lists from `url`. */
  trustInsurer: v.strictObject({ key: PublicKey, url: HttpUrl }),
  /**
   * Buy `amount` of coins (minor units) from `cs` (default: the first for the bank). While a buy
   * is pending this joins it; `again` is the shopper's explicit choice to buy more anyway;
   * `retry` names the buy the UI shows as pending (that one is driven or reported, never a new).
   */
  buy: v.strictObject({
    amount: PositiveAmount,
    cs: v.optional(Name),
    again: v.optional(v.boolean()),
    retry: v.optional(Token),
  }),
  /** Refresh the spread of denominations now. */
  refresh: v.strictObject({}),
  /**
   * Cash `amount` (default: every coin) of `cs` out to the bank account (`retry`: the cash-out
   * the UI shows as pending — that one is driven or reported, never a new one).
   */
  cashout: v.strictObject({
    cs: Name,
    amount: v.optional(PositiveAmount),
    retry: v.optional(Token),
  }),
  /** Let `origin` take up to `limit` per `period` without a prompt (0 removes it). */
  setAllowance: v.strictObject({
    origin: HttpUrl,
    currency: Currency,
    limit: Amount,
    period: v.optional(v.picklist(BUDGET_PERIODS)),
  }),
  setSettings: v.strictObject({
    sessionKeys: v.optional(v.boolean()),
    coverUpTo: v.optional(Amount),
    /** Withdraw blind-rsa (unlinkable) coins where offered (SPEC §7). */
    blindCoins: v.optional(v.boolean()),
    /** Protect payments of at least this much with a triplet (SPEC §6). */
    protectFrom: v.optional(Amount),
  }),
  /** Keep `amount` ready for `origin` (a site paid before): triplets, paid with offline (SPEC §6). */
  prepay: v.strictObject({ origin: HttpUrl, amount: PositiveAmount }),
  /** How the spendable coins split between coin schemes (settings details, read on demand). */
  schemes: v.strictObject({}),
  /** The anonymity sets of the blind-rsa coins held: coins issued per key (settings details). */
  crowds: v.strictObject({}),
  /** What an approval window shows (with why it asks and its click guard). */
  approval: v.strictObject({ id: Token }),
  /** The shopper's answer in an approval window. */
  decide: v.strictObject({
    id: Token,
    approve: v.boolean(),
    allowUpTo: v.optional(Amount),
    period: v.optional(v.picklist(BUDGET_PERIODS)),
  }),
  /** Re-drive the journal now. */
  recover: v.strictObject({}),
  /** Operations still being finished: what, where, since when, what happens next. */
  pending: v.strictObject({}),
  /** "Retry now": re-drive one pending operation (or all) at once. */
  retryNow: v.strictObject({ id: v.optional(Token) }),
  /** What the shopper must be told until she dismisses it (core/notices.ts). */
  notices: v.strictObject({}),
  /** The shopper read a notice: it goes. */
  dismissNotice: v.strictObject({ id: Token }),
  /** How the wallet waits for servers (tests shorten it; kept in the settings). */
  setNetwork: v.strictObject({
    timeoutMs: v.optional(Millis),
    patienceMs: v.optional(Millis),
    retryBaseMs: v.optional(Millis),
    retryMaxMs: v.optional(Millis),
    reclaimAfter: v.optional(Amount),
    warnAfter: v.optional(Amount),
    protectWindow: v.optional(Amount),
    prepayHold: v.optional(Amount),
  }),
  /** A page of history, newest first, older than `before` (a history `seq`). */
  history: v.strictObject({
    before: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
    limit: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(50))),
  }),
  /** One history entry with its receipt and journal entry. */
  historyEntry: v.strictObject({ seq: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) }),
  /** The bank's statement of the account coins are bought from. */
  bankStatement: v.strictObject({}),
  /** Buy from and cash out to this account. */
  setPrimaryAccount: v.strictObject({ account: Token }),
  /** Stop trusting an insurer (refused while money depends on it). */
  untrustInsurer: v.strictObject({ key: PublicKey }),
  /** Stop (`use: false`) or resume taking new coins from a currency server. */
  useServer: v.strictObject({ cs: Name, use: v.boolean() }),
  /** Fetch every trusted insurer's lists now (new servers, keys, revocations). */
  refreshTrust: v.strictObject({}),
  /** The recovery phrase's words (extension pages only; SPEC §13). */
  recoveryPhrase: v.strictObject({}),
  /** The shopper typed back words of the phrase (1-based positions). */
  confirmPhrase: v.strictObject({
    answers: v.pipe(
      v.array(
        v.strictObject({
          position: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(24)),
          word: v.pipe(v.string(), v.maxLength(32)),
        }),
      ),
      v.minLength(1),
      v.maxLength(24),
    ),
  }),
  /** A new install takes over a lost wallet's phrase (refused once it holds anything). */
  adoptPhrase: v.strictObject({ phrase: v.pipe(v.string(), v.maxLength(400)) }),
  /** Find every coin of the phrase still outstanding at every trusted currency server. */
  restore: v.strictObject({}),
  /** Where the running (or last) restore stands. */
  restoreProgress: v.strictObject({}),
  /** The encrypted backup file (receipts and session keys, accounts, insurers, budgets, settings). */
  exportBackup: v.strictObject({
    passphrase: v.pipe(v.string(), v.minLength(8), v.maxLength(1024)),
  }),
  /** Opens a backup file with its passphrase and merges it into this wallet. */
  importBackup: v.strictObject({
    file: v.pipe(v.string(), v.maxLength(32 * 1024 * 1024)),
    passphrase: v.pipe(v.string(), v.maxLength(1024)),
  }),
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandInput<N extends CommandName> = v.InferOutput<(typeof COMMANDS)[N]>;

export interface CommandOutputs {
  state: WalletState;
  connectBank: { account: string; bank: string; currency: string };
  trustInsurer: { certificates: number };
  buy: OutcomeView;
  refresh: { exchanges: number };
  cashout: OutcomeView;
  setAllowance: AllowanceView | null;
  setSettings: {
    sessionKeys: boolean;
    coverUpTo: number;
    blindCoins: boolean;
    protectFrom: number;
  };
  prepay: OutcomeView;
  schemes: readonly SchemeHolding[];
  crowds: readonly Crowd[];
  approval: ApprovalPrompt | null;
  decide: { ok: true };
  recover: RecoverCounts;
  pending: readonly PendingView[];
  retryNow: RecoverCounts & { left: readonly PendingView[] };
  notices: readonly NoticeView[];
  dismissNotice: { dismissed: true };
  setNetwork: NetPolicy;
  history: HistoryPage;
  historyEntry: HistoryDetail | null;
  bankStatement: BankView;
  setPrimaryAccount: { account: string };
  untrustInsurer: { key: string };
  useServer: { cs: string; use: boolean };
  refreshTrust: { servers: number };
  recoveryPhrase: { words: readonly string[]; confirmed: boolean };
  confirmPhrase: { confirmed: true };
  adoptPhrase: { adopted: true };
  restore: RestoreReport;
  restoreProgress: RestoreProgress | null;
  exportBackup: { file: string; name: string };
  importBackup: { receipts: number; accounts: number; allowances: number; insurers: number };
}

type RecoverCounts = { done: number; rolledBack: number; failed: number; pending: number };

export type CommandMessage = {
  [N in CommandName]: { channel: typeof COMMAND_CHANNEL; name: N; input: CommandInput<N> };
}[CommandName];

export const CommandEnvelope = v.strictObject({
  channel: v.literal(COMMAND_CHANNEL),
  name: v.picklist(Object.keys(COMMANDS) as CommandName[]),
  input: v.unknown(),
});
