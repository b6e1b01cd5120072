import 'fake-indexeddb/auto';
import { TrustStore } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { deleteDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { type Core, DEFAULT_NET } from './context.ts';
import { openWalletDb } from './db/open.ts';
import type { ExchangeOp, OpStatus } from './journal/types.ts';
import { JOURNAL_RETENTION, recover } from './recover.ts';

const NOW = 1_800_000_000;

function op(id: string, status: OpStatus, updated: number): ExchangeOp {
  return {
    kind: 'exchange',
    purpose: 'refresh',
    id,
    status,
    created: updated,
    updated,
    attempts: 1,
    reserved: [],
    cs: 'cs1',
    currency: 'NCD',
    target: { certId: 'cert', encKey: 'key', addresses: [] },
    request: {
      requestId: id,
      op: 'exchange',
      instruments: [],
      want: { values: [10] },
      replyKey: 'k',
    },
  };
}

describe('recovery', () => {
  it('prunes settled journal entries past the retention, keeping failed and recent ones', async () => {
    const db = await openWalletDb('recover-prune');
    const old = NOW - JOURNAL_RETENTION - 1;
    const edge = NOW - JOURNAL_RETENTION;
    for (const row of [
      op('done-old', 'done', old),
      op('done-edge', 'done', edge),
      op('done-new', 'done', NOW - 10),
      op('rolled-old', 'rolled-back', old),
      op('rolled-new', 'rolled-back', NOW),
      op('failed-old', 'failed', old),
    ]) {
      await db.put('ops', row);
    }
    const core: Core = {
      db,
      p: nodeProvider,
      fetch,
      now: () => NOW,
      faults: {},
      nowMs: () => NOW * 1000,
      random: () => 0.5,
      sleep: async () => undefined,
      net: { ...DEFAULT_NET, timeoutMs: 1000 },
      trust: new TrustStore(nodeProvider, []),
      csNames: [],
    };
    expect(await recover(core)).toEqual({ done: 0, rolledBack: 0, failed: 0, pending: 0 });
    expect((await db.getAllKeys('ops')).sort()).toEqual(
      ['done-edge', 'done-new', 'failed-old', 'rolled-new'].sort(),
    );
    db.close();
    await deleteDB('recover-prune');
  });
});
