/**
 * The merchant store conformance suite (conformance.ts) at PostgreSQL's REPEATABLE READ and
 * SERIALIZABLE (the defaults of the distributed engines, where conflicts abort with `40001`),
 * and with faults injected under the SQL layer's retry policy — `40001` before a COMMIT, or a
 * COMMIT reported `40003` — on SQLite and PostgreSQL: the same outcomes (docs/SCALING.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresEngine, retrying, type SqlDb, sqliteEngine } from '@netcash/server-kit';
import {
  type Captured,
  capturing,
  faultSchedule,
  lintSql,
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantStoreConformance } from './conformance.ts';
import { SqlMerchantStore } from './sql-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-merchant-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function storeOn(db: SqlDb): Promise<SqlMerchantStore> {
  const store = new SqlMerchantStore(db);
  await store.migrate();
  return store;
}

const { faulty, injected } = faultSchedule({ rate: 0.25 });

merchantStoreConformance('sqlite with faults', () =>
  storeOn(faulty(sqliteEngine(join(dir, `m${++n}.sqlite`)))),
);

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  const sent: Captured[] = [];
  for (const isolation of ['repeatable read', 'serializable'] as const) {
    merchantStoreConformance(`postgres ${isolation}`, async () =>
      storeOn(
        retrying(
          capturing(
            postgresEngine(await cluster.createDatabase(`merchant_iso_${++n}`), { isolation }),
            sent,
          ),
        ),
      ),
    );
  }
  it('sent only portable SQL (docs/SCALING.md §3)', () => {
    expect(sent.length).toBeGreaterThan(100);
    expect(sent.some((s) => s.kind === 'ddl')).toBe(true);
    expect(lintSql(sent)).toEqual([]);
  });
  merchantStoreConformance('postgres with faults', async () =>
    storeOn(faulty(postgresEngine(await cluster.createDatabase(`merchant_faults_${++n}`)))),
  );
});

it('injected both kinds of fault', () => {
  expect(injected('conflicts')).toBeGreaterThan(20);
  expect(injected('unknownOutcomes')).toBeGreaterThan(20);
});
