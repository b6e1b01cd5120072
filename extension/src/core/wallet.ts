/**
 * The wallet: one object the service worker (and tests, and benchmarks) drive. It wires the
 * database, crypto provider, `fetch`, clock and fault points into a `Core`, runs every
 * value-moving operation one at a time (a reservation never races another), and exposes the
 * payor side of every protocol. Platform-free: no `chrome.*`, no DOM.
 */
import type {
  AccessResult,
  CryptoProvider,
  FetchFn,
  Offer,
  PaymentStatus,
  StatusResult,
} from '@netcash/protocol';
import {
  type AccountStatementBody,
  Mutex,
  NetCashError,
  platformSleep,
  TrustStore,
} from '@netcash/protocol';
import { type Balance, balances } from './balance.ts';
import { connectBank, primaryAccount, statement } from './bank.ts';
import type { BudgetPeriod } from './budget.ts';
import { startChange } from './cashout.ts';
import { checkIntent, ENDED_NOTE_WINDOW } from './check.ts';
import { type SchemeHolding, schemeMix, spendableOf } from './coins.ts';
import { type Core, DEFAULT_NET, type NetPolicy } from './context.ts';
import { type Crowd, crowds, readCrowds } from './crowds.ts';
import { openWalletDb } from './db/open.ts';
import type { AccountRow, AllowanceRow, HistoryRow, ReceiptRow } from './db/schema.ts';
import type { Faults } from './faults.ts';
import { type Intent, intentKey, intentOf, knowsOrigin } from './intent.ts';
import {
  type BuyOptions,
  driveWatched,
  joinClick,
  type OpOutcome,
  outcomeOf,
  settled,
} from './interactive.ts';
import { pendingOps } from './journal/journal.ts';
import type { Op } from './journal/types.ts';
import { systemClock } from './net.ts';
import { checkOffer } from './offer.ts';
import { type Quote, quote, withinAllowance } from './pay.ts';
import { type PayOptions, payIntent } from './pay-flow.ts';
import { type PendingStatus, pendingStatus } from './pending.ts';
import { prove } from './proof.ts';
import { allowances, historyPage, receipts, setAllowance } from './records.ts';
import type { RecoverReport } from './recover.ts';
import { sweepRevoked } from './redeem.ts';
import { Redrive } from './redrive.ts';
import { buyCoins, refreshCoins, startCashoutNow } from './refresh.ts';
import { Recovery } from './restore/api.ts';
import { ensureSeed } from './restore/seed.ts';
import { readSettings, type WalletSettings, writeSettings } from './settings.ts';
import { loadStopped, useServer } from './stopped.ts';
import { Prepayments } from './triplets/api.ts';
import {
  type CurrencyServer,
  currencyServers,
  endingServers,
  loadTrust,
  refreshTrust,
  trustInsurer,
  untrustInsurer,
} from './trust.ts';

export interface WalletOptions {
  readonly provider: CryptoProvider;
  readonly fetch: FetchFn;
  /** IndexedDB database name (tests use one per wallet). */
  readonly dbName?: string;
  readonly now?: () => number;
  readonly nowMs?: () => number;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly faults?: Faults;
  /** Timeouts, patience and backoff (defaults: DEFAULT_NET; the `network` setting overrides). */
  readonly net?: Partial<NetPolicy>;
  /**
   * Told when the earliest pending operation is due to be re-driven (ms since the epoch), or
   * null when nothing waits: the service worker sets an alarm for it (SPEC §12).
   */
  readonly onSchedule?: (atMs: number | null) => void;
}

export type { BuyOptions, PayOptions, WalletSettings };

export class Wallet {
  /** Value-moving work runs one at a time, in call order. */
  private readonly mutex = new Mutex();
  /**
   * Payments accepted and not yet answered, by intent (intent.ts): a second click, tab or
   * reload while one is being decided, journaled or sent joins it instead of queueing another.
   */
  private readonly paying = new Map<string, Promise<AccessResult>>();
  private readonly redrive: Redrive;
  /** The recovery phrase, restore and backup file (SPEC §13). */
  readonly recovery: Recovery;

