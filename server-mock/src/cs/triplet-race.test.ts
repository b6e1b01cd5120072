/**
 * Exactly one of C_B and C_A is ever redeemed (SPEC §6), even when the payee's redemption and the
 * payor's claim race across `dateB`: two processes of one currency server over one database, one
 * whose clock stands a second before `dateB` (C_B still spendable there) and one at `dateB` (C_A
 * claimable there), as two machines whose clocks differ by a second. 25 redemptions of C_B under
 * different request ids go to the first and 25 claims of C_A to the second, all at once: one of
 * the 50 takes the triplet's value, every other gets nothing but a CS receipt (when C_B won) or
 * `double-spent`, and the books balance — on SQLite and on PostgreSQL.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Coin,
  type CoinInstrument,
  type CsRequest,
  nowSeconds,
  type Result,
  sign,
  toB64u,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NetcashChild, spawnReady } from '../testing/child.ts';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

const CS_AT = fileURLToPath(new URL('../testing/cs-at-main.ts', import.meta.url));

/** Another process of `fed`'s cs1, over its database, whose clock stands at `now`. */
function spawnCsAt(fed: Federation, store: string, now: number): Promise<NetcashChild> {
  const cs1 = fed.cs[0]!;
  return spawnReady(process.execPath, [
    '--import',
    'tsx',
    CS_AT,
    JSON.stringify({
      dataDir: join(fed.dataDir, 'cs1'),
      name: 'cs1',
      insurerUrl: fed.insurer.url,
      bankUrl: fed.bank.url,
      store,
      publicUrl: cs1.url,
      now,
    }),
  ]);
}

function spend(coin: Coin, requestId: string, secretKey: Uint8Array): CoinInstrument {
  return {
    kind: 'coin',
    coin,
    spend: sign(p, secretKey, { type: 'coin-spend', serial: coin.body.serial, requestId }),
  };
}

type Outcome = Result<{ coins: readonly Coin[]; receipt?: unknown }>;

/** Races 25 redemptions of C_B at `before` against 25 claims of C_A at `at`; their outcomes. */
async function race(fed: Federation, store: string) {
  const clock = nowSeconds();
  const alice = await TestClient.open(fed.bank.url);
  const merchant = p.ed25519.keygen();
  const payor = p.ed25519.keygen();
  const cs1 = fed.cs[0]!;
  const dateB = clock + 100;
  const made = await alice.send(cs1.url, {
    ...alice.ids(),
    op: 'triplet',
    instruments: (await alice.buy(cs1.url, [50])).map((coin) => ({ kind: 'coin' as const, coin })),
    want: {
      payee: toB64u(merchant.publicKey),
      owner: toB64u(payor.publicKey),
      dateB,
      dateA: clock + 200,
      amounts: [50],
      change: [],
    },
  });
  if (!made.ok) throw made.error;
  const { b, a } = made.value.triplets[0]!;
  const outstanding = (await cs1.books()).outstanding;

  const [before, at] = await Promise.all([
    spawnCsAt(fed, store, dateB - 1),
    spawnCsAt(fed, store, dateB),
  ]);
  try {
    // Every request is sealed before any is sent, so they arrive as close together as possible.
    const requests: { url: string; request: CsRequest; kind: 'redeem' | 'claim' }[] = [];
    for (let i = 0; i < 25; i++) {
      const r = alice.ids();
      requests.push({
        url: before.url,
        kind: 'redeem',
        request: {
          ...r,
          op: 'exchange',
          instruments: [spend(b, r.requestId, merchant.secretKey)],
          want: { values: [50] },
        },
      });
      const c = alice.ids();
      requests.push({
        url: at.url,
        kind: 'claim',
        request: {
          ...c,
          op: 'claim',
          instruments: [spend(a, c.requestId, payor.secretKey)],
          want: { values: [20, 20, 10] },
        },
      });
    }
    await Promise.all([alice.info(before.url, true), alice.info(at.url, true)]);
    const results = await Promise.all(
      requests.map(async ({ url, request, kind }) => ({
        kind,
        outcome: (await alice.send(url, request)) as Outcome,
      })),
    );
    return { results, outstanding, value: b.body.value };
  } finally {
    await Promise.all([before.kill(), at.kill()]);
  }
}

async function expectOneWinner(
  fed: Federation,
  { results, outstanding, value }: Awaited<ReturnType<typeof race>>,
): Promise<'redeem' | 'claim'> {
  const paid = results.filter((r) => r.outcome.ok && r.outcome.value.coins.length > 0);
  expect(paid).toHaveLength(1);
  const won = paid[0]!;
  expect(won.outcome.ok && won.outcome.value.coins.reduce((s, c) => s + c.body.value, 0)).toBe(
    value,
  );
  for (const { kind, outcome } of results) {
    if (outcome === won.outcome) continue;
    if (won.kind === 'redeem' && kind === 'claim') {
      // C_B was spent: every claim is answered with the proof of it, and no value.
      expect(outcome.ok && outcome.value.coins.length === 0 && outcome.value.receipt).toBeTruthy();
    } else {
      expect(codeOf(outcome)).toBe('double-spent');
    }
  }
  const books = await fed.cs[0]!.books();
  // The winner's fresh coins replaced the triplet on the books, value for value.
  expect(books.outstanding.value).toBe(outstanding.value);
  expect(books.outstanding.count).toBe(outstanding.count - 2 + (won.kind === 'redeem' ? 1 : 3));
  return won.kind;
}

describe('50 concurrent redemptions of C_B and claims of C_A across dateB, on SQLite', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 1 });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('lets exactly one win', async () => {
    const store = join(fed.dataDir, 'cs1', 'cs.db');
    const winner = await expectOneWinner(fed, await race(fed, store));
    expect(['redeem', 'claim']).toContain(winner);
    expect((await fed.audit()).problems).toEqual([]);
  }, 60_000);
});

describe.skipIf(!postgresAvailable())(
  '50 concurrent redemptions of C_B and claims of C_A across dateB, on PostgreSQL',
  () => {
    let cluster: PostgresCluster;
    let fed: Federation;
    beforeAll(async () => {
      cluster = await startPostgres();
      fed = await startFederation({ store: 'postgres', postgresUrl: cluster.url, csCount: 1 });
    }, 90_000);
    afterAll(async () => {
      await fed?.stop();
      await cluster?.stop();
    });

    it('lets exactly one win', async () => {
      const winner = await expectOneWinner(fed, await race(fed, fed.databases['cs1']!));
      expect(['redeem', 'claim']).toContain(winner);
      expect((await fed.audit()).problems).toEqual([]);
    }, 60_000);
  },
);
