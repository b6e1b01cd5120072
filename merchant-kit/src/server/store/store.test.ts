/** The merchant store conformance suite against SQLite (a temp file) and a throwaway PostgreSQL. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { merchantStoreConformance } from './conformance.ts';
import { openMerchantStore } from './sql-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-merchant-store-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

merchantStoreConformance('sqlite', () => openMerchantStore(join(dir, `m${++files}.sqlite`)));

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
});
