/**
 * Cash-out: the coins a merchant holds → a check from its currency server (`cashout` op,
 * PROTOCOL §4.3) → endorsed and deposited into the publisher's bank account (`POST /v1/deposits`,
 * PROTOCOL §8). By command, and automatically once the coins held reach a threshold.
 *
 * Crash safety as for payments: a cash-out is recorded, with its coins reserved and the exact CS
 * request, before the request leaves; a re-drive repeats the same request (the CS answers with the
 * stored check) and re-deposits a check that has not cleared (the bank is idempotent by check).
 */
import {
  BankInfo,
  type Check,
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
} from '@netcash/protocol';
import type { BankAccount } from './config.ts';
import type { MerchantContext } from './context.ts';
import type { Cashout } from './store/types.ts';

/** What a cash-out run did. */
export interface CashoutSummary {
  /** Value deposited at the bank by this run (including re-driven earlier cash-outs). */
  readonly deposited: number;
  readonly currency: string | null;
  /** Cash-outs deposited by this run. */
  readonly cashouts: readonly Cashout[];
  /** Value still held or waiting (a CS or the bank was unreachable). */
  readonly pending: number;
}

interface Account {
  readonly bankName: string;
  readonly bankUrl: string;
  readonly account: string;
  readonly secretKey: Uint8Array;
}

export class Cashier {
  private account: Account | null = null;
  private running: Promise<CashoutSummary> | null = null;

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

  private async openAccount(
    url: string,
    info: BankInfo,
    secret: Uint8Array,
  ): Promise<Result<string>> {
    if (!info.demoAccounts) return fail('unknown-account', `${info.name} opens no demo accounts`);
    const http = this.ctx.fetch === undefined ? {} : { fetch: this.ctx.fetch };
    const opened = await postJson(
      endpoint(url, PATHS.bank.accounts),
      { signKey: toB64u(this.ctx.p.ed25519.publicKey(secret)), holder: 'NetCash merchant' },
      OpenAccountReply,
      http,
    );
    return opened.ok ? ok(opened.value.account) : opened;
  }

  /** Cashes out everything held (one run at a time; a second caller shares the first's run). */
  cashout(): Promise<CashoutSummary> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Called after each payment: cash out once the purse reaches the threshold. */
  async maybeCashout(): Promise<void> {
    if (this.threshold === undefined || this.running !== null) return;
    if ((await this.ctx.store.heldValue()) < this.threshold) return;
    const summary = await this.cashout();
    this.ctx.log('automatic cash-out', { deposited: summary.deposited, pending: summary.pending });
  }

  private async run(): Promise<CashoutSummary> {
    const { ctx } = this;
    const account = await this.bankAccount();
    if (!account.ok) throw account.error;
    const own = await ctx.link.requireOwnCs();
    // Start a cash-out for the held coins, at most 64 coins each.
    const heldCoins = await ctx.store.heldCoins();
    for (let i = 0; i < heldCoins.length; i += MAX_INSTRUMENTS) {
      const batch = heldCoins.slice(i, i + MAX_INSTRUMENTS);
      const cashout: Cashout = {
        id: randomId(ctx.p),
        amount: batch.reduce((sum, c) => sum + c.value, 0),
        currency: own.currency,
        state: 'pending',
        target: own.target,
        request: {
          requestId: randomId(ctx.p),
          op: 'cashout',
          instruments: batch.map((c) => ({ kind: 'coin', coin: c.coin })),
          want: {
            bank: account.value.bankName,
            payee: account.value.account,
            memo: 'NetCash cash-out',
          },
          replyKey: randomKey(ctx.p),
        },
        check: null,
        deposit: null,
        error: null,
        created: ctx.now(),
        completed: null,
      };
      await ctx.store.beginCashout(
        cashout,
        batch.map((c) => c.serial),
      );
    }
    return this.settle(account.value);
  }

  /** Drives every unfinished cash-out: CS request (again), then the deposit (again). */
  private async settle(account: Account): Promise<CashoutSummary> {
    const { ctx } = this;
    const done: Cashout[] = [];
    for (const cashout of await ctx.store.cashouts(['pending', 'checked'])) {
      let check = cashout.check;
      if (check === null) {
        const http = ctx.fetch === undefined ? {} : { fetch: ctx.fetch };
        const reply = await callCs(ctx.p, cashout.target, cashout.request, http);
        if (!reply.ok) {
          this.refused(cashout, reply.error);
          if (!isTransient(reply.error)) {
            const spent = reply.error.code === 'double-spent' || reply.error.code === 'expired';
            await ctx.store.cashoutRefused(cashout.id, reply.error.code, spent);
          }
          continue;
        }
        check = reply.value.check;
        await ctx.store.cashoutChecked(cashout.id, check);
      }
      const deposit = await this.deposit(account, check);
      if (!deposit.ok) {
        this.refused(cashout, deposit.error);
        if (!isTransient(deposit.error))
          await ctx.store.cashoutFailed(cashout.id, deposit.error.code);
        continue;
      }
      await ctx.store.cashoutDeposited(cashout.id, deposit.value, ctx.now());
      done.push({ ...cashout, state: 'deposited', check, deposit: deposit.value });
    }
    const left = await ctx.store.cashouts(['pending', 'checked']);
    return {
      deposited: done.reduce((sum, c) => sum + c.amount, 0),
      currency: done[0]?.currency ?? null,
      cashouts: done,
      pending: (await ctx.store.heldValue()) + left.reduce((sum, c) => sum + c.amount, 0),
    };
  }

  private refused(cashout: Cashout, error: NetCashError): void {
    this.ctx.log('cash-out not completed', {
      id: cashout.id,
      code: error.code,
      message: error.message,
    });
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

  /** Re-drives unfinished cash-outs (at start, and periodically) without starting new ones. */
  async redrive(): Promise<void> {
    if (this.running !== null) return;
    if ((await this.ctx.store.cashouts(['pending', 'checked'])).length === 0) return;
    const account = await this.bankAccount();
    if (!account.ok) return;
    this.running = this.settle(account.value).finally(() => {
      this.running = null;
    });
    await this.running;
  }
}
