/**
 * A forensic reader of SQLite files (the privacy tests' view of a copied disk, docs/PRIVACY.md):
 * not through SQLite, which shows only the rows a table holds now, but from the bytes — the
 * database file and its write-ahead log, frame by frame. It answers two questions:
 *
 *   - what each transaction in the WAL wrote and deleted: the WAL holds, per committed
 *     transaction, the full image of every page it changed; the records on a page image that
 *     were not on the page's previous image were written by it, those gone were deleted by it —
 *     so rows written together (a buy's check digest and its coins) are seen together, even after
 *     they were deleted;
 *   - what the file holds that no live record does: bytes left in freed cells and pages.
 *
 * File format: https://www.sqlite.org/fileformat2.html (b-tree pages §1.6, cell payloads and
 * overflow §1.6, records §2.1, the WAL §4). Frames of every salt are read — a frame left over
 * from before a WAL restart is as readable on disk as a live one.
 */
import { existsSync, readFileSync } from 'node:fs';

/** A value of a record: SQLite's storage classes. */
export type SqliteValue = string | number | bigint | Uint8Array | null;

/** One record (a table row or an index entry) as stored. */
export interface StoredRecord {
  readonly page: number;
  readonly values: readonly SqliteValue[];
}

/** One committed transaction of the WAL: the records it added and removed. */
export interface WalTransaction {
  /** Its position in the WAL (0 = oldest frame group in the file). */
  readonly index: number;
  readonly pages: readonly number[];
  readonly written: readonly StoredRecord[];
  readonly deleted: readonly StoredRecord[];
}

export interface SqliteFileView {
  readonly pageSize: number;
  /** Every record on the pages of the file as it is (WAL not applied). */
  readonly records: readonly StoredRecord[];
  readonly transactions: readonly WalTransaction[];
  /** The raw bytes: file, WAL (empty when absent). */
  readonly fileBytes: Uint8Array;
  readonly walBytes: Uint8Array;
}

type Pages = ReadonlyMap<number, Uint8Array>;

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;

/** SQLite's varint (1–9 bytes, big-endian, 7 bits per byte, the 9th byte whole). */
function varint(b: Uint8Array, at: number): { value: number; next: number } {
  let value = 0n;
  for (let i = 0; i < 9; i++) {
    const byte = b[at + i] ?? 0;
    if (i === 8) return { value: Number((value << 8n) | BigInt(byte)), next: at + 9 };
    value = (value << 7n) | BigInt(byte & 0x7f);
    if ((byte & 0x80) === 0) return { value: Number(value), next: at + i + 1 };
  }
  return { value: Number(value), next: at + 9 };
}

function signed(b: Uint8Array, at: number, n: number): number | bigint {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(b[at + i] ?? 0);
  if (n > 0 && (b[at]! & 0x80) !== 0) v -= 1n << BigInt(8 * n);
  return Number.isSafeInteger(Number(v)) ? Number(v) : v;
}

/** The values of a record (§2.1): a header of serial types, then the values back to back. */
export function decodeRecord(payload: Uint8Array): SqliteValue[] {
  const { value: headerSize, next } = varint(payload, 0);
  const types: number[] = [];
  for (let at = next; at < headerSize && at < payload.length; ) {
    const t = varint(payload, at);
    types.push(t.value);
    at = t.next;
  }
  const values: SqliteValue[] = [];
  let at = headerSize;
  const INT_BYTES = [0, 1, 2, 3, 4, 6, 8];
  for (const type of types) {
    if (type === 0) values.push(null);
    else if (type >= 1 && type <= 6) {
      values.push(signed(payload, at, INT_BYTES[type]!));
      at += INT_BYTES[type]!;
    } else if (type === 7) {
      values.push(Buffer.from(payload.subarray(at, at + 8)).readDoubleBE(0));
      at += 8;
    } else if (type === 8 || type === 9) values.push(type - 8);
    else if (type >= 12) {
      const length = Math.floor((type - 12) / 2);
      const bytes = payload.subarray(at, at + length);
      values.push(type % 2 === 1 ? Buffer.from(bytes).toString('utf8') : bytes);
      at += length;
    }
  }
  return values;
}

/** Page `n` with its b-tree header offset (page 1 starts after the 100-byte file header). */
function btreeStart(n: number): number {
  return n === 1 ? 100 : 0;
}

/**
 * The records on one b-tree page (leaf or interior, table or index), each payload followed
 * through its overflow pages in `pages`. Not a b-tree page (an overflow or free page): none.
 */
