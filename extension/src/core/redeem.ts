/**
 * Value that survives time (docs/PROTOCOL.md §4.7): coins the wallet can no longer pay with but
 * their issuing CS still owes.
 *
 *   late     past `expires`, inside the redemption window (a wallet closed for a month):
 *            renewed by an exchange at the issuer (purpose `renew`).
 *   revoked  under a certificate or denomination key the insurer revoked: swept out of the
 *            spendable coins as soon as the wallet reads the revocation (state `recovering`), so
 *            no payment, refresh or cash-out trips on them, then recouped at the issuer (purpose
 *            `recoup`; blind-rsa coins with the blinding factor kept since their withdrawal).
 *   dead     past the redemption window, or a blind-rsa coin of a revoked key without its
 *            blinding factor: worth nothing any more; written off, in words.
 *
 * Each kind goes in its own exchanges per CS, never bundled with good coins, and a refusal is
 * probed coin by coin (exchange.ts `releaseOrProbe`), so one bad coin never holds back the rest.
 */
import { standingOf, totalValue } from '@netcash/protocol';
import type { Core } from './context.ts';
import type { CoinRow } from './db/schema.ts';
import { driveExchange, type ExchangeChoice, startExchange } from './exchange.ts';
import { addHistory, deleteCoins, putCoins } from './journal/journal.ts';
import type { ExchangeOp } from './journal/types.ts';
import { MAX_COINS, type SpreadPolicy, spread } from './policy.ts';
import { type CurrencyServer, currencyServers } from './trust.ts';

/** `dead`: owed no more; `unknown`: its key is not held here (left alone, never written off). */
export type RowStanding = 'valid' | 'late' | 'revoked' | 'dead' | 'unknown';

/** Where a held coin stands at `now` (protocol `standingOf`). */
export function rowStanding(core: Core, row: CoinRow, now: number): RowStanding {
  const standing = standingOf(core.trust, row.coin.body, now);
  if (!standing.ok) return standing.error.code === 'expired' ? 'dead' : 'unknown';
  // A blind-rsa coin of a revoked key recoups only with its blinding factor.
  if (
    standing.value === 'revoked' &&
    row.coin.body.scheme === 'blind-rsa' &&
    row.blinding === undefined
  ) {
    return 'dead';
  }
  return standing.value;
}

/** Whether its CS still owes this held coin (valid, late, or revoked with its proof). */
export function redeemable(core: Core, row: CoinRow, now: number): boolean {
  const standing = rowStanding(core, row, now);
  return standing === 'valid' || standing === 'late' || standing === 'revoked';
}

/** The settings row naming the revoked certificates and keys already swept. */
const SWEPT = 'sweptRevocations';

/**
 * Moves spendable coins under revoked keys to `recovering`, once per revoked id (a coin never
 * comes back under a revoked key: minted coins are verified, and a refused recoup returns its
 * coins to `recovering`). Only CSs with a newly revoked id are read.
 */
export async function sweepRevoked(core: Core): Promise<number> {
  const revoked = new Map<string, string>();
  for (const cs of core.csNames) {
    for (const cert of core.trust.certificatesOf(cs)) {
      if (core.trust.isRevoked(cert)) revoked.set(cert.certId, cs);
    }
    for (const key of core.trust.denominationKeysOf(cs)) {
      if (core.trust.isRevoked(key)) revoked.set(key.keyId, cs);
    }
  }
  const held = (await core.db.get('settings', SWEPT))?.value;
  const swept = new Set(Array.isArray(held) ? held.filter((x) => typeof x === 'string') : []);
  const fresh = [...revoked].filter(([id]) => !swept.has(id));
  if (fresh.length === 0) return 0;
  const ids = new Set(fresh.map(([id]) => id));
  let moved = 0;
  const tx = core.db.transaction(['coins', 'settings', 'tallies'], 'readwrite');
  for (const cs of new Set(fresh.map(([, name]) => name))) {
    const rows = await tx.objectStore('coins').index('byCs').getAll(cs);
    const hit = rows.filter((r) => r.state === 'spendable' && ids.has(r.certId));
    await putCoins(
      tx,
      hit.map((r) => ({ ...r, state: 'recovering' as const })),
    );
    moved += hit.length;
  }
  await tx.objectStore('settings').put({ name: SWEPT, value: [...swept, ...ids] });
  await tx.done;
  return moved;
}

