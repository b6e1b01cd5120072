/**
 * The store conformance suite on both engines: SQLite files in a temp folder, and a throwaway
 * PostgreSQL cluster (one per file, a fresh database per case).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgres, openSqlite } from '@netcash/server-kit';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { runConformance } from './conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runConformance('sqlite', async (label) => openSqlite(join(dir, `${label}.db`)));

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  runConformance('postgres', async (label) => openPostgres(await cluster.createDatabase(label)));
});
