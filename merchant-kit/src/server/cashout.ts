/**
 * Cash-out: the coins a merchant holds → a check from its currency server (`cashout` op,
 * PROTOCOL §4.3) → endorsed and deposited into the publisher's bank account (`POST /v1/deposits`,
 * PROTOCOL §8). By command, and automatically once the coins held reach a threshold.
 *
 * Crash safety as for payments: a cash-out is recorded, with its coins reserved and the exact CS
 * request, before the request leaves; a re-drive repeats the same request (the CS answers with the
 * stored check) and re-deposits a check that has not cleared (the bank is idempotent by check).
 * Each is sent again at once while its failure is transient (the retry policy). A batch the CS
 * refuses for some of its coins is split and probed (cashout-probe.ts): only coins refused for
 * themselves are written off, each part journaled under its own request id before it leaves.
 */
import {
  type AnyCoin,
  accountOpening,
  BankInfo,
  type CashoutRequest,
  type Check,
  type CsTarget,
  callCs,
  DepositReply,
  endorseCheck,
  endpoint,
  fail,
  fromB64u,
  getJson,
  isTransient,
  MAX_INSTRUMENTS,
  type NetCashError,
  OpenAccountReply,
  ok,
  PATHS,
  postJson,
  type Result,
  randomId,
  randomKey,
  toB64u,
  totalValue,
  verifyCoin,
  withRetry,
} from '@netcash/protocol';
import { CERTIFICATE_REFUSALS, planRefusal } from './cashout-probe.ts';
import type { BankAccount } from './config.ts';
import type { MerchantContext } from './context.ts';
import * as says from './publisher-log.ts';
import type { Cashout, WriteOff } from './store/types.ts';

/** What a cash-out run did. */
export interface CashoutSummary {
  /** Value deposited at the bank by this run (including re-driven earlier cash-outs). */
  readonly deposited: number;
  readonly currency: string | null;
  /** Cash-outs deposited by this run. */
  readonly cashouts: readonly Cashout[];
  /** Coins the CS refused for themselves during this run, written off (cashout-probe.ts). */
  readonly writtenOff: readonly WriteOff[];
  /** Value still held or waiting (a CS or the bank was unreachable). */
  readonly pending: number;
}

/** Two runs' summaries as one (a re-drive the cash-out waited for, then the cash-out). */
function joined(a: CashoutSummary | null, b: CashoutSummary | null): CashoutSummary {
  return {
    deposited: (a?.deposited ?? 0) + (b?.deposited ?? 0),
    currency: b?.currency ?? a?.currency ?? null,
    cashouts: [...(a?.cashouts ?? []), ...(b?.cashouts ?? [])],
    writtenOff: [...(a?.writtenOff ?? []), ...(b?.writtenOff ?? [])],
    pending: b?.pending ?? a?.pending ?? 0,
  };
}

/** A new cash-out of `coins` (not yet journaled): a fresh request id and reply key. */
function newCashout(
  ctx: MerchantContext,
  id: string,
  o: {
    coins: readonly AnyCoin[];
    currency: string;
    target: CsTarget;
    want: CashoutRequest['want'];
    parent: string | null;
  },
): Cashout {
  return {
    id,
    parent: o.parent,
    amount: totalValue(o.coins.map((c) => c.body)),
    currency: o.currency,
    state: 'pending',
    target: o.target,
    request: {
      requestId: randomId(ctx.p),
      op: 'cashout',
      instruments: o.coins.map((coin) => ({ kind: 'coin', coin })),
      want: o.want,
      replyKey: randomKey(ctx.p),
    },
    check: null,
    deposit: null,
    error: null,
    created: ctx.now(),
    completed: null,
  };
}

interface Account {
  readonly bankName: string;
  readonly bankUrl: string;
  readonly account: string;
  readonly secretKey: Uint8Array;
}

export class Cashier {
  private account: Account | null = null;
  /** The run in progress: a cash-out (joined by a second caller) or a re-drive. */
  private running: { kind: 'cashout' | 'redrive'; done: Promise<CashoutSummary> } | null = null;

  constructor(
    private readonly ctx: MerchantContext,
    private readonly bank: BankAccount | undefined,
    private readonly threshold: number | undefined,
  ) {}

