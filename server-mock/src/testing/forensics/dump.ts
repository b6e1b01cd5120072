/**
 * A server's database as someone who copied its disk sees it (the privacy dump test,
 * docs/PRIVACY.md): the SQLite file and its WAL are copied first — nothing of the running server
 * is asked — then read three ways, each giving `Evidence` for the join-key search (linker.ts):
 *
 *   tables   every row of every table, through SQLite (the WAL applied, as the server sees it);
 *   WAL      each committed transaction in the write-ahead log: the records it wrote and
 *            deleted, read from the page images (sqlite-file.ts) — rows a transaction wrote
 *            together are one item, whether or not they are still in the tables;
 *   residue  per page of the file and per WAL frame, known values readable in its bytes but in
 *            none of its records (freed cells and pages) — added once every server's known
 *            values are collected (`residue`).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { type Evidence, tokensOf } from './linker.ts';
import { readSqliteFile, type SqliteFileView, type StoredRecord } from './sqlite-file.ts';

export interface ServerDump {
  /** `insurer`, `bank`, `cs1`, …, `publisher`. */
  readonly name: string;
  /** Rows by table, as SQLite reads them. */
  readonly tables: ReadonlyMap<string, readonly Record<string, unknown>[]>;
  readonly view: SqliteFileView;
  /** Table rows and WAL transactions as evidence (residue is added by `residue`). */
  readonly evidence: readonly Evidence[];
}

function recordTokens(records: readonly StoredRecord[]): Set<string> {
  const tokens = new Set<string>();
  for (const r of records) for (const v of r.values) tokensOf(v, tokens);
  return tokens;
}

/** Copies the SQLite file at `path` (with its WAL) and reads the copy. */
export function dumpServer(name: string, path: string): ServerDump {
  const dir = mkdtempSync(join(tmpdir(), 'netcash-dump-'));
  try {
    const copy = join(dir, basename(path));
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(`${path}${suffix}`)) copyFileSync(`${path}${suffix}`, `${copy}${suffix}`);
    }
    // The bytes first: SQLite, opening the copy, would fold its WAL into the file.
    const view = readSqliteFile(copy);
    const tables = new Map<string, Record<string, unknown>[]>();
    const db = new Database(copy);
    try {
      const names = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all() as { name: string }[];
      for (const t of names) {
        tables.set(
          t.name,
          db.prepare(`SELECT * FROM "${t.name}"`).all() as Record<string, unknown>[],
        );
      }
    } finally {
      db.close();
    }
    const evidence: Evidence[] = [];
    for (const [table, rows] of tables) {
      rows.forEach((row, i) => {
        evidence.push({ where: `${name}: table ${table}, row ${i + 1}`, tokens: tokensOf(row) });
      });
    }
    for (const t of view.transactions) {
      evidence.push({
        where: `${name}: WAL transaction ${t.index + 1} (${t.written.length} records written, ${t.deleted.length} deleted)`,
        tokens: recordTokens([...t.written, ...t.deleted]),
      });
    }
    return { name, tables, view, evidence };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Known values (`known`: every token of every dump, and the spent coins' serials) readable in a
 * page's bytes yet in none of its records: what deletions left behind. One item per page (of the
 * file) or frame (of the WAL) that holds any.
 */
export function residue(dump: ServerDump, known: ReadonlySet<string>): Evidence[] {
  const { view } = dump;
  const live = recordTokens(view.records);
  for (const t of view.transactions) {
    for (const token of recordTokens([...t.written, ...t.deleted])) live.add(token);
  }
  for (const rows of dump.tables.values()) for (const row of rows) tokensOf(row, live);
  const out: Evidence[] = [];
  const scan = (bytes: Uint8Array, what: string) => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const left = new Set<string>();
    for (const token of known) if (!live.has(token) && buffer.includes(token)) left.add(token);
    if (left.size > 0) out.push({ where: `${dump.name}: ${what}`, tokens: left });
  };
  const size = view.pageSize;
  for (let at = 0; at + size <= view.fileBytes.length; at += size) {
    scan(view.fileBytes.subarray(at, at + size), `bytes left in page ${at / size + 1} of the file`);
  }
  for (let at = 32, frame = 1; at + 24 + size <= view.walBytes.length; at += 24 + size, frame++) {
    scan(view.walBytes.subarray(at, at + 24 + size), `bytes left in WAL frame ${frame}`);
  }
  return out;
}
