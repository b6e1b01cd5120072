/** The merchant store conformance suite against SQLite (a temp file) and a throwaway PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantStoreConformance } from './conformance.ts';
import { lockedStoreConformance } from './conformance-locked.ts';
import { openMerchantStore } from './sql-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-merchant-store-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

merchantStoreConformance('sqlite', () => openMerchantStore(join(dir, `m${++files}.sqlite`)));
lockedStoreConformance('sqlite', () => openMerchantStore(join(dir, `m${++files}.sqlite`)));

it('adds the columns of a newer release to a store file made by an older one', async () => {
  const path = join(dir, 'old.sqlite');
  const old = new Database(path);
  old.exec(`CREATE TABLE cashouts (
    id TEXT PRIMARY KEY, amount BIGINT NOT NULL, currency TEXT NOT NULL, state TEXT NOT NULL,
    target TEXT NOT NULL, request TEXT NOT NULL, check_json TEXT, deposit TEXT, error TEXT,
    created BIGINT NOT NULL, completed BIGINT)`);
  old
    .prepare('INSERT INTO cashouts VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, NULL)')
    .run('c1', 5, 'NCD', 'pending', '{}', '{}', 1_700_000_000);
  old.close();
  const store = await openMerchantStore(path);
  expect((await store.cashouts()).map((c) => [c.id, c.parent])).toEqual([['c1', null]]);
  await store.close();
  const again = await openMerchantStore(path); // and again: nothing to add
  expect(await again.writeOffs()).toEqual([]);
  await again.close();
});

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PostgresCluster;
  let databases = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  merchantStoreConformance('postgres', async () =>
    openMerchantStore(await cluster.createDatabase(`merchant_${++databases}`)),
  );
  lockedStoreConformance('postgres', async () =>
    openMerchantStore(await cluster.createDatabase(`merchant_${++databases}`)),
  );
});