  private constructor(
    readonly core: Core,
    private readonly options: WalletOptions,
  ) {
    this.redrive = new Redrive(core, (work) => this.exclusive(work), options.onSchedule);
    this.recovery = new Recovery(core, {
      run: (work) => this.exclusive(work),
      refresh: () => this.refresh(),
      trustInsurer: (key, url) => this.trustInsurer(key, url),
    });
  }

  static async open(options: WalletOptions): Promise<Wallet> {
    const db = await openWalletDb(options.dbName);
    let wallet: Wallet | undefined;
    const core: Core = {
      db,
      p: options.provider,
      // Any answer from a server (not a 5xx) means it is back: what waits for it goes now.
      fetch: async (url, init) => {
        const response = await options.fetch(url, init);
        if (response.status < 500) wallet?.redrive.serverAnswered(url);
        return response;
      },
      now: options.now ?? systemClock,
      nowMs: options.nowMs ?? Date.now,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? platformSleep,
      faults: options.faults ?? {},
      net: { ...DEFAULT_NET, ...options.net },
      trust: new TrustStore(options.provider, []),
      csNames: [],
    };
    await loadTrust(core);
    await loadStopped(core);
    // Revocations read before a restart: their coins are set apart before anything pays.
    await sweepRevoked(core);
    core.seed = await ensureSeed(db, core.now());
    wallet = new Wallet(core, options);
    const settings = await wallet.settings();
    core.blindCoins = settings.blindCoins;
    core.net = { ...DEFAULT_NET, ...options.net, ...settings.network };
    return wallet;
  }

  close(): void {
    this.core.db.close();
  }

  /** Runs `work` in the queue, then tells the scheduler when pending work is next due. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.mutex.run(work);
    const reschedule = () => this.redrive.reschedule();
    void run.then(reschedule, reschedule);
    return run;
  }

  /** Re-drives every pending journal entry (call on every start). */
  recover(): Promise<RecoverReport> {
    return this.redrive.all();
  }

  /** Re-drives the pending entries whose backoff is over (the service worker's alarm). */
  redriveDue(): Promise<RecoverReport> {
    return this.redrive.due();
  }

  /** "Retry now": re-drives one pending entry, or all, at once. */
  retryNow(id?: string): Promise<RecoverReport> {
    return this.redrive.now(id);
  }

  /** When the earliest pending entry is due (ms), or null. */
  nextWake(): Promise<number | null> {
    return this.redrive.nextWake();
  }

  // ---- setup -----------------------------------------------------------------------------------

  async status(): Promise<StatusResult> {
    const accounts = await this.core.db.count('accounts');
    return { ready: accounts > 0 && this.core.trust.insurerKeys.length > 0 };
  }

  connectBank(url: string, holder = 'NetCash shopper'): Promise<AccountRow> {
    return connectBank(this.core, url, holder);
  }

  accounts(): Promise<AccountRow[]> {
    return this.core.db.getAll('accounts');
  }

  /** The account coins are bought from and cashed out to. */
  primaryAccount(): Promise<AccountRow> {
    return primaryAccount(this.core);
  }

  /** Makes `account` (one of `accounts()`) the one coins are bought from and cashed out to. */
  async setPrimaryAccount(account: string): Promise<void> {
    if ((await this.core.db.get('accounts', account)) === undefined) {
      throw new NetCashError('unknown-account', 'This wallet has no such bank account.');
    }
    await this.core.db.put('settings', { name: 'primaryAccount', value: account });
  }

  async bankStatement(): Promise<AccountStatementBody> {
    return statement(this.core, await primaryAccount(this.core));
  }

  trustInsurer(key: string, url: string): Promise<number> {
    return trustInsurer(this.core, key, url);
  }

  /** Stops trusting insurer `key` (refused while coins or operations depend on it). */
  untrustInsurer(key: string): Promise<void> {
    return this.exclusive(() => untrustInsurer(this.core, key));
  }

  /**
   * Refreshes every trusted insurer's lists; coins under a certificate or key revoked since are
   * set apart at once (`recovering`), so no payment, refresh or cash-out trips on them.
   */
  async refreshTrust(): Promise<void> {
    await refreshTrust(this.core);
    await this.exclusive(() => sweepRevoked(this.core));
    // The anonymity sets of the blind-rsa keys, shown in the settings (a CS that fails: later).
    await readCrowds(this.core).catch(() => undefined);
  }

