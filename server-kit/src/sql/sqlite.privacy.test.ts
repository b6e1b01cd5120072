/**
 * Deleted rows leave the SQLite files (sqlite.ts, docs/PRIVACY.md "Storage"): a currency server
 * deletes a serial when its coin is spent and a publisher deletes the coins of a settled payment;
 * a copy of the disk taken later must not hold them. Each check is run against a plain
 * better-sqlite3 connection as well (SQLite's defaults), where the same search finds the deleted
 * values — so the search is real and the difference is the store's settings.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-sqlite-privacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const serial = (i: number) => `serial-${String(i).padStart(5, '0')}-spent-coin`;

/** Which of `values` can be read in the file at `path` (and its WAL), as bytes. */
function readable(path: string, values: readonly string[]): { db: string[]; wal: string[] } {
  const bytes = (p: string) => (existsSync(p) ? readFileSync(p) : Buffer.alloc(0));
  const file = bytes(path);
  const wal = bytes(`${path}-wal`);
  return {
    db: values.filter((v) => file.includes(v)),
    wal: values.filter((v) => wal.includes(v)),
  };
}

const SCHEMA = 'CREATE TABLE outstanding (serial TEXT PRIMARY KEY, value BIGINT NOT NULL)';

/** `count` rows inserted in one transaction, then the first `spent` of them deleted. */
async function withStore(name: string, count: number, spent: number, scrubMs = 0) {
  const path = join(dir, `${name}.db`);
  const db = openSqlite(path, { scrubMs });
  await db.ddl(SCHEMA);
  await db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      await tx.run('INSERT INTO outstanding (serial, value) VALUES ($1, $2)', [serial(i), i]);
    }
  });
  await db.transaction((tx) =>
    tx.run('DELETE FROM outstanding WHERE serial < $1', [serial(spent)]),
  );
  return { db, path };
}

/** The same with SQLite's defaults: no secure_delete, the WAL left as SQLite leaves it. */
function withDefaults(name: string, count: number, spent: number) {
  const path = join(dir, `${name}.db`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA);
  const insert = db.prepare('INSERT INTO outstanding (serial, value) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(serial(i), i);
  })();
  db.prepare('DELETE FROM outstanding WHERE serial < ?').run(serial(spent));
  return { db, path };
}

const deleted = (spent: number) => Array.from({ length: spent }, (_, i) => serial(i));

describe('SQLite stores forget deleted rows', () => {
  it('leave no deleted row in the database file once the WAL is checkpointed', async () => {
    const { db, path } = await withStore('small', 40, 10);
    await db.close(); // the last connection checkpoints the WAL into the file and deletes it
    expect(existsSync(`${path}-wal`)).toBe(false);
    expect(readable(path, deleted(10)).db).toEqual([]);
    expect(readable(path, [serial(10), serial(39)]).db).toHaveLength(2); // the rest is there

    const plain = withDefaults('small-defaults', 40, 10);
    plain.db.close();
    expect(readable(plain.path, deleted(10)).db).toEqual(deleted(10));
  });

  it('zero pages that deletions free, not only the cells in pages still used', async () => {
    const { db, path } = await withStore('freed', 3000, 2000);
    await db.close();
    const left = readable(path, deleted(2000)).db;
    // What remains are divider keys of interior b-tree pages, still part of the tree.
    expect(left.length).toBeLessThanOrEqual(5);

    const plain = withDefaults('freed-defaults', 3000, 2000);
    plain.db.close();
    expect(readable(plain.path, deleted(2000)).db.length).toBeGreaterThan(1500);
  });

  it('scrub the WAL within the scrub interval while the server runs', async () => {
    // Right after the delete the WAL still holds the page as it was written by the insert —
    // unless the scrubber's own timer already ran (a slow machine): then the state before was
    // not seen, and the scenario starts again on a fresh file.
    let opened: Awaited<ReturnType<typeof withStore>> | undefined;
    for (let attempt = 0; opened === undefined; attempt++) {
      const candidate = await withStore(`live-${attempt}`, 40, 10, 200);
      if (readable(candidate.path, deleted(10)).wal.length === 10) opened = candidate;
      else if (attempt === 4) throw new Error('the WAL never held the deleted rows');
      else await candidate.db.close();
    }
    const { db, path } = opened;
    await expect
      .poll(() => (existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).length : 0), {
        timeout: 10_000,
        interval: 25,
      })
      .toBe(0);
    expect(readable(path, deleted(10))).toEqual({ db: [], wal: [] });
    // The store goes on working on the truncated WAL.
    await db.run('INSERT INTO outstanding (serial, value) VALUES ($1, $2)', ['after', 1]);
    expect(await db.query('SELECT COUNT(*) AS n FROM outstanding')).toEqual([{ n: 31 }]);
    await db.close();

    // With SQLite's defaults the WAL keeps the deleted rows after a checkpoint, until overwritten.
    const plain = withDefaults('live-defaults', 40, 10);
    plain.db.pragma('wal_checkpoint(PASSIVE)');
    expect(readable(plain.path, deleted(10)).wal).toEqual(deleted(10));
    plain.db.close();
  });
});