  /** The publisher's account: configured, or a demo account opened once and kept in the store. */
  async bankAccount(): Promise<Result<Account>> {
    if (this.account !== null) return ok(this.account);
    const { ctx, bank } = this;
    if (bank === undefined) return fail('unknown-account', 'no bank account is configured');
    const http = ctx.fetch === undefined ? {} : { fetch: ctx.fetch };
    const info = await getJson(endpoint(bank.url, PATHS.bank.info), BankInfo, http);
    if (!info.ok) return info;
    let account = bank.account;
    let secret = bank.secretKey;
    if (account === undefined || secret === undefined) {
      secret = await ctx.store.initMeta('bank.secret-key', toB64u(ctx.p.randomBytes(32)));
      account = await ctx.store.getMeta('bank.account');
      if (account === undefined) {
        const opened = await this.openAccount(bank.url, info.value, fromB64u(secret)!);
        if (!opened.ok) return opened;
        account = await ctx.store.initMeta('bank.account', opened.value);
      }
    }
    const secretKey = fromB64u(secret);
    if (secretKey === null || secretKey.length !== 32) return fail('malformed', 'bank secret key');
    this.account = { bankName: info.value.name, bankUrl: bank.url, account, secretKey };
    return ok(this.account);
  }

  /** Opens the publisher's account, signed by its key (it needs no starting balance). */
  private async openAccount(
    url: string,
    info: BankInfo,
    secret: Uint8Array,
  ): Promise<Result<string>> {
    const http = this.ctx.fetch === undefined ? {} : { fetch: this.ctx.fetch };
    const opening = accountOpening(this.ctx.p, secret, {
      bank: info.name,
      holder: 'NetCash merchant',
      kind: 'customer',
      date: this.ctx.now(),
    });
    const opened = await postJson(
      endpoint(url, PATHS.bank.accounts),
      opening,
      OpenAccountReply,
      http,
    );
    return opened.ok ? ok(opened.value.account) : opened;
  }

  /**
   * Cashes out everything held. One run at a time: a second caller shares the first's run; a
   * re-drive in progress is waited for, and what it did is part of this run's summary.
   */
  cashout(): Promise<CashoutSummary> {
    if (this.running?.kind === 'cashout') return this.running.done;
    const redriving = this.running?.done;
    return this.exclusive('cashout', async () => {
      const earlier = redriving === undefined ? null : await redriving.catch(() => null);
      const now = await this.run();
      return earlier === null ? now : joined(earlier, now);
    });
  }

  private exclusive(
    kind: 'cashout' | 'redrive',
    fn: () => Promise<CashoutSummary>,
  ): Promise<CashoutSummary> {
    const done: Promise<CashoutSummary> = fn().finally(() => {
      if (this.running?.done === done) this.running = null;
    });
    this.running = { kind, done };
    return done;
  }

  /** Called after each payment: cash out once the purse reaches the threshold (null: not now). */
  async maybeCashout(): Promise<CashoutSummary | null> {
    if (this.threshold === undefined || this.running !== null) return null;
    if ((await this.ctx.store.heldValue()) < this.threshold) return null;
    return this.cashout();
  }

  private async run(): Promise<CashoutSummary> {
    const { ctx } = this;
    const account = await this.bankAccount();
    if (!account.ok) throw account.error;
    const own = await ctx.link.requireOwnCs();
    const want = {
      bank: account.value.bankName,
      payee: account.value.account,
      memo: 'NetCash cash-out',
    };
    // Start a cash-out for the held coins, at most 64 coins each.
    const heldCoins = await ctx.store.heldCoins();
    for (let i = 0; i < heldCoins.length; i += MAX_INSTRUMENTS) {
      const batch = heldCoins.slice(i, i + MAX_INSTRUMENTS);
      const cashout = newCashout(ctx, randomId(ctx.p), {
        coins: batch.map((c) => c.coin),
        currency: own.currency,
        target: own.target,
        want,
        parent: null,
      });
      await ctx.store.beginCashout(
        cashout,
        batch.map((c) => c.serial),
      );
    }
    return this.settle(account.value);
  }

  /**
   * Drives every unfinished cash-out — CS request (again), then the deposit (again) — including
   * the parts a refused one splits into, until none is left that this run has not tried.
   */
  private async settle(account: Account): Promise<CashoutSummary> {
    const { ctx } = this;
    const done: Cashout[] = [];
    const writtenOff: WriteOff[] = [];
    const tried = new Set<string>();
    for (;;) {
      const todo = (await ctx.store.cashouts(['pending', 'checked'])).filter(
        (c) => !tried.has(c.id),
      );
      if (todo.length === 0) break;
      for (const cashout of todo) {
        tried.add(cashout.id);
        const outcome = await this.drive(account, cashout);
        if (outcome.deposited !== undefined) done.push(outcome.deposited);
        writtenOff.push(...outcome.writtenOff);
      }
    }
    const left = await ctx.store.cashouts(['pending', 'checked']);
    const summary: CashoutSummary = {
      deposited: done.reduce((sum, c) => sum + c.amount, 0),
      currency: done[0]?.currency ?? writtenOff[0]?.currency ?? null,
      cashouts: done,
      writtenOff,
      pending: (await ctx.store.heldValue()) + left.reduce((sum, c) => sum + c.amount, 0),
    };
    if (done.length > 0 || writtenOff.length > 0) says.cashoutSummary(ctx.log, summary);
    return summary;
  }

