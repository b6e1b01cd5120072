/**
 * `buy` (docs/PROTOCOL.md §4.3): a check payable to this CS's account → coins (nc1 coins of
 * `want.values`, blind signatures for `want.blinded`, SPEC §7). Cheap checks come first: the
 * check's payee, currency, expiry and amount against the outputs asked for (checked, not yet
 * signed), and whether this check was deposited here before. Then the CS reserves minting room
 * under its `mintLimit`, endorses and deposits the check at its bank — where its signature and
 * funds are examined — and only then signs the coins, recording the check's digest in the
 * minting transaction, so the same check can never buy twice (`check-cleared`) and a bogus
 * check costs no signature.
 */
import { type BuyRequest, digest, NetCashError } from '@netcash/protocol';
import { type Minted, planOutputs, refuseSignedBefore } from './coins.ts';
import type { OpRun, Reply } from './requests.ts';

export async function buy(run: OpRun<BuyRequest>): Promise<Reply> {
  const { ctx, request } = run;
  const check = request.instruments[0].check;
  const c = check.body;
  if (c.bank !== ctx.bank || c.payee !== ctx.account) {
    throw new NetCashError('wrong-payee', `checks for ${ctx.name} are payable to ${ctx.account}`, {
      bank: ctx.bank,
      account: ctx.account,
    });
  }
  if (c.currency !== ctx.currency) {
    throw new NetCashError('wrong-currency', `${ctx.name} sells ${ctx.currency}`);
  }
  // Refused here as well as at the bank: a digest is forgotten after the check's expiry.
  if (ctx.now() >= c.expires) throw new NetCashError('expired', 'the check has expired');
  // Outputs are checked before any money moves, and signed only after the bank took the check;
  // blind signatures only under keys not revoked, so the list is read first.
  if (request.want.blinded !== undefined) await ctx.trust.refreshRevocations();
  const planned = planOutputs(ctx, request.want);
  if (planned.total !== c.amount) {
    throw new NetCashError('wrong-amount', `the check is for ${c.amount}`);
  }
  await refuseSignedBefore(ctx, request.want);
  const checkDigest = digest(ctx.p, check);
  if (await ctx.store.depositSeen(checkDigest)) {
    throw new NetCashError('check-cleared', 'this check was already deposited here');
  }
  const reserved = await ctx.store.reserve(
    request.requestId,
    c.amount,
    ctx.currentCertificate().mintLimit,
    ctx.now(),
  );
  if (!reserved) throw new NetCashError('limit-exceeded', `${ctx.name} is at its mint limit`);
  const deposited = await ctx.bankClient.deposit(check);
  if (!deposited.ok) {
    await ctx.store.release(request.requestId);
    throw deposited.error;
  }
  let out: Minted;
  try {
    out = planned.make();
  } catch (error) {
    await ctx.store.release(request.requestId);
    throw error;
  }
  return run.finish(
    {
      requestId: request.requestId,
      op: 'buy',
      coins: out.coins,
      ...(out.blindSigs === undefined ? {} : { blindSigs: out.blindSigs }),
    },
    {
      ...out.changes,
      minted: c.amount,
      deposits: [{ digest: checkDigest, amount: c.amount, expires: c.expires }],
    },
  );
}
