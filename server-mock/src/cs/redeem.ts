/**
 * Coins presented to their issuer to be taken in (exchange, cash-out, convert, triplet), and how
 * `commit` records them by scheme (nc1 serials off the outstanding list, a locked coin taking its
 * triplet sibling along; blind-rsa serials onto the spent list until their key's redeemUntil).
 *
 * Two windows per coin, and recoup (docs/PROTOCOL.md §4.7): the issuer exchanges or cashes out
 * a coin past its `expires` until its redemption window closes (`late`), and a coin whose key the
 * insurer revoked (`revoked`) only against its own records, since anyone holding the stolen key
 * can sign anything:
 *   - nc1: the serial must be outstanding *with that certificate and value* (the row decides);
 *   - blind-rsa: the holder reveals the blinding factor r of the withdrawal; the hash of
 *     (s·r)^e mod n must be a withdrawal record under that key, consumed by the recoup, and the
 *     key may not end with more coins spent than withdrawn.
 * Triplet inputs must be plainly valid: a triplet prepares a payment.
 */
import {
  type AnyCoinBody,
  type CoinInstrument,
  isNc1,
  NetCashError,
  recoupHash,
  spendIdOf,
  unwrap,
  verifyRedeemable,
} from '@netcash/protocol';
import { checkLock } from './coins.ts';
import type { CsContext } from './context.ts';
import type { Changes, Consumed, RecoupRow, SpentRow } from './store.ts';

/** What taking the coins in changes (with the op's outputs, one commit). */
export type Taken = Pick<Changes, 'consume' | 'spend' | 'recoup' | 'late' | 'recouped'>;

/** A blind-rsa coin's spent-list row: kept until its key's redemption window closes. */
function spentRow(ctx: CsContext, c: Extract<AnyCoinBody, { scheme: 'blind-rsa' }>): SpentRow {
  const key = ctx.trust.store.denominationKey(c.keyId);
  if (key === undefined) throw new NetCashError('internal', `key ${c.keyId} vanished`);
  return {
    serial: spendIdOf(c),
    keyId: c.keyId,
    value: c.value,
    depositUntil: key.depositUntil,
    expires: key.redeemUntil,
  };
}

function consumedRow(c: Extract<AnyCoinBody, { scheme: 'nc1' }>): Consumed {
  const serial = spendIdOf(c);
  return c.lock === undefined ? { serial } : { serial, lock: c.lock.tripletId };
}

/** How `commit` records plainly valid coins (already verified) as spent. */
export function consumed(ctx: CsContext, coins: readonly AnyCoinBody[]): Taken {
  const consume: Consumed[] = [];
  const spend: SpentRow[] = [];
  for (const c of coins) {
    if (c.scheme === 'blind-rsa') spend.push(spentRow(ctx, c));
    else consume.push(consumedRow(c));
  }
  return spend.length === 0 ? { consume } : { consume, spend };
}

/**
 * Verifies own coins presented to be taken in — valid, late or revoked (above) — and checks
 * their locks. Refusals: the coin verification codes, `expired` past the redemption window,
 * `revoked` for a revoked coin that can't be recouped (a locked coin, a blind-rsa coin without
 * its blinding factor), `malformed` for a blinding factor out of range, `double-spent` for a coin
 * given twice. Whether a serial or withdrawal is still owed only `commit` can tell.
 */
export async function takeOwnCoins(
  ctx: CsContext,
  instruments: readonly CoinInstrument[],
  requestId: string,
): Promise<{ coins: AnyCoinBody[]; taken: Taken }> {
  if (instruments.length > ctx.limits.maxInstruments) {
    throw new NetCashError('limit-exceeded', `at most ${ctx.limits.maxInstruments} coins`);
  }
  await ctx.trust.ensureSignersOf(instruments.map((i) => i.coin));
  await ctx.trust.refreshRevocations();
  const now = ctx.now();
  const seen = new Set<string>();
  const coins: AnyCoinBody[] = [];
  const consume: Consumed[] = [];
  const spend: SpentRow[] = [];
  const recoup: RecoupRow[] = [];
  let late = 0;
  let recouped = 0;
  for (const instrument of instruments) {
    const { coin } = instrument;
    const id = spendIdOf(coin.body);
    if (seen.has(id)) {
      throw new NetCashError('double-spent', 'the same coin appears twice', { serial: id });
    }
    seen.add(id);
    const { body, standing } = unwrap(
      verifyRedeemable(ctx.p, ctx.trust.store, coin, { now, currency: ctx.currency, cs: ctx.name }),
    );
    if (standing === 'revoked' && isNc1(coin) && coin.body.lock !== undefined) {
      throw new NetCashError('revoked', 'a locked coin of a revoked certificate is not recouped', {
        serial: id,
      });
    }
    checkLock(ctx, instrument, requestId);
    coins.push(body);
    if (standing === 'late') late += body.value;
    if (standing !== 'revoked') {
      if (body.scheme === 'blind-rsa') spend.push(spentRow(ctx, body));
      else consume.push(consumedRow(body));
      continue;
    }
    recouped += body.value;
    if (isNc1(coin)) {
      consume.push({ serial: id, match: { certId: coin.body.certId, value: coin.body.value } });
      continue;
    }
    if (instrument.blinding === undefined) {
      throw new NetCashError(
        'revoked',
        'the denomination key is revoked: recoup needs the blinding factor of the withdrawal',
        { serial: id, keyId: coin.body.keyId },
      );
    }
    const hash = recoupHash(ctx.p, ctx.trust.store, coin, instrument.blinding);
    if (hash === null) throw new NetCashError('malformed', 'the blinding factor is out of range');
    spend.push(spentRow(ctx, coin.body));
    recoup.push({ hash, keyId: coin.body.keyId });
  }
  return {
    coins,
    taken: {
      consume,
      ...(spend.length > 0 ? { spend } : {}),
      ...(recoup.length > 0 ? { recoup } : {}),
      ...(late > 0 ? { late } : {}),
      ...(recouped > 0 ? { recouped } : {}),
    },
  };
}