  /** One cash-out, one step further: deposited, refused (split, written off, returned), or waiting. */
  private async drive(
    account: Account,
    cashout: Cashout,
  ): Promise<{ deposited?: Cashout; writtenOff: readonly WriteOff[] }> {
    const { ctx } = this;
    let check = cashout.check;
    if (check === null) {
      const http = ctx.fetch === undefined ? {} : { fetch: ctx.fetch };
      // The same request again while the failure leaves the outcome open (retry policy).
      const reply = await withRetry(ctx.retry, () =>
        callCs(ctx.p, cashout.target, cashout.request, http),
      );
      if (!reply.ok) {
        if (isTransient(reply.error)) {
          says.cashoutWaiting(ctx.log, cashout, reply.error);
          return { writtenOff: [] };
        }
        return { writtenOff: await this.refused(cashout, reply.error) };
      }
      check = reply.value.check;
      await ctx.store.cashoutChecked(cashout.id, check);
    }
    const deposit = await withRetry(ctx.retry, () => this.deposit(account, check));
    if (!deposit.ok) {
      if (isTransient(deposit.error)) {
        says.depositWaiting(ctx.log, cashout, deposit.error);
      } else {
        says.depositRefused(ctx.log, cashout, deposit.error);
        await ctx.store.cashoutFailed(cashout.id, deposit.error.code);
      }
      return { writtenOff: [] };
    }
    await ctx.store.cashoutDeposited(cashout.id, deposit.value, ctx.now());
    return {
      deposited: { ...cashout, state: 'deposited', check, deposit: deposit.value },
      writtenOff: [],
    };
  }

  /**
   * The CS refused a cash-out for good (nothing changed there): split it, write its one coin off,
   * or return its coins to the purse (cashout-probe.ts). The refused request is never sent again;
   * its parts go under fresh request ids, journaled before they leave.
   */
  private async refused(cashout: Cashout, error: NetCashError): Promise<WriteOff[]> {
    const { ctx } = this;
    const coins = cashout.request.instruments.map((i) => i.coin);
    // The CS judged the certificates by the insurer's lists: judge them by the newest here too.
    if (CERTIFICATE_REFUSALS.has(error.code)) await ctx.link.refreshTrust(true);
    const now = ctx.now();
    const plan = planRefusal(coins, error, (coin) => {
      const verified = verifyCoin(ctx.p, ctx.link.trust, coin, {
        now,
        currency: cashout.currency,
      });
      return verified.ok ? null : verified.error;
    });
    switch (plan.kind) {
      case 'return':
        says.cashoutReturned(ctx.log, cashout, error);
        await ctx.store.cashoutRefused(cashout.id, error.code);
        return [];
      case 'write-off': {
        const gone = await ctx.store.writeOffCashout(cashout.id, { ...plan, date: now });
        for (const w of gone) says.writtenOff(ctx.log, w);
        return gone;
      }
      case 'split': {
        const bySerial = new Map(coins.map((c) => [c.body.serial, c]));
        const parts = plan.groups.map((serials, i) => ({
          serials,
          // `<parent>.<nn>`: parts sort (and are sent) in the plan's order, and name their batch.
          cashout: newCashout(ctx, `${cashout.id}.${String(i).padStart(2, '0')}`, {
            coins: serials.map((s) => bySerial.get(s)!),
            currency: cashout.currency,
            target: cashout.target,
            want: cashout.request.want,
            parent: cashout.id,
          }),
        }));
        says.cashoutSplit(ctx.log, cashout, error, parts.length);
        await ctx.store.splitCashout(cashout.id, { reason: error.code, date: now }, parts);
        return [];
      }
    }
  }

  private deposit(account: Account, check: Check): Promise<Result<DepositReply>> {
    const { ctx } = this;
    const endorsement = endorseCheck(ctx.p, account.secretKey, check, account.account, ctx.now());
    const http = ctx.fetch === undefined ? {} : { fetch: ctx.fetch };
    return postJson(
      endpoint(account.bankUrl, PATHS.bank.deposits),
      { check, endorsement },
      DepositReply,
      http,
    );
  }

  /** Re-drives unfinished cash-outs (at start, and by redrive.ts while any stays open) without starting new ones. */
  async redrive(): Promise<void> {
    if (this.running !== null) return;
    await this.exclusive('redrive', async () => {
      const unfinished = await this.ctx.store.cashouts(['pending', 'checked']);
      const account = unfinished.length === 0 ? null : await this.bankAccount();
      if (account === null || !account.ok) return joined(null, null);
      return this.settle(account.value);
    });
  }
}