/** The values to ask for `coins`: a spread of the CS's denominations, else the same values. */
function choice(
  coins: readonly CoinRow[],
  server: CurrencyServer,
  policy: SpreadPolicy,
): ExchangeChoice {
  const values = spread(totalValue(coins), server.denominations, policy.coverUpTo);
  return { coins, values: values ?? coins.map((c) => c.value) };
}

/**
 * Writes off coins worth nothing any more (past their redemption window, or recoup impossible),
 * with a history row per CS in words.
 */
async function writeOffDead(core: Core, cs: string, dead: readonly CoinRow[]): Promise<void> {
  if (dead.length === 0) return;
  const tx = core.db.transaction(['coins', 'history', 'tallies'], 'readwrite');
  await deleteCoins(
    tx,
    dead.map((r) => r.id),
  );
  const value = totalValue(dead);
  await addHistory(tx, {
    date: core.now(),
    kind: 'lost',
    amount: -value,
    currency: dead[0]!.currency,
    cs,
    opId: `lost-${dead[0]!.id}`,
    description: `Coins from ${cs} that can no longer be exchanged: past the time their currency server had to take them back`,
  });
  await tx.done;
}

/** Drives the single-coin exchanges a refused one handed its coins to (`releaseOrProbe`). */
async function driveProbes(core: Core, op: ExchangeOp): Promise<ExchangeOp[]> {
  const out: ExchangeOp[] = [];
  const seen = new Set<string>();
  for (const id of op.reserved) {
    const row = await core.db.get('coins', id);
    const probeId = row?.state === 'reserved' ? row.opId : undefined;
    if (probeId === undefined || probeId === op.id || seen.has(probeId)) continue;
    seen.add(probeId);
    const probe = await core.db.get('ops', probeId);
    if (probe?.kind === 'exchange' && probe.status === 'pending') {
      out.push(await driveExchange(core, probe));
    }
  }
  return out;
}

/**
 * One recovery pass: sweep revoked coins, then for every CS the wallet can reach, renew its late
 * coins and recoup its revoked ones (≤ 64 a request, each kind apart), and write off dead ones.
 * Returns the exchanges it drove (done, pending when a server did not answer, or probing).
 */
export async function recoverCoins(
  core: Core,
  policy: SpreadPolicy,
  only?: string,
): Promise<ExchangeOp[]> {
  await sweepRevoked(core);
  const out: ExchangeOp[] = [];
  for (const server of currencyServers(core)) {
    if (only !== undefined && server.csName !== only) continue;
    const now = core.now();
    const rows = await core.db.getAllFromIndex('coins', 'byCs', server.csName);
    const held = rows.filter((r) => r.state === 'spendable' || r.state === 'recovering');
    const by = { late: [] as CoinRow[], revoked: [] as CoinRow[], dead: [] as CoinRow[] };
    for (const row of held) {
      const standing = rowStanding(core, row, now);
      if (standing === 'late' || standing === 'revoked' || standing === 'dead') {
        by[standing].push(row);
      }
    }
    await writeOffDead(core, server.csName, by.dead);
    for (const [purpose, coins] of [
      ['recoup', by.revoked],
      ['renew', by.late],
    ] as const) {
      for (let i = 0; i < coins.length; i += MAX_COINS) {
        const ids = new Set(coins.slice(i, i + MAX_COINS).map((c) => c.id));
        // One scheme per request (schemes.ts): a batch holding both goes as two exchanges.
        while (ids.size > 0) {
          const op = await startExchange(
            core,
            server.csName,
            purpose,
            (current) => {
              const still = current.filter((c) => ids.has(c.id));
              return still.length === 0 ? null : choice(still, server, policy);
            },
            server.csName,
            (row) => row.state === 'spendable' || row.state === 'recovering',
          );
          if (op === null) break;
          for (const id of op.reserved) ids.delete(id);
          const driven = await driveExchange(core, op);
          out.push(driven);
          // Refused for some coin: each went to an exchange of its own; they go now too.
          if (driven.status === 'failed') out.push(...(await driveProbes(core, driven)));
        }
      }
    }
  }
  return out;
}
