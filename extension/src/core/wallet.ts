/**
 * The wallet: one object the service worker (and tests, and benchmarks) drive. It wires the
 * database, crypto provider, `fetch`, clock and fault points into a `Core`, runs every
 * value-moving operation one at a time (a reservation never races another), and exposes the
 * payor side of every protocol. Platform-free: no `chrome.*`, no DOM.
 */
import type { AccessResult, CryptoProvider, FetchFn, Offer, StatusResult } from '@netcash/protocol';
import { type AccountStatement, Mutex, NetCashError, TrustStore } from '@netcash/protocol';
import { connectBank, primaryAccount, statement } from './bank.ts';
import { driveBuy, startBuy } from './buy.ts';
import { driveCashout, startCashout } from './cashout.ts';
import { type Balance, balances, type SchemeHolding, schemeMix, spendableOf } from './coins.ts';
import { consolidate } from './consolidate.ts';
import type { Core } from './context.ts';
import { openWalletDb } from './db/open.ts';
import type { AccountRow, AllowanceRow, HistoryRow, ReceiptRow } from './db/schema.ts';
import { driveExchange, startExchange } from './exchange.ts';
import type { Faults } from './faults.ts';
import type { Op } from './journal/types.ts';
import { systemClock } from './net.ts';
import { checkOffer } from './offer.ts';
import { choosePlan, payeeKeys, type Quote, quote, startPay, withinAllowance } from './pay.ts';
import { drivePay } from './pay-drive.ts';
import { DEFAULT_POLICY, refreshPlan, type SpreadPolicy } from './policy.ts';
import { accessFor, findReceipt, prove } from './proof.ts';
import { type RecoverReport, recover } from './recover.ts';
import {
  type CurrencyServer,
  currencyServers,
  loadTrust,
  refreshTrust,
  trustInsurer,
} from './trust.ts';

export interface WalletOptions {
  readonly provider: CryptoProvider;
  readonly fetch: FetchFn;
  /** IndexedDB database name (tests use one per wallet). */
  readonly dbName?: string;
  readonly now?: () => number;
  readonly faults?: Faults;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** How long an interactive payment waits for an unreachable payee before reclaiming (ms). */
  readonly payPatienceMs?: number;
}

export interface WalletSettings {
  readonly policy: SpreadPolicy;
  /** Ask the payee for per-session keys first (messages 1a/1b). */
  readonly sessionKeys: boolean;
  /**
   * Withdraw blind-rsa coins (SPEC §7) where a CS offers a denomination key for the value:
   * unlinkable by the CS. On unless the shopper turns it off.
   */
  readonly blindCoins: boolean;
}

const DEFAULT_SETTINGS: WalletSettings = {
  policy: DEFAULT_POLICY,
  sessionKeys: false,
  blindCoins: true,
};

export interface PayOptions {
  /** The shopper approved this payment in the approval window. */
  readonly approved?: boolean;
  /** Pay under the site's allowance (refused if it does not cover the amount). */
  readonly allowance?: boolean;
}

export class Wallet {
  /** Value-moving work runs one at a time, in call order. */
  private readonly mutex = new Mutex();

  private constructor(
    readonly core: Core,
    private readonly options: WalletOptions,
  ) {}

  static async open(options: WalletOptions): Promise<Wallet> {
    const db = await openWalletDb(options.dbName);
    const core: Core = {
      db,
      p: options.provider,
      fetch: options.fetch,
      now: options.now ?? systemClock,
      faults: options.faults ?? {},
      timeoutMs: options.timeoutMs ?? 10_000,
      trust: new TrustStore(options.provider, []),
      csNames: [],
    };
    await loadTrust(core);
    const wallet = new Wallet(core, options);
    core.blindCoins = (await wallet.settings()).blindCoins;
    return wallet;
  }

  close(): void {
    this.core.db.close();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.run(work);
  }

