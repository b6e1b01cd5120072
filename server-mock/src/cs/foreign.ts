/**
 * Exchange of another CS's coins (paper §5.2.1: "the local currency server contacts the remote
 * currency server to convert the coin, accepting in return a check payable to the local currency
 * server, which is then cleared through the global accounting infrastructure").
 *
 *   1. verify the coins offline; reserve minting room under the mint limit;
 *   2. `convert` them at the issuer with a request derived from this one (§4.5), so a retry of
 *      this request after a crash or a lost reply repeats the same convert and gets the stored
 *      check instead of a second one;
 *   3. endorse and deposit that check at the bank (idempotent for the same check and account);
 *   4. mint own coins, recording the check's digest in the same transaction.
 *
 * Coins of one issuer per request: a request can't half succeed at two issuers.
 */
import {
  type CertificateBody,
  type ConvertRequest,
  callCs,
  convertRequestId,
  digest,
  type ExchangeRequest,
  isNc1,
  NetCashError,
  OUTBOUND,
  toB64u,
  totalValue,
  utf8,
  verify,
  withRetry,
} from '@netcash/protocol';
import { outputs, verifyPresented } from './coins.ts';
import type { CsContext } from './context.ts';
import type { OpRun, Reply } from './requests.ts';

/** The `convert` sent to `issuer` on behalf of `request` (deterministic, §4.5). */
export function derivedConvert(
  ctx: CsContext,
  request: ExchangeRequest,
  issuer: string,
): ConvertRequest {
  const requestId = convertRequestId(ctx.p, request.requestId, issuer);
  const replyKey = ctx.p.hmacSha256(
    ctx.keys.deriveSecret,
    utf8(`NetCash-v1 convert\n${request.requestId}\n${issuer}`),
  );
  return {
    requestId,
    op: 'convert',
    instruments: request.instruments,
    want: { cs: ctx.name, bank: ctx.bank, payee: ctx.account },
    replyKey: toB64u(replyKey),
  };
}

export async function exchangeForeign(run: OpRun<ExchangeRequest>): Promise<Reply> {
  const { ctx, request } = run;
  const issuers = new Set(request.instruments.map((i) => i.coin.body.cs));
  if (issuers.size !== 1) {
    throw new NetCashError('malformed', 'foreign coins of one issuer per exchange');
  }
  const issuer = [...issuers][0]!;
  const coins = await verifyPresented(ctx, request.instruments, false);
  const convert = derivedConvert(ctx, request, issuer);
  // A locked foreign coin travels on in the derived convert: its spend must name that request.
  for (const instrument of request.instruments) {
    const lock = isNc1(instrument.coin) ? instrument.coin.body.lock : undefined;
    if (lock === undefined) continue;
    const spend = instrument.spend;
    if (
      spend === undefined ||
      spend.body.serial !== instrument.coin.body.serial ||
      spend.body.requestId !== convert.requestId ||
      !verify(ctx.p, lock.owner, spend)
    ) {
      throw new NetCashError('locked', 'a foreign locked coin needs a spend for the convert', {
        serial: instrument.coin.body.serial,
        requestId: convert.requestId,
      });
    }
  }
  const out = outputs(ctx, request.want);
  const amount = totalValue(coins);
  if (out.total !== amount) {
    throw new NetCashError('wrong-amount', `the coins are worth ${amount}`);
  }
  const target = await ctx.trust.certificateOf(issuer);
  if (target === undefined) {
    throw new NetCashError('unknown-cert', `no valid certificate of insurance for ${issuer}`);
  }

  const reserved = await ctx.store.reserve(
    request.requestId,
    amount,
    ctx.currentCertificate().mintLimit,
    ctx.now(),
  );
  if (!reserved) throw new NetCashError('limit-exceeded', `${ctx.name} is at its mint limit`);
  let check: Awaited<ReturnType<typeof convertAt>>;
  try {
    check = await convertAt(ctx, target, convert, amount);
    const deposited = await ctx.bankClient.deposit(check);
    if (!deposited.ok) throw deposited.error;
  } catch (error) {
    await ctx.store.release(request.requestId);
    throw error;
  }
  ctx.log.info('converted', { issuer, amount, checkNo: check.body.checkNo });
  return run.finish(
    {
      requestId: request.requestId,
      op: 'exchange',
      coins: out.coins,
      ...(out.blindSigs === undefined ? {} : { blindSigs: out.blindSigs }),
    },
    {
      ...out.changes,
      minted: amount,
      deposits: [{ digest: digest(ctx.p, check), amount, expires: check.body.expires }],
    },
  );
}

/** Calls the issuer's `convert` and checks the check it returns pays this CS the full value. */
async function convertAt(
  ctx: CsContext,
  target: CertificateBody,
  convert: ConvertRequest,
  amount: number,
) {
  // The same convert (same request id) again after a transient failure: the issuer answers a
  // repeat with its stored check, never a second one.
  const result = await withRetry(OUTBOUND, () =>
    callCs(ctx.p, target, convert, { timeoutMs: ctx.limits.outboundTimeoutMs }),
  );
  if (!result.ok) throw result.error;
  const c = result.value.check.body;
  if (
    c.drawer !== target.account ||
    c.bank !== ctx.bank ||
    c.payee !== ctx.account ||
    c.amount !== amount ||
    c.currency !== ctx.currency
  ) {
    throw new NetCashError('upstream-unavailable', `${target.csName} returned a wrong check`);
  }
  return result.value.check;
}
