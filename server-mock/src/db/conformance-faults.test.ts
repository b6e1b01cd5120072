/**
 * The store conformance suite (conformance.ts) with faults injected between the engine and the
 * SQL layer's retry policy (@netcash/server-kit/testing `withFaults`): at random a transaction is
 * aborted with `40001` before its COMMIT, or committed and then reported `40003` (outcome
 * unknown). The outcomes must stay the same: conflicts are retried, and every store operation is
 * idempotent — it finds its own committed writes when run again (docs/SCALING.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresEngine, sqliteEngine } from '@netcash/server-kit';
import {
  faultSchedule,
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from './conformance.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A seed per run, printed, so that a failing schedule can be replayed.
const { faulty, injected } = faultSchedule({ rate: 0.25 });

runConformance('sqlite with faults', async (label) =>
  faulty(sqliteEngine(join(dir, `${label}.db`))),
);

describe.skipIf(!postgresAvailable())('postgres with faults', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  runConformance('postgres with faults', async (label) =>
    faulty(postgresEngine(await cluster.createDatabase(`faults_${label}`))),
  );
});

it('injected both kinds of fault', () => {
  expect(injected('conflicts')).toBeGreaterThan(20);
  expect(injected('unknownOutcomes')).toBeGreaterThan(20);
});