function pageRecords(pages: Pages, n: number, usable: number): StoredRecord[] {
  const page = pages.get(n);
  if (page === undefined) return [];
  const h = btreeStart(n);
  const kind = page[h];
  if (kind !== 2 && kind !== 5 && kind !== 10 && kind !== 13) return [];
  const leaf = kind === 10 || kind === 13;
  const cells = u16(page, h + 3);
  const pointers = h + (leaf ? 8 : 12);
  const out: StoredRecord[] = [];
  for (let i = 0; i < cells; i++) {
    let at = u16(page, pointers + 2 * i);
    if (at === 0 || at >= page.length) continue;
    if (!leaf) at += 4; // left child pointer
    if (kind === 5) continue; // table interior cells hold only a rowid
    const size = varint(page, at);
    at = size.next;
    if (kind === 13) at = varint(page, at).next; // rowid
    const payload = readPayload(pages, page, at, size.value, usable, kind === 13);
    out.push({ page: n, values: decodeRecord(payload) });
  }
  return out;
}

/** A cell's payload: the part on the page, then the overflow chain (§1.6 local size rule). */
function readPayload(
  pages: Pages,
  page: Uint8Array,
  at: number,
  size: number,
  usable: number,
  table: boolean,
): Uint8Array {
  const maxLocal = table ? usable - 35 : Math.floor(((usable - 12) * 64) / 255) - 23;
  if (size <= maxLocal) return page.subarray(at, at + size);
  const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
  const k = minLocal + ((size - minLocal) % (usable - 4));
  const local = k <= maxLocal ? k : minLocal;
  const parts: Uint8Array[] = [page.subarray(at, at + local)];
  let left = size - local;
  let next = u32(page, at + local);
  for (let hops = 0; left > 0 && next !== 0 && hops < 10_000; hops++) {
    const overflow = pages.get(next);
    if (overflow === undefined) break;
    const take = Math.min(left, usable - 4);
    parts.push(overflow.subarray(4, 4 + take));
    left -= take;
    next = u32(overflow, 0);
  }
  return Buffer.concat(parts);
}

/** Records of the b-tree pages among `numbers`, read in the page map `pages`. */
function recordsOf(pages: Pages, numbers: Iterable<number>, usable: number): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const n of numbers) out.push(...pageRecords(pages, n, usable));
  return out;
}

const keyOf = (r: StoredRecord) =>
  JSON.stringify(r.values, (_, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  );

/** Records in `after` and not in `before` (as multisets). */
function added(before: readonly StoredRecord[], after: readonly StoredRecord[]): StoredRecord[] {
  const seen = new Map<string, number>();
  for (const r of before) seen.set(keyOf(r), (seen.get(keyOf(r)) ?? 0) + 1);
  return after.filter((r) => {
    const n = seen.get(keyOf(r)) ?? 0;
    if (n === 0) return true;
    seen.set(keyOf(r), n - 1);
    return false;
  });
}

function splitPages(bytes: Uint8Array, pageSize: number): Map<number, Uint8Array> {
  const pages = new Map<number, Uint8Array>();
  for (let n = 1; n * pageSize <= bytes.length; n++) {
    pages.set(n, bytes.subarray((n - 1) * pageSize, n * pageSize));
  }
  return pages;
}

/** Reads the SQLite file at `path` and its WAL (`path-wal`), if any. */
export function readSqliteFile(path: string): SqliteFileView {
  const fileBytes = existsSync(path) ? readFileSync(path) : Buffer.alloc(0);
  const walBytes = existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`) : Buffer.alloc(0);
  const headerSize = fileBytes.length >= 100 ? u16(fileBytes, 16) : 0;
  const walPageSize = walBytes.length >= 32 ? u32(walBytes, 8) : 0;
  const pageSize = headerSize === 1 ? 65536 : headerSize || walPageSize || 4096;
  const reserved = fileBytes.length >= 100 ? fileBytes[20]! : 0;
  const usable = pageSize - reserved;
  const filePages = splitPages(fileBytes, pageSize);
  const records = recordsOf(filePages, filePages.keys(), usable);

  // The WAL's frames in file order, grouped into transactions at each commit frame.
  const transactions: WalTransaction[] = [];
  const current = new Map(filePages);
  let group: { n: number; data: Uint8Array }[] = [];
  for (let at = 32; at + 24 + pageSize <= walBytes.length; at += 24 + pageSize) {
    const n = u32(walBytes, at);
    const commit = u32(walBytes, at + 4);
    if (n === 0) break;
    group.push({ n, data: walBytes.subarray(at + 24, at + 24 + pageSize) });
    if (commit === 0) continue;
    const before = new Map(current);
    for (const frame of group) current.set(frame.n, frame.data);
    const changed = [...new Set(group.map((f) => f.n))];
    const was = recordsOf(before, changed, usable);
    const now = recordsOf(current, changed, usable);
    transactions.push({
      index: transactions.length,
      pages: changed,
      written: added(was, now),
      deleted: added(now, was),
    });
    group = [];
  }
  return { pageSize, records, transactions, fileBytes, walBytes };
}
