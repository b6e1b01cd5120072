/**
 * WAL checkpoints on a background thread (sqlite-checkpointer.ts): the writer's connection never
 * checkpoints inside a COMMIT, yet the WAL's pages reach the database file, the WAL stays short
 * under commits that never pause — restarted in the file it has, not cut — and the last close
 * leaves no WAL behind.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite } from './open.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCHEMA = 'CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)';
const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const row = () => [randomBytes(16).toString('hex'), randomBytes(300).toString('hex')];

/** `rounds` groups of 20 inserts at random keys; the WAL's size after each (bytes). */
async function write(db: ReturnType<typeof openSqlite>, path: string, rounds: number) {
  const sizes: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.transaction((tx) => tx.run('INSERT INTO t (k, v) VALUES ($1, $2)', row())),
      ),
    );
    sizes.push(size(`${path}-wal`));
  }
  return sizes;
}

async function until(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
}

describe('SQLite WAL checkpoints on a background thread', () => {
  it('copy the WAL into the database file without the writer checkpointing', async () => {
    const path = join(dir, 'copied.db');
    // The writer never truncates here: only the background thread can fill the database file.
    const db = openSqlite(path, { scrubMs: 0, checkpoint: { frames: 50, restartFrames: 1e9 } });
    await db.ddl(SCHEMA);
    const before = size(path);
    await write(db, path, 30);
    expect(await until(() => size(path) > before + 100 * 1024)).toBe(true);
    await db.close();
  });

  it('keep the WAL short while commits never pause', async () => {
    const path = join(dir, 'bounded.db');
    const db = openSqlite(path, { scrubMs: 0, checkpoint: { frames: 50, restartFrames: 300 } });
    await db.ddl(SCHEMA);
    const most = Math.max(...(await write(db, path, 300)));
    await db.close();
    expect(existsSync(`${path}-wal`)).toBe(false);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 300 * 20 });
    check.close();

    // The same commits on a connection that never checkpoints: the WAL only grows. (How far the
    // store's WAL overshoots its 300 frames depends on how long a background checkpoint takes,
    // which a loaded machine stretches; a quarter of the unbounded WAL is far from either.)
    const plainPath = join(dir, 'plain.db');
    const plain = new Database(plainPath);
    plain.pragma('journal_mode = WAL');
    plain.pragma('wal_autocheckpoint = 0');
    plain.exec(SCHEMA);
    const insert = plain.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    for (let r = 0; r < 300; r++) {
      plain.transaction(() => {
        for (let i = 0; i < 20; i++) insert.run(...row());
      })();
    }
    const unbounded = size(`${plainPath}-wal`);
    plain.close();
    expect(most).toBeLessThan(unbounded / 4);
  });

  it('restart the WAL in the file it has: rewritten from its start, not cut short', async () => {
    const path = join(dir, 'kept.db');
    const db = openSqlite(path, { scrubMs: 0, checkpoint: { frames: 50, restartFrames: 300 } });
    await db.ddl(SCHEMA);
    const sizes = await write(db, path, 300);
    await db.close();
    // Restarted many times (see above): once it reached its 300 frames the file kept at least
    // that length (cut back to it after an overshoot, never below).
    const kept = 32 + 300 * (4096 + 24);
    const reached = sizes.findIndex((bytes) => bytes >= kept);
    expect(reached).toBeGreaterThan(0);
    expect(sizes.slice(reached).every((bytes) => bytes >= kept)).toBe(true);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 300 * 20 });
    check.close();
  });
});
