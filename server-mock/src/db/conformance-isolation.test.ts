/**
 * The store conformance suite (conformance.ts) on PostgreSQL at REPEATABLE READ and at
 * SERIALIZABLE — the levels at which CockroachDB and YugabyteDB run by default, where a conflict
 * aborts a transaction (`40001`) instead of waiting — with its concurrent cases: one winner per
 * serial, balanced books, the first reply kept for a repeated request id (docs/SCALING.md).
 */
import { openPostgres } from '@netcash/server-kit';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { runConformance } from './conformance.ts';

describe.skipIf(!postgresAvailable())('postgres at snapshot and serializable isolation', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  for (const isolation of ['repeatable read', 'serializable'] as const) {
    const tag = isolation.replace(' ', '_');
    runConformance(`postgres ${isolation}`, async (label) =>
      openPostgres(await cluster.createDatabase(`${tag}_${label}`), { isolation }),
    );
  }
});
