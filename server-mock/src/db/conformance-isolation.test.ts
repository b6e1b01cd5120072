/**
 * The store conformance suite (conformance.ts) on PostgreSQL at REPEATABLE READ and at
 * SERIALIZABLE — the levels at which CockroachDB and YugabyteDB run by default, where a conflict
 * aborts a transaction (`40001`) instead of waiting — with its concurrent cases: one winner per
 * serial, balanced books, the first reply kept for a repeated request id (docs/SCALING.md).
 * Every statement the suites send (migrations included) goes through the portability lint.
 */
import { postgresEngine, retrying } from '@netcash/server-kit';
import {
  type Captured,
  capturing,
  lintSql,
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from './conformance.ts';

describe.skipIf(!postgresAvailable())('postgres at snapshot and serializable isolation', () => {
  let cluster: PostgresCluster;
  const sent: Captured[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  for (const isolation of ['repeatable read', 'serializable'] as const) {
    const tag = isolation.replace(' ', '_');
    runConformance(`postgres ${isolation}`, async (label) =>
      retrying(
        capturing(
          postgresEngine(await cluster.createDatabase(`${tag}_${label}`), { isolation }),
          sent,
        ),
      ),
    );
  }

  it('sent only portable SQL (docs/SCALING.md §3)', () => {
    // The suites ran (the lint of nothing would pass), exchanges among them.
    expect(sent.length).toBeGreaterThan(500);
    expect(sent.some((s) => s.label === 'exchange')).toBe(true);
    expect(sent.some((s) => s.kind === 'ddl')).toBe(true);
    expect(lintSql(sent)).toEqual([]);
  });
});
