/**
 * Audits read the books at one snapshot where the engine has one, and say so where it does not
 * (docs/SCALING.md): the CS's and the bank's books carry `atOneSnapshot: false` when the SQL
 * layer reports its snapshot as not consistent — as it does on Citus, which cannot be installed
 * here, so the layer's answer is what this test changes (the store and its SQL are real).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, type SqlDb } from '@netcash/server-kit';
import { afterAll, describe, expect, it } from 'vitest';
import { createBankStore } from '../bank/store.ts';
import { createCsStore } from '../cs/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The database, as an engine without one snapshot across shards would answer for it. */
const withoutSnapshot = (db: SqlDb): SqlDb => ({
  ...db,
  snapshot: async (fn) => ({ value: (await db.snapshot(fn)).value, consistent: false }),
});

describe('books read without one snapshot', () => {
  it('a CS says so in its books, and only then', async () => {
    const plain = await createCsStore(openSqlite(join(dir, 'cs-plain.db')));
    expect((await plain.books()).atOneSnapshot).toBeUndefined();
    await plain.close();
    const sharded = await createCsStore(withoutSnapshot(openSqlite(join(dir, 'cs-sharded.db'))));
    expect(await sharded.books()).toMatchObject({ atOneSnapshot: false, minted: 0 });
    await sharded.close();
  });

  it('a bank says so in its audit, and only then', async () => {
    const plain = await createBankStore(openSqlite(join(dir, 'bank-plain.db')));
    expect((await plain.audit()).atOneSnapshot).toBe(true);
    await plain.close();
    const sharded = await createBankStore(
      withoutSnapshot(openSqlite(join(dir, 'bank-sharded.db'))),
    );
    expect(await sharded.audit()).toMatchObject({ atOneSnapshot: false, ledgerSum: 0 });
    await sharded.close();
  });
});
