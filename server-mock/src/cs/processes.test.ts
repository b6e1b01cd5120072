/**
 * Several processes of one currency server over one PostgreSQL database (SPEC §9,
 * docs/SCALING.md), the way a deployment starts them: all at once, each with `--migrate`, on an
 * empty database. Exactly one runs the migrations (the others wait on its lease), every one
 * serves, and they share the books: coins bought at one are exchanged at another, a coin spent
 * at all of them at once is taken once, and the federation's audit balances. Without
 * `--migrate`, a process only checks the schema: it waits for `netcash migrate`, then refuses.
 */
import { join } from 'node:path';
import { silentLogger } from '@netcash/server-kit';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePortBlock,
  type NetcashChild,
  runNetcash,
  START_MS,
  spawnNetcash,
} from '../testing/child.ts';
import { TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { startCurrencyServer } from './server.ts';

const PROCESSES = 4;

/** Why a process did not start: how it ended, and the end of what it printed. */
function why(reason: unknown): string {
  const [first = '', ...output] = String(reason).split('\n');
  const ended = /(exited with \S+|did not start):$/.exec(first)?.[1] ?? first;
  return `${ended}\n${output.join('\n').slice(-1_500)}`;
}

describe.skipIf(!postgresAvailable())(`${PROCESSES} CS processes starting at once`, () => {
  let cluster: PostgresCluster;
  let fed: Federation;
  const children: NetcashChild[] = [];
  /** The address certified for cs9 (in coins, for the audit): the first process's port. */
  let front: number;
  beforeAll(async () => {
    front = await freePortBlock(1);
    cluster = await startPostgres();
    fed = await startFederation({ csCount: 0 });
    await fed.enroll('cs9');
    // cs9's identity (keys, bank account, certificate) is made once, by a first start on its own
    // folder; the database its processes share is a new, empty one.
    const first = await startCurrencyServer({
      dataDir: join(fed.dataDir, 'cs9'),
      name: 'cs9',
      insurerUrl: fed.insurer.url,
      insurerKey: fed.insurer.signKey,
      bankUrl: fed.bank.url,
      publicUrl: `http://127.0.0.1:${front}/`,
      maintenanceIntervalMs: 0,
      rateLimit: false,
      log: silentLogger(),
    });
    await first.close();
  }, 60_000);
  afterAll(async () => {
    for (const child of children) await child.kill();
    await fed?.stop();
    await cluster?.stop();
  });

  it('migrates once, serves from every process, and the books balance', {
    timeout: START_MS + 30_000,
  }, async () => {
    const database = await cluster.createDatabase('cs9');
    const args = (port: number) => [
      'cs',
      '--name',
      'cs9',
      '--data',
      fed.dataDir,
      '--postgres',
      database,
      '--migrate',
      '--insurer',
      fed.insurer.url,
      '--insurer-key',
      fed.insurer.signKey,
      '--bank',
      fed.bank.url,
      '--port',
      String(port),
      '--public-url',
      `http://127.0.0.1:${front}/`,
      '--maintenance-interval',
      '0',
      // The shared database is what is tested here (worker threads: workers/workers.test.ts). One
      // worker per core in each of four processes would be twelve threads loading TypeScript at
      // once on a two-core machine.
      '--workers',
      '0',
    ];
    const started = await Promise.allSettled(
      Array.from({ length: PROCESSES }, (_, i) =>
        spawnNetcash(args(i === 0 ? front : 0), {
          env: { NETCASH_LOG: 'info' },
        }),
      ),
    );
    for (const s of started) if (s.status === 'fulfilled') children.push(s.value);
    // A process that did not start says why (a fresh-clone CI run once saw all four refused).
    expect(started.map((s) => (s.status === 'fulfilled' ? 'fulfilled' : why(s.reason)))).toEqual(
      Array(PROCESSES).fill('fulfilled'),
    );
    const migrated = children.filter((c) => c.output().includes('"msg":"schema migrated"'));
    expect(migrated).toHaveLength(1);
    expect(children.map((c) => c.output()).join('')).not.toMatch(/advisory/i);

    // Every process serves, over the same books.
    const alice = await TestClient.open(fed.bank.url);
    const coins = await alice.buy(children[0]!.url, [...Array(PROCESSES).fill(10), 5]);
    for (const [i, child] of children.entries()) {
      const [fresh] = await alice.exchange(child.url, [coins[i]!], [10]);
      expect(fresh?.body.value).toBe(10);
    }
    const contested = coins[PROCESSES]!;
    const outcomes = await Promise.allSettled(
      children.map((c) => alice.exchange(c.url, [contested], [5])),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'double-spent' });
    }
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('without --migrate, a process waits for `netcash migrate` and refuses when it does not come', {
    timeout: START_MS + 30_000,
  }, async () => {
    const database = await cluster.createDatabase('cs9_check');
    const refused = await runNetcash([
      'cs',
      '--name',
      'cs9',
      '--data',
      fed.dataDir,
      '--postgres',
      database,
      '--schema-wait',
      '1s',
      '--insurer',
      fed.insurer.url,
      '--bank',
      fed.bank.url,
      '--port',
      '0',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /schema is at version 0, this netcash needs \d+: run `netcash migrate`/,
    );
    const migrate = ['migrate', '--server', 'cs', '--postgres', database];
    const first = await runNetcash(migrate);
    expect(first.stdout).toMatch(/cs at the database: schema version 0 → \d+/);
    const again = await runNetcash(migrate);
    expect(again.stdout).toMatch(/up to date/);
  });
});
