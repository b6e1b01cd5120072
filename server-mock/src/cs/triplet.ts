/**
 * Protection from fraud (paper figure 6, §5.3) and offline payment (§5.4).
 *
 * `triplet`: coins in → one <C_B, C_A> per value of `amounts` (each a coin value of this CS), and
 * change C_X. C_B can be spent only by the holder of K_B (`payee`) until `dateB`; C_A (same value)
 * only by the payor's one-time key (`owner`) in [dateB, dateA). The two locked coins of a triplet
 * share a `tripletId` and are one liability:
 * C_B's outstanding row carries the value, C_A's row zero, and consuming either deletes both,
 * so exactly one of them can ever be redeemed.
 *
 * `claim`: C_A with its owner's spend, in its window. If C_B is still outstanding the payor gets
 * fresh coins; if C_B was spent, a CS receipt signed by this CS proves payment to K_B.
 *
 * Restore (docs/PROTOCOL.md §4.8): the change of a triplet and the fresh coins of a claim carry
 * the requester's restore tag like any nc1 output; the locked coins never do — a wallet finds
 * them again in the stored reply of its triplet request, whose id it derives from its phrase. That
 * reply is kept until C_A's rows go (dateA + the prune grace), however short the request
 * retention: while C_A can be claimed, a restore can find it.
 */
import {
  type ClaimRequest,
  type CsReceiptBody,
  NetCashError,
  randomId,
  sign,
  type TripletRequest,
  totalValue,
} from '@netcash/protocol';
import { checkLock, checkValues, mint, total, verifyPresented } from './coins.ts';
import { tripletSpends } from './exchange.ts';
import { consumed } from './redeem.ts';
import type { OpRun, Reply } from './requests.ts';

export async function triplet(run: OpRun<TripletRequest>): Promise<Reply> {
  const { ctx, request } = run;
  const { payee, owner, dateB, dateA, amounts, change, tag } = request.want;
  const coins = await verifyPresented(ctx, request.instruments, true);
  for (const instrument of request.instruments) checkLock(ctx, instrument, request.requestId);
  const now = ctx.now();
  const cert = ctx.currentCertificate();
  if (!(now < dateB && dateB < dateA)) {
    throw new NetCashError('malformed', 'the windows must satisfy now < dateB < dateA');
  }
  if (dateA > now + ctx.limits.coinLifetime || dateA > cert.expires) {
    throw new NetCashError('limit-exceeded', 'dateA is beyond the coin lifetime');
  }
  // A triplet's value is one of the coin values, so it singles out no payment (PROTOCOL §4.3).
  checkValues(ctx, amounts);
  checkValues(ctx, change);
  const paid = totalValue(coins);
  if (total(amounts) > paid || total(change) !== paid - total(amounts)) {
    throw new NetCashError('wrong-amount', `the coins are worth ${paid}`);
  }
  const pairs = amounts.map((amount) => {
    const tripletId = randomId(ctx.p);
    const b = mint(ctx, [amount], {
      expires: dateB,
      lock: { owner: payee, notBefore: now, notAfter: dateB, tripletId, role: 'B' },
      pruneAfter: dateA,
    });
    const a = mint(ctx, [amount], {
      expires: dateA,
      lock: { owner, notBefore: dateB, notAfter: dateA, tripletId, role: 'A' },
      bookValue: 0,
      pruneAfter: dateA,
    });
    return { b, a };
  });
  // Only the change carries the restore tag (§4.8): a wallet finds C_A again by its request id.
  const x = mint(ctx, change, tag === undefined ? {} : { tag });
  return run.finish(
    {
      requestId: request.requestId,
      op: 'triplet',
      triplets: pairs.map(({ b, a }) => ({ b: b.coins[0]!, a: a.coins[0]! })),
      change: x.coins,
    },
    {
      ...consumed(ctx, coins),
      mint: [...pairs.flatMap(({ b, a }) => [...b.rows, ...a.rows]), ...x.rows],
      tripletSpends: tripletSpends(coins),
      // The reply holds C_A: kept as long as its rows, past the request retention (§4.8).
      keepReplyUntil: dateA,
    },
  );
}

export async function claim(run: OpRun<ClaimRequest>): Promise<Reply> {
  const { ctx, request } = run;
  const instrument = request.instruments[0];
  const [coin] = await verifyPresented(ctx, [instrument], true);
  const lock = coin?.scheme === 'nc1' ? coin.lock : undefined;
  if (coin === undefined || lock?.role !== 'A') {
    throw new NetCashError('malformed', 'claim takes the C_A coin of a triplet');
  }
  checkLock(ctx, instrument, request.requestId);
  const { values, tag } = request.want;
  checkValues(ctx, values);
  if (total(values) !== coin.value) {
    throw new NetCashError('wrong-amount', `the coin is worth ${coin.value}`);
  }
  const fresh = mint(ctx, values, tag === undefined ? {} : { tag });
  try {
    return await run.finish(
      { requestId: request.requestId, op: 'claim', coins: fresh.coins },
      { consume: [{ serial: coin.serial, lock: lock.tripletId }], mint: fresh.rows },
    );
  } catch (error) {
    if (!(error instanceof NetCashError) || error.code !== 'double-spent') throw error;
    // C_A is gone: either C_B was spent (a receipt proves it) or C_A was already redeemed.
    const spent = await ctx.store.tripletSpend(lock.tripletId);
    if (spent === null) throw error;
    const cert = ctx.currentCertificate();
    const key = ctx.keys.byCertId(cert.certId);
    if (key === undefined) throw new NetCashError('internal', 'no key for the current certificate');
    const body: CsReceiptBody = {
      type: 'cs-receipt',
      cs: ctx.name,
      tripletId: lock.tripletId,
      serial: spent.serial,
      owner: spent.owner,
      value: spent.value,
      currency: ctx.currency,
      date: spent.date,
    };
    return run.finish(
      {
        requestId: request.requestId,
        op: 'claim',
        coins: [],
        receipt: sign(ctx.p, key.sign.secretKey, body),
      },
      {},
    );
  }
}
