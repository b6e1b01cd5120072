/**
 * The SQLite engine's group commit (sqlite.ts): transactions requested together share one
 * COMMIT, yet each one is still all-or-nothing on its own, and none is reported done before the
 * group's COMMIT — another connection already sees its rows when its promise resolves.
 */
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fresh(name: string) {
  const path = join(dir, `${name}.db`);
  const db = openSqlite(path);
  await db.ddl('CREATE TABLE t (k TEXT PRIMARY KEY)');
  const other = new Database(path, { readonly: true });
  const keys = () =>
    (other.prepare('SELECT k FROM t ORDER BY k').all() as { k: string }[]).map((r) => r.k);
  const close = async () => {
    other.close();
    await db.close();
  };
  return { db, keys, close };
}

describe('SQLite group commit', () => {
  it('rolls back a failing transaction of a group alone', async () => {
    const { db, keys, close } = await fresh('alone');
    const results = await Promise.allSettled([
      db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1)', ['a'])),
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (k) VALUES ($1)', ['b']);
        throw new Error('refused');
      }),
      db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1)', ['c'])),
      // A constraint error inside the group: also rolled back alone.
      db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1)', ['a'])),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    expect(keys()).toEqual(['a', 'c']);
    await close();
  });

  it('rolls back a failing transaction that is a group of its own (no savepoint)', async () => {
    const { db, keys, close } = await fresh('one');
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (k) VALUES ($1)', ['q']);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    // A multi-row statement that fails on its second row, alone in its group.
    await db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1)', ['r']));
    await expect(
      db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1), ($2)', ['s', 'r'])),
    ).rejects.toThrow(/UNIQUE/);
    expect(keys()).toEqual(['r']);
    // The connection is usable after: no transaction was left open.
    await db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1)', ['t']));
    expect(keys()).toEqual(['r', 't']);
    await close();
  });

  it('keeps savepoint journals in memory, not in temp files', async () => {
    const { db, close } = await fresh('journal');
    // Enough pages touched under savepoints to spill a file-backed journal (64 KiB).
    const rows = Array.from(
      { length: 400 },
      (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(300)}`,
    );
    const opened = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).includes('etilqs');
        } catch {
          return false;
        }
      }).length;
    let during = 0;
    await Promise.all(
      [0, 1].map((half) =>
        db.transaction(async (tx) => {
          for (const k of rows.filter((_, i) => i % 2 === half))
            await tx.run('INSERT INTO t (k) VALUES ($1)', [k]);
          during = Math.max(during, opened());
        }),
      ),
    );
    expect(during).toBe(0);
    await close();
  });

  it('reports a transaction done only once it is committed', async () => {
    const { db, keys, close } = await fresh('durable');
    const seen = await Promise.all(
      ['x', 'y', 'z'].map((k) =>
        db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1)', [k])).then(() => keys()),
      ),
    );
    for (const [i, k] of ['x', 'y', 'z'].entries()) expect(seen[i]).toContain(k);
    await close();
  });

  it('sees the writes of earlier transactions of the same group', async () => {
    const { db, close } = await fresh('order');
    const [, second] = await Promise.all([
      db.transaction((tx) => tx.run('INSERT INTO t (k) VALUES ($1)', ['p'])),
      db.transaction((tx) => tx.query<{ k: string }>('SELECT k FROM t')),
    ]);
    expect(second.map((r) => r.k)).toEqual(['p']);
    await close();
  });
});