  insurers() {
    return this.core.db.getAll('insurers');
  }

  servers(): CurrencyServer[] {
    return currencyServers(this.core);
  }

  /** Stops (`use` false) or resumes taking new coins from `csName` (stopped.ts). */
  useServer(csName: string, use: boolean): Promise<void> {
    return useServer(this.core, csName, use);
  }

  /** Currency servers whose insurance ends within two weeks, with no successor certificate. */
  ending(): { csName: string; ends: number }[] {
    return endingServers(this.core);
  }

  settings(): Promise<WalletSettings> {
    return readSettings(this.core);
  }

  async setSettings(changes: Partial<WalletSettings>): Promise<WalletSettings> {
    const settings = await writeSettings(this.core, changes);
    this.core.blindCoins = settings.blindCoins;
    this.core.net = { ...DEFAULT_NET, ...this.options.net, ...settings.network };
    return settings;
  }

  /** How the spendable coins split between nc1 (traceable) and blind-rsa (unlinkable). */
  schemeMix(): Promise<SchemeHolding[]> {
    return schemeMix(this.core);
  }

  /** The keys of the blind-rsa coins held, with how many coins each issued (crowds.ts). */
  crowds(): Promise<Crowd[]> {
    return crowds(this.core);
  }

  // ---- coins -----------------------------------------------------------------------------------

  balances(): Promise<Balance[]> {
    return balances(this.core);
  }

  /**
   * Buys `amount` of coins from `cs` (default: the first server backed by the shopper's bank).
   * One buy at a time: while one is pending, a click joins it — buying more is a separate choice
   * (`again`) — and a click on a buy shown as pending (`retry`) never starts another. Pending
   * when the CS does not answer in time: it finishes by itself, paid once.
   */
  buy(amount: number, cs?: string, options: BuyOptions = {}): Promise<OpOutcome> {
    return this.exclusive(async () => {
      const earlier = await joinClick(this.core, 'buy', options);
      if (earlier !== null) return earlier;
      const { policy } = await this.settings();
      return outcomeOf(this.core, await buyCoins(this.core, amount, cs, policy), false);
    });
  }

  /**
   * First brings back what can't pay but is still owed — coins that expired while the wallet was
   * closed (renewed) and coins under a revoked key (recouped), docs/PROTOCOL.md §4.7 — then keeps
   * a spread of denominations and replaces coins near expiry at every CS (or one). A CS with a
   * refresh still pending is left to it: one refresh at a time.
   */
  refresh(cs?: string): Promise<Op[]> {
    return this.exclusive(async () => refreshCoins(this.core, (await this.settings()).policy, cs));
  }

  /**
   * Cashes out `amount` (default: every coin, up to 64) of `cs`'s coins to the shopper's bank
   * account; a click while a cash-out of `cs` is pending joins it. When no subset of the coins
   * makes the amount, one exchange at `cs` makes change first. Null when there is nothing to
   * cash out.
   */
  cashout(
    cs: string,
    amount?: number,
    options: { retry?: string } = {},
  ): Promise<OpOutcome | null> {
    return this.exclusive(async () => {
      const earlier = await joinClick(this.core, 'cashout', options, cs);
      if (earlier !== null) return earlier;
      let op = await startCashoutNow(this.core, cs, amount);
      if (op === null && amount !== undefined) {
        settled(this.core, await driveWatched(this.core, await startChange(this.core, cs, amount)));
        op = await startCashoutNow(this.core, cs, amount);
      }
      return op === null ? null : outcomeOf(this.core, await driveWatched(this.core, op), false);
    });
  }

  // ---- paying ----------------------------------------------------------------------------------

  /** What the approval window shows for `offer` from the page at `origin`. */
  async quote(offer: Offer, origin: string): Promise<Quote> {
    return quote(this.core, offer, origin, (await this.settings()).protectFrom);
  }

  /** Prepaying sites (SPEC §6): value kept ready as triplets, paid with offline. */
  get prepayments(): Prepayments {
    return new Prepayments(this.core, (work) => this.exclusive(work));
  }