  /** Re-drives every pending journal entry (call on every start). */
  recover(): Promise<RecoverReport> {
    return this.exclusive(() => recover(this.core));
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

  async bankStatement(): Promise<AccountStatement> {
    return statement(this.core, await primaryAccount(this.core));
  }

  trustInsurer(key: string, url: string): Promise<number> {
    return trustInsurer(this.core, key, url);
  }

  refreshTrust(): Promise<void> {
    return refreshTrust(this.core);
  }

  insurers() {
    return this.core.db.getAll('insurers');
  }

  servers(): CurrencyServer[] {
    return currencyServers(this.core);
  }

  async settings(): Promise<WalletSettings> {
    const rows = await this.core.db.getAll('settings');
    const get = (name: string) => rows.find((r) => r.name === name)?.value;
    const policy = get('policy') as SpreadPolicy | undefined;
    return {
      policy: policy ?? DEFAULT_SETTINGS.policy,
      sessionKeys: get('sessionKeys') === true,
      blindCoins: get('blindCoins') !== false,
    };
  }

  async setSettings(changes: Partial<WalletSettings>): Promise<WalletSettings> {
    const tx = this.core.db.transaction(['settings'], 'readwrite');
    for (const [name, value] of Object.entries(changes)) {
      await tx.objectStore('settings').put({ name, value });
    }
    await tx.done;
    const settings = await this.settings();
    this.core.blindCoins = settings.blindCoins;
    return settings;
  }

  /** How the spendable coins split between nc1 (traceable) and blind-rsa (unlinkable). */
  schemeMix(): Promise<SchemeHolding[]> {
    return schemeMix(this.core);
  }

  // ---- coins -----------------------------------------------------------------------------------

  balances(): Promise<Balance[]> {
    return balances(this.core);
  }

  /** Buys `amount` of coins from `cs` (default: the first server backed by the shopper's bank). */
  buy(amount: number, cs?: string): Promise<Op> {
    return this.exclusive(async () => {
      const { policy } = await this.settings();
      const op = await driveBuy(this.core, await startBuy(this.core, amount, cs, policy));
      return settled(op);
    });
  }

  /** Keeps a spread of denominations and replaces coins near expiry at every CS (or one). */
  refresh(cs?: string): Promise<Op[]> {
    return this.exclusive(async () => {
      const { policy } = await this.settings();
      const out: Op[] = [];
      for (const server of currencyServers(this.core)) {
        if (cs !== undefined && server.csName !== cs) continue;
        const now = this.core.now();
        const op = await startExchange(this.core, server.csName, 'refresh', (coins) =>
          refreshPlan(coins, server.denominations, policy, now),
        );
        if (op !== null) out.push(await driveExchange(this.core, op));
      }
      return out;
    });
  }

  /** Cashes out every coin of `cs` to the shopper's bank account. */
  cashout(cs: string): Promise<Op | null> {
    return this.exclusive(async () => {
      const op = await startCashout(this.core, cs);
      return op === null ? null : settled(await driveCashout(this.core, op));
    });
  }

  // ---- paying ----------------------------------------------------------------------------------

  /** What the approval window shows for `offer` from the page at `origin`. */
  quote(offer: Offer, origin: string): Promise<Quote> {
    return quote(this.core, offer, origin);
  }

  /** The quote's `withinAllowance` alone (no balance read): may this pay without a prompt? */
  withinAllowance(offer: Offer, origin: string): Promise<boolean> {
    return withinAllowance(this.core, offer, origin);
  }

  /** A receipt already bought for this offer from this origin (repurchase detection). */
  async alreadyBought(offer: Offer, origin: string): Promise<boolean> {
    return (await findReceipt(this.core, offer, origin)) !== undefined;
  }

  /**
   * Pays `offer` for the page at `origin` — or, when this wallet already bought it there,
   * proves the earlier purchase and pays nothing. Needs the shopper's approval or the allowance.
   */
  pay(offer: Offer, origin: string, options: PayOptions): Promise<AccessResult> {
    return this.exclusive(async () => {
      const core = this.core;
      const checked = checkOffer(core, offer, origin);
      const earlier = await findReceipt(core, offer, origin);
      if (earlier !== undefined) return accessFor(core, earlier, offer, true);
      const allowance = options.allowance === true && options.approved !== true;
      if (allowance && checked.foreignOrigins.length > 0) {
        throw new NetCashError('origin-mismatch', 'Payments to another site need your approval.');
      }
      if (!allowance && options.approved !== true) {
        throw new NetCashError('user-rejected', 'The payment was not approved.');
      }
      const { policy, sessionKeys } = await this.settings();
      let chosen = await choosePlan(core, offer).catch(async (error: unknown) => {
        // No single CS can pay: move other CSs' coins to one the offer accepts, then plan again.
        if (!(error instanceof NetCashError) || error.code !== 'insufficient-funds') throw error;
        await consolidate(core, offer, policy);
        return choosePlan(core, offer);
      });
      let { server, plan } = chosen;
      if (plan.kind === 'change') {
        const change = plan;
        const op = await startExchange(core, server.csName, 'change', (coins) => {
          const ids = new Set(coins.map((c) => c.id));
          if (!change.spend.every((c) => ids.has(c.id))) return null;
          return { coins: change.spend, values: [...change.pay, ...change.change] };
        });
        if (op === null) throw new NetCashError('busy', 'Coins changed meanwhile; try again.');
        settled(await driveExchange(core, op));
        chosen = await choosePlan(core, offer);
        ({ server, plan } = chosen);
      }
      const keys = sessionKeys ? await payeeKeys(core, offer) : undefined;
      const start = await startPay(core, {
        offer,
        origin,
        server,
        allowance,
        ...(keys === undefined ? {} : { keys }),
      });
      let op = await drivePay(core, start, true);
      const patience = this.options.payPatienceMs ?? 3_000;
      const deadline = Date.now() + patience;
      while (op.status === 'pending' && op.phase === 'pay' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, Math.min(500, patience)));
        op = await drivePay(core, op, Date.now() < deadline);
      }
      if (op.status === 'pending' && op.phase === 'pay') op = await drivePay(core, op, false);
      if (op.status === 'done' && op.kind === 'pay') {
        const row = await this.core.db.getAllFromIndex('receipts', 'bySid', [
          offer.body.payeeSignKey,
          offer.body.sid,
        ]);
        const mine = row.find((r) => r.opId === op.id);
        if (mine !== undefined) return accessFor(core, mine, offer, false);
      }
      throw errorOf(op);
    });
  }

  /** Proves an earlier purchase; never pays. */
  prove(offer: Offer, origin: string): Promise<AccessResult> {
    checkOffer(this.core, offer, origin);
    return prove(this.core, offer, origin);
  }

  // ---- records ---------------------------------------------------------------------------------

  /** The newest `limit` history rows, newest first (a reverse cursor: history only grows). */
  async history(limit = 50): Promise<HistoryRow[]> {
    const rows: HistoryRow[] = [];
    const tx = this.core.db.transaction(['history'], 'readonly');
    let cursor = await tx.objectStore('history').openCursor(null, 'prev');
    while (cursor !== null && rows.length < limit) {
      rows.push(cursor.value);
      cursor = await cursor.continue();
    }
    await tx.done;
    return rows;
  }

  async receipts(limit = 50): Promise<ReceiptRow[]> {
    const rows = await this.core.db.getAll('receipts');
    return rows.sort((a, b) => b.date - a.date).slice(0, limit);
  }

  allowances(): Promise<AllowanceRow[]> {
    return this.core.db.getAll('allowances');
  }

  /** Lets `origin` take up to `limit` (minor units of `currency`) without a prompt, from now. */
  async setAllowance(origin: string, currency: string, limit: number): Promise<AllowanceRow> {
    const row: AllowanceRow = { origin, currency, limit, spent: 0, updated: this.core.now() };
    if (limit <= 0) {
      await this.core.db.delete('allowances', [origin, currency]);
    } else {
      await this.core.db.put('allowances', row);
    }
    return row;
  }

  pendingOps(): Promise<Op[]> {
    return this.core.db.getAllFromIndex('ops', 'byStatus', 'pending');
  }

  /** Spendable coins of a CS (for tests and the popup's details). */
  coinsOf(cs: string) {
    return spendableOf(this.core, cs);
  }
}

/** The error a shopper should see for an op that did not complete. */
function errorOf(op: Op): NetCashError {
  if (op.status === 'pending') {
    return new NetCashError(
      'upstream-unavailable',
      'A server did not answer. Your coins are safe: the wallet will finish this by itself.',
    );
  }
  if (op.status === 'rolled-back' && op.kind === 'pay') {
    return new NetCashError(
      op.lastError?.code ?? 'internal',
      `The payment did not go through; your coins are back. (${op.lastError?.message ?? ''})`,
    );
  }
  const e = op.lastError;
  return e === undefined
    ? new NetCashError('internal')
    : new NetCashError(e.code, e.message, e.detail);
}

/** Returns a done op, or throws what went wrong. */
function settled<O extends Op>(op: O): O {
  if (op.status === 'done') return op;
  throw errorOf(op);
}
