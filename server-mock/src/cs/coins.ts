/**
 * Coins at the currency server: checking the ones presented (offline verification of
 * docs/PROTOCOL.md §3.3 plus the lock of a triplet coin, §4.3) and minting new ones (paper
 * figure 2: value, serial, expiry and the CS's address, signed with the newest key).
 */
import {
  type Coin,
  type CoinBody,
  type CoinInstrument,
  type CoinLock,
  isNc1,
  NetCashError,
  randomId,
  sign,
  unwrap,
  verify,
  verifyCoins,
} from '@netcash/protocol';
import type { CsContext } from './context.ts';
import type { Consumed, OutstandingRow } from './store.ts';

/** Verifies coins offline; with `own`, refuses another CS's coins (`foreign-coin`). */
export async function verifyPresented(
  ctx: CsContext,
  instruments: readonly CoinInstrument[],
  own: boolean,
): Promise<CoinBody[]> {
  if (instruments.length > ctx.limits.maxInstruments) {
    throw new NetCashError('limit-exceeded', `at most ${ctx.limits.maxInstruments} coins`);
  }
  const coins = instruments.map((i) => i.coin).filter(isNc1);
  if (coins.length !== instruments.length) {
    throw new NetCashError('unsupported-scheme', `${ctx.name} takes nc1 coins only`);
  }
  for (const certId of new Set(coins.map((c) => c.body.certId))) {
    await ctx.trust.ensureCertificate(certId);
  }
  await ctx.trust.refreshRevocations();
  return unwrap(
    verifyCoins(ctx.p, ctx.trust.store, coins, {
      now: ctx.now(),
      currency: ctx.currency,
      ...(own ? { cs: ctx.name } : {}),
    }),
  );
}

/**
 * A locked coin (SPEC §6) may be spent only by its owner, for this request, inside its window:
 * the `coin-spend` must name the coin and `requestId` and be signed by `lock.owner`.
 */
export function checkLock(ctx: CsContext, instrument: CoinInstrument, requestId: string): void {
  const { coin } = instrument;
  const lock = isNc1(coin) ? coin.body.lock : undefined;
  if (lock === undefined) return;
  const { serial } = coin.body;
  const now = ctx.now();
  if (now < lock.notBefore) {
    throw new NetCashError('not-yet-valid', 'the locked coin is not spendable yet', { serial });
  }
  if (now >= lock.notAfter) {
    throw new NetCashError('expired', 'the locked coin window has closed', { serial });
  }
  const spend = instrument.spend;
  if (spend === undefined) {
    throw new NetCashError('locked', 'a locked coin needs its owner\u2019s spend', { serial });
  }
  if (spend.body.serial !== serial || spend.body.requestId !== requestId) {
    throw new NetCashError('locked', 'the spend is for another coin or request', { serial });
  }
  if (!verify(ctx.p, lock.owner, spend)) {
    throw new NetCashError('locked', 'the spend is not signed by the coin\u2019s owner', {
      serial,
    });
  }
}

/** Refuses values this CS does not mint. */
export function checkValues(ctx: CsContext, values: readonly number[]): void {
  const offered = new Set(ctx.limits.denominations);
  const bad = values.find((v) => !offered.has(v));
  if (bad !== undefined) {
    throw new NetCashError('bad-denomination', `${bad} is not one of this CS's coin values`, {
      denominations: ctx.limits.denominations,
    });
  }
}

export function total(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

/** What `commit` deletes for presented coins (a locked coin takes its triplet sibling along). */
export function consumed(coins: readonly CoinBody[]): Consumed[] {
  return coins.map((c) =>
    c.lock === undefined ? { serial: c.serial } : { serial: c.serial, lock: c.lock.tripletId },
  );
}

/** Fresh coins of `values`, with their outstanding rows (not yet stored). */
export function mint(
  ctx: CsContext,
  values: readonly number[],
  options: { expires?: number; lock?: CoinLock; bookValue?: number; pruneAfter?: number } = {},
): { coins: Coin[]; rows: OutstandingRow[] } {
  const cert = ctx.currentCertificate();
  const entry = ctx.keys.byCertId(cert.certId);
  if (entry === undefined) throw new NetCashError('internal', 'no key for the current certificate');
  const expires = Math.min(options.expires ?? ctx.now() + ctx.limits.coinLifetime, cert.expires);
  const coins: Coin[] = [];
  const rows: OutstandingRow[] = [];
  for (const value of values) {
    const body: CoinBody = {
      type: 'coin',
      scheme: 'nc1',
      cs: ctx.name,
      addr: cert.addresses[0]!,
      certId: cert.certId,
      serial: randomId(ctx.p),
      value,
      currency: ctx.currency,
      expires,
      ...(options.lock === undefined ? {} : { lock: options.lock }),
    };
    coins.push(sign(ctx.p, entry.sign.secretKey, body));
    rows.push({
      serial: body.serial,
      certId: cert.certId,
      value: options.bookValue ?? value,
      expires: options.pruneAfter ?? expires,
      ...(options.lock === undefined ? {} : { lock: options.lock.tripletId }),
    });
  }
  return { coins, rows };
}
