/**
 * `cashout` and `convert` (docs/PROTOCOL.md §4.3): own coins → a check drawn on this CS's bank
 * account. `cashout` pays any account the holder names; `convert` (CS to CS, paper §5.2.1) pays
 * only the certified account of the presenting CS, so balances between currency servers move
 * only through the bank. The coins are consumed, the check recorded and its value booked as
 * `redeemed` in one transaction.
 */
import {
  type CashoutRequest,
  type ConvertRequest,
  NetCashError,
  totalValue,
  writeCheck,
} from '@netcash/protocol';
import type { CsContext } from './context.ts';
import { tripletSpends } from './exchange.ts';
import { takeOwnCoins } from './redeem.ts';
import type { OpRun, Reply } from './requests.ts';

async function redeem(
  run: OpRun<CashoutRequest | ConvertRequest>,
  to: { bank: string; payee: string; memo: string },
): Promise<Reply> {
  const { ctx, request } = run;
  const { coins, taken } = await takeOwnCoins(ctx, request.instruments, request.requestId);
  if (to.bank !== ctx.bank) {
    throw new NetCashError('unknown-account', `${ctx.name} draws checks on ${ctx.bank} only`);
  }
  const amount = totalValue(coins);
  const now = ctx.now();
  const check = writeCheck(ctx.p, ctx.keys.account.secretKey, {
    bank: ctx.bank,
    drawer: ctx.account,
    payee: to.payee,
    amount,
    currency: ctx.currency,
    checkNo: `ck-${request.requestId}`,
    issued: now,
    expires: now + ctx.limits.checkLifetime,
    memo: to.memo,
  });
  return run.finish(
    request.op === 'cashout'
      ? { requestId: request.requestId, op: 'cashout', check }
      : { requestId: request.requestId, op: 'convert', check },
    {
      ...taken,
      redeemed: amount,
      check: {
        checkNo: check.body.checkNo,
        payee: to.payee,
        amount,
        expires: check.body.expires,
      },
      tripletSpends: tripletSpends(coins),
    },
  );
}

export function cashout(run: OpRun<CashoutRequest>): Promise<Reply> {
  const { bank, payee, memo } = run.request.want;
  return redeem(run, { bank, payee, memo });
}

export async function convert(run: OpRun<ConvertRequest>): Promise<Reply> {
  const { ctx, request } = run;
  const { cs, bank, payee } = request.want;
  if (cs === ctx.name) throw new NetCashError('malformed', 'a CS does not convert to itself');
  const cert = await presenter(ctx, cs);
  if (cert.bank !== bank || cert.account !== payee) {
    throw new NetCashError('wrong-payee', `${cs} is certified with account ${cert.account}`);
  }
  return redeem(run, { bank, payee, memo: `convert to ${cs}` });
}

async function presenter(ctx: CsContext, cs: string) {
  const cert = await ctx.trust.certificateOf(cs);
  if (cert === undefined) {
    throw new NetCashError('unknown-cert', `no valid certificate of insurance for ${cs}`);
  }
  return cert;
}
