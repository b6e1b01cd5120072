/**
 * What a currency server keeps, and how (docs/PRIVACY.md "Storage"): read from its SQLite file as
 * bytes (testing/forensics), the way someone who copied the disk would.
 *
 *   - the coins a buy minted are not stored side by side: the outstanding list is in serial order
 *     (a table without rowid), where a rowid table keeps them in the order they were minted —
 *     the control, on the same values, shows that order is readable when kept;
 *   - a deposit is its check's digest, amount and expiry: not the request that brought it, and
 *     an older file loses that column when the CS opens it;
 *   - the CS publishes how many coins each blind-rsa key has issued (its anonymity set).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsInfo, decode, digest, endpoint, PATHS } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { openSqlite } from '@netcash/server-kit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { readSqliteFile } from '../testing/forensics/sqlite-file.ts';
import { createCsStore } from './store.ts';

let fed: Federation;
const dir = mkdtempSync(join(tmpdir(), 'netcash-cs-storage-'));
beforeAll(async () => {
  fed = await startFederation({ csCount: 1, blindRsa: { denominations: [5, 10] } });
});
afterAll(async () => {
  await fed?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The CS's file as a copy taken now, checkpointed, as records in page and cell order. */
function copiedRecords(name: string): readonly (readonly unknown[])[] {
  const source = join(fed.dataDir, 'cs1', 'cs.db');
  const copy = join(dir, `${name}.db`);
  for (const suffix of ['', '-wal']) {
    if (existsSync(`${source}${suffix}`)) copyFileSync(`${source}${suffix}`, `${copy}${suffix}`);
  }
  const db = new Database(copy);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return readSqliteFile(copy).records.map((r) => r.values);
}

describe('a currency server’s file', () => {
  it('keeps outstanding coins in serial order, not in the order they were minted', async () => {
    const alice = await TestClient.open(fed.bank.url);
    const minted: string[] = [];
    for (let buy = 0; buy < 3; buy++) {
      const coins = await alice.buy(fed.cs[0]!.url, [1, 2, 2, 5, 10, 20, 50]);
      minted.push(...coins.map((c) => c.body.serial));
    }
    const stored = copiedRecords('order')
      .map((values) => values[0])
      .filter((v): v is string => typeof v === 'string' && minted.includes(v));
    // Each serial is in the table, and in the (expires, serial) index once more.
    expect(new Set(stored)).toEqual(new Set(minted));
    const table = stored.slice(0, minted.length);
    expect(table).toEqual([...minted].sort());
    expect(table).not.toEqual(minted);

    // The control: the same serials in a table with rowids come back in the minting order.
    const path = join(dir, 'rowid.db');
    const plain = new Database(path);
    plain.exec('CREATE TABLE outstanding (serial TEXT PRIMARY KEY, value BIGINT NOT NULL)');
    const insert = plain.prepare('INSERT INTO outstanding VALUES (?, 1)');
    for (const serial of minted) insert.run(serial);
    plain.close();
    const rows = readSqliteFile(path)
      .records.map((r) => r.values[0])
      .filter((v): v is string => typeof v === 'string' && minted.includes(v));
    expect(rows.slice(0, minted.length)).toEqual(minted);
  });

  it('stores a deposit as its check’s digest, amount and expiry — nothing of the request', async () => {
    const alice = await TestClient.open(fed.bank.url);
    const prepared = alice.buyRequest((await alice.info(fed.cs[0]!.url)).account, [5]);
    await alice.send(fed.cs[0]!.url, prepared);
    const check = prepared.instruments[0].check;
    const records = copiedRecords('deposits');
    const deposit = records.filter((values) => values[0] === digest(nodeProvider, check));
    expect(deposit).toEqual([[digest(nodeProvider, check), 5, check.body.expires]]);
    // The request id is only where idempotency needs it: the requests table (row, key index).
    const naming = records.filter((values) => JSON.stringify(values).includes(prepared.requestId));
    expect(naming.length).toBeGreaterThan(0);
    for (const values of naming) expect(values[0]).toBe(prepared.requestId);
  });

  it('drops the request id an older file kept beside each deposit', async () => {
    const path = join(dir, 'older.db');
    const old = new Database(path);
    old.exec(`CREATE TABLE deposits (digest TEXT PRIMARY KEY, amount BIGINT NOT NULL,
      request_id TEXT NOT NULL, expires BIGINT NOT NULL)`);
    old.prepare('INSERT INTO deposits VALUES (?, ?, ?, ?)').run('d1', 5, 'buy-request-1', 9e9);
    old.close();
    const store = await createCsStore(openSqlite(path, { scrubMs: 0 }));
    await store.close();
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT * FROM deposits').all()).toEqual([
      { digest: 'd1', amount: 5, expires: 9e9 },
    ]);
    after.close();
    expect(JSON.stringify(readSqliteFile(path).records)).not.toContain('buy-request-1');
  });
});

describe('a currency server’s info', () => {
  it('publishes how many coins each blind-rsa key issued: the anonymity set', async () => {
    const url = fed.cs[0]!.url;
    const read = async () => {
      const info = decode(CsInfo, await (await fetch(endpoint(url, PATHS.cs.info))).json());
      if (!info.ok) throw info.error;
      return new Map((info.value.withdrawn ?? []).map((w) => [w.keyId, w.count]));
    };
    const before = await read();
    const keys = (await TestClient.open(fed.bank.url).then((c) => c.info(url, true)))
      .denominationKeys!;
    expect(keys.map((k) => k.body.value).sort()).toEqual([10, 5]);
    const bob = await TestClient.open(fed.bank.url);
    await bob.buyBlind(url, [5, 5, 5, 10]);
    const after = await read();
    for (const k of keys) {
      const more = k.body.value === 5 ? 3 : 1;
      expect(after.get(k.body.keyId)).toBe((before.get(k.body.keyId) ?? 0) + more);
    }
  });
});