  /** The quote's `withinAllowance` alone (no balance read): may this pay without a prompt? */
  withinAllowance(offer: Offer, origin: string): Promise<boolean> {
    return withinAllowance(this.core, offer, origin);
  }

  /**
   * Where the shopper's intent to buy `offer` on `origin` stands: paid, pending (journaled, or
   * accepted and being started), or none (intent.ts).
   */
  async intent(offer: Offer, origin: string): Promise<Intent['state']> {
    if (this.paying.has(intentKey(origin, offer))) return 'pending';
    return (await intentOf(this.core, origin, offer)).state;
  }

  /**
   * Pays `offer` for the page at `origin` — or, when a payment for it from this origin is paid or
   * under way, proves or joins that one and pays nothing more (SPEC §12). A new payment needs the
   * shopper's approval or the allowance. One still unanswered after the shopper's patience is
   * refused with `pending`: it completes by itself, and the next click or reload joins it.
   */
  pay(offer: Offer, origin: string, options: PayOptions): Promise<AccessResult> {
    const key = intentKey(origin, offer);
    const running = this.paying.get(key);
    if (running !== undefined) return running;
    const run = this.exclusive(async () =>
      payIntent(this.core, offer, origin, options, await this.settings()),
    ).finally(() => this.paying.delete(key));
    this.paying.set(key, run);
    return run;
  }

  /**
   * Whether the site at `origin` may hear from the wallet at all (docs/PRIVACY.md "Page
   * scripts"): the shopper paid it — a receipt, a payment being started, under way, or ended
   * within the hour — or gave it a budget. The bridge answers any other site nothing.
   */
  async letsIn(origin: string): Promise<boolean> {
    for (const key of this.paying.keys()) if (key.startsWith(`${origin} `)) return true;
    return knowsOrigin(this.core, origin, this.core.now() - ENDED_NOTE_WINDOW);
  }

  /**
   * Where a payment for `offer` from `origin` stands (the bridge's `check`, asked by a page on
   * load or reload): paid (with a proof for this offer's challenge), pending, or none. Never
   * pays. Asked only for a site the wallet lets in (`letsIn`).
   */
  check(offer: Offer, origin: string): Promise<PaymentStatus> {
    return checkIntent(
      this.core,
      offer,
      origin,
      this.paying.has(intentKey(origin, offer)),
      (id) => {
        void this.retryNow(id).catch(() => undefined);
      },
    );
  }

  /** Proves an earlier purchase; never pays. */
  prove(offer: Offer, origin: string): Promise<AccessResult> {
    checkOffer(this.core, offer, origin);
    return prove(this.core, offer, origin);
  }

  // ---- records ---------------------------------------------------------------------------------

  /** The newest `limit` history rows, newest first. */
  history(limit = 50): Promise<HistoryRow[]> {
    return historyPage(this.core, undefined, limit);
  }

  /** A page of history, newest first: `limit` rows older than `before` (a `seq`), if given. */
  historyPage(before: number | undefined, limit: number): Promise<HistoryRow[]> {
    return historyPage(this.core, before, limit);
  }

  receipts(limit = 50): Promise<ReceiptRow[]> {
    return receipts(this.core, limit);
  }

  /** Every site's allowance as it stands now (budgets renewed). */
  allowances(): Promise<AllowanceRow[]> {
    return allowances(this.core);
  }

  /** Lets `origin` take up to `limit` without a prompt, per `period` when given (records.ts). */
  setAllowance(
    origin: string,
    currency: string,
    limit: number,
    period?: BudgetPeriod,
  ): Promise<AllowanceRow> {
    return setAllowance(this.core, origin, currency, limit, period);
  }

  pendingOps(): Promise<Op[]> {
    return this.core.db.getAllFromIndex('ops', 'byStatus', 'pending');
  }

  /** Pending operations, oldest first, each with where it stands (core/pending.ts). */
  async pending(): Promise<{ op: Op; status: PendingStatus }[]> {
    return (await pendingOps(this.core)).map((op) => ({
      op,
      status: pendingStatus(this.core, op),
    }));
  }

  /** Spendable coins of a CS (for tests and the popup's details). */
  coinsOf(cs: string) {
    return spendableOf(this.core, cs);
  }
}
