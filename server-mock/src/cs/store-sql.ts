/**
 * The SQL implementation of the currency server's store (store.ts has the interface and what
 * each operation means): one schema for SQLite and PostgreSQL, and `apply`, the single
 * transaction every operation commits — claim the request id, consume the nc1 serials with one
 * conditional `DELETE … RETURNING`, insert the blind-rsa serials into the spent list with one
 * `INSERT … ON CONFLICT DO NOTHING RETURNING` (a serial not returned was spent before), count
 * blind-rsa withdrawals and spends per key, record deposits, mint, record the check, book the
 * counters.
 */
import type { SqlDb, SqlTx } from '@netcash/server-kit';
import { inList, num, str } from '@netcash/server-kit';
import type { Commit, CommitOutcome, CsBooksData, CsStore, SpentRow } from './store.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outstanding (
  serial TEXT PRIMARY KEY,
  cert_id TEXT NOT NULL,
  value BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  lock TEXT
);
CREATE INDEX IF NOT EXISTS outstanding_expires ON outstanding (expires);
CREATE INDEX IF NOT EXISTS outstanding_lock ON outstanding (lock);
CREATE TABLE IF NOT EXISTS requests (
  request_id TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  reply TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_created ON requests (created);
CREATE TABLE IF NOT EXISTS deposits (
  digest TEXT PRIMARY KEY,
  amount BIGINT NOT NULL,
  request_id TEXT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS checks_written (
  check_no TEXT PRIMARY KEY,
  payee TEXT NOT NULL,
  amount BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS triplet_spends (
  triplet_id TEXT PRIMARY KEY,
  serial TEXT NOT NULL,
  owner TEXT NOT NULL,
  value BIGINT NOT NULL,
  date BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS spent (
  serial TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS spent_expires ON spent (expires);
CREATE TABLE IF NOT EXISTS blind_keys (
  key_id TEXT PRIMARY KEY,
  value BIGINT NOT NULL,
  deposit_until BIGINT NOT NULL,
  withdrawn BIGINT NOT NULL,
  spent BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending (
  request_id TEXT PRIMARY KEY,
  amount BIGINT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS books (
  id INTEGER PRIMARY KEY,
  minted BIGINT NOT NULL,
  redeemed BIGINT NOT NULL,
  expired BIGINT NOT NULL,
  reserved BIGINT NOT NULL,
  deposited BIGINT NOT NULL,
  written BIGINT NOT NULL
);
INSERT INTO books (id, minted, redeemed, expired, reserved, deposited, written)
  VALUES (1, 0, 0, 0, 0, 0, 0) ON CONFLICT (id) DO NOTHING`;

class Rollback extends Error {
  constructor(readonly outcome: CommitOutcome) {
    super('rollback');
  }
}

async function releaseIn(tx: SqlTx, requestId: string): Promise<number> {
  const rows = await tx.query('DELETE FROM pending WHERE request_id = $1 RETURNING amount', [
    requestId,
  ]);
  const amount = rows.reduce((s, r) => s + num(r, 'amount'), 0);
  if (amount > 0) {
    await tx.run('UPDATE books SET reserved = reserved - $1 WHERE id = 1', [amount]);
  }
  return amount;
}

/** Adds to a blind-rsa key's counters, creating its row on first use. */
async function countBlind(
  tx: SqlTx,
  key: { keyId: string; value: number; depositUntil: number },
  withdrawn: number,
  spent: number,
): Promise<void> {
  await tx.run(
    `INSERT INTO blind_keys (key_id, value, deposit_until, withdrawn, spent) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key_id) DO UPDATE SET withdrawn = blind_keys.withdrawn + excluded.withdrawn,
       spent = blind_keys.spent + excluded.spent`,
    [key.keyId, key.value, key.depositUntil, withdrawn, spent],
  );
}

/** Inserts blind-rsa serials into the spent list; any already there is a double spend. */
async function spendBlind(tx: SqlTx, spend: readonly SpentRow[]): Promise<void> {
  const rows = spend.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ');
  const inserted = await tx.query(
    `INSERT INTO spent (serial, key_id, expires) VALUES ${rows} ON CONFLICT (serial) DO NOTHING RETURNING serial`,
    spend.flatMap((r) => [r.serial, r.keyId, r.expires]),
  );
  const fresh = new Set(inserted.map((r) => str(r, 'serial')));
  const missing = spend.filter((r) => !fresh.has(r.serial)).map((r) => r.serial);
  if (missing.length > 0) {
    throw new Rollback({ ok: false, reason: 'double-spent', serials: missing });
  }
  const perKey = new Map<string, { row: SpentRow; count: number }>();
  for (const row of spend) {
    const held = perKey.get(row.keyId);
    perKey.set(row.keyId, { row, count: (held?.count ?? 0) + 1 });
  }
  for (const { row, count } of perKey.values()) {
    await countBlind(tx, { ...row, depositUntil: row.expires }, 0, count);
  }
}

async function apply(tx: SqlTx, c: Commit): Promise<void> {
  // The request id first: a concurrent duplicate waits here (PostgreSQL) and then backs off,
  // instead of reaching the serials and reporting a false double spend.
  const claimed = await tx.query(
    'INSERT INTO requests (request_id, request_hash, reply, created) VALUES ($1, $2, $3, $4) ON CONFLICT (request_id) DO NOTHING RETURNING request_id',
    [c.requestId, c.requestHash, c.reply, c.date],
  );
  if (claimed.length === 0) throw new Rollback({ ok: false, reason: 'duplicate' });

  const consume = c.consume ?? [];
  if (consume.length > 0) {
    const serials = consume.map((x) => x.serial);
    const locks = [...new Set(consume.flatMap((x) => (x.lock === undefined ? [] : [x.lock])))];
    const where =
      locks.length === 0
        ? `serial IN ${inList(1, serials.length)}`
        : `serial IN ${inList(1, serials.length)} OR lock IN ${inList(serials.length + 1, locks.length)}`;
    const gone = await tx.query(
      `DELETE FROM outstanding WHERE ${where} RETURNING serial, expires, lock`,
      [...serials, ...locks],
    );
    const deleted = new Set(gone.map((r) => str(r, 'serial')));
    const missing = serials.filter((s) => !deleted.has(s));
    if (missing.length > 0) {
      throw new Rollback({ ok: false, reason: 'double-spent', serials: missing });
    }
    for (const t of c.tripletSpends ?? []) {
      // Kept until the triplet's rows would have been pruned (dateA + grace).
      const expires = Math.max(
        0,
        ...gone.filter((r) => r['lock'] === t.tripletId).map((r) => num(r, 'expires')),
      );
      await tx.run(
        'INSERT INTO triplet_spends (triplet_id, serial, owner, value, date, expires) VALUES ($1, $2, $3, $4, $5, $6)',
        [t.tripletId, t.serial, t.owner, t.value, c.date, expires],
      );
    }
  }

  if ((c.spend ?? []).length > 0) await spendBlind(tx, c.spend ?? []);
  for (const w of c.withdraw ?? []) await countBlind(tx, w, w.count, 0);

  for (const d of c.deposits ?? []) {
    const inserted = await tx.query(
      'INSERT INTO deposits (digest, amount, request_id, expires) VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO NOTHING RETURNING digest',
      [d.digest, d.amount, c.requestId, d.expires],
    );
    if (inserted.length === 0) throw new Rollback({ ok: false, reason: 'check-cleared' });
  }

  const mint = c.mint ?? [];
  if (mint.length > 0) {
    // One statement for all of them (a request has at most 64 outputs): one per coin was
    // 8 × ~14 µs of an 8→8 exchange's ~200 µs of SQL.
    const rows = mint.map((_, i) => inList(5 * i + 1, 5)).join(', ');
    await tx.run(
      `INSERT INTO outstanding (serial, cert_id, value, expires, lock) VALUES ${rows}`,
      mint.flatMap((row) => [row.serial, row.certId, row.value, row.expires, row.lock ?? null]),
    );
  }

  if (c.check !== undefined) {
    await tx.run(
      'INSERT INTO checks_written (check_no, payee, amount, expires, created) VALUES ($1, $2, $3, $4, $5)',
      [c.check.checkNo, c.check.payee, c.check.amount, c.check.expires, c.date],
    );
  }

  const minted = c.minted ?? 0;
  const redeemed = c.redeemed ?? 0;
  if (minted > 0) {
    await releaseIn(tx, c.requestId);
    const deposited = (c.deposits ?? []).reduce((s, d) => s + d.amount, 0);
    // Backed (§4.4): outstanding after this mint ≤ deposits net of the checks written.
    const booked = await tx.run(
      `UPDATE books SET minted = minted + $1, deposited = deposited + $2
       WHERE id = 1 AND minted + $1 - redeemed - expired <= deposited + $2 - written`,
      [minted, deposited],
    );
    if (booked !== 1) throw new Rollback({ ok: false, reason: 'not-backed' });
  }
  if (redeemed > 0) {
    await tx.run('UPDATE books SET redeemed = redeemed + $1, written = written + $2 WHERE id = 1', [
      redeemed,
      c.check?.amount ?? redeemed,
    ]);
  }
}

export async function createCsStore(db: SqlDb): Promise<CsStore> {
  await db.migrate(SCHEMA);

  const readBooks = async (tx: SqlTx): Promise<CsBooksData> => {
    const b = (await tx.query('SELECT * FROM books WHERE id = 1'))[0];
    const o = (
      await tx.query(
        'SELECT COUNT(*) AS n, CAST(COALESCE(SUM(value), 0) AS BIGINT) AS v FROM outstanding',
      )
    )[0];
    const pend = (
      await tx.query(
        'SELECT COUNT(*) AS n, CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS v FROM pending',
      )
    )[0];
    const checks = await tx.query(
      'SELECT check_no, payee, amount, expires FROM checks_written ORDER BY created, check_no',
    );
    const keys = (
      await tx.query(
        'SELECT key_id, value, deposit_until, withdrawn, spent FROM blind_keys ORDER BY deposit_until, key_id',
      )
    ).map((r) => ({
      keyId: str(r, 'key_id'),
      value: num(r, 'value'),
      depositUntil: num(r, 'deposit_until'),
      withdrawn: num(r, 'withdrawn'),
      spent: num(r, 'spent'),
    }));
    const blind = { count: 0, value: 0 };
    for (const k of keys) {
      blind.count += k.withdrawn - k.spent;
      blind.value += (k.withdrawn - k.spent) * k.value;
    }
    return {
      outstanding: { count: num(o, 'n') + blind.count, value: num(o, 'v') + blind.value },
      blindRsa: { outstanding: blind, keys },
      minted: num(b, 'minted'),
      redeemed: num(b, 'redeemed'),
      expired: num(b, 'expired'),
      pending: { count: num(pend, 'n'), value: num(pend, 'v') },
      deposited: num(b, 'deposited'),
      written: num(b, 'written'),
      checksWritten: checks.map((r) => ({
        checkNo: str(r, 'check_no'),
        payee: str(r, 'payee'),
        amount: num(r, 'amount'),
        expires: num(r, 'expires'),
      })),
    };
  };
  const snapshotTx = <T>(fn: (tx: SqlTx) => Promise<T>) =>
    db.transaction(async (tx) => {
      if (db.engine === 'postgres') {
        await tx.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      }
      return fn(tx);
    });

  return {
    async stored(requestId) {
      const rows = await db.query(
        'SELECT request_hash, reply FROM requests WHERE request_id = $1',
        [requestId],
      );
      const r = rows[0];
      return r === undefined ? null : { hash: str(r, 'request_hash'), reply: str(r, 'reply') };
    },
    async depositSeen(digest) {
      return (await db.query('SELECT 1 AS x FROM deposits WHERE digest = $1', [digest])).length > 0;
    },
    reserve(requestId, amount, mintLimit, date) {
      return db
        .transaction(async (tx) => {
          const inserted = await tx.query(
            'INSERT INTO pending (request_id, amount, created) VALUES ($1, $2, $3) ON CONFLICT (request_id) DO NOTHING RETURNING request_id',
            [requestId, amount, date],
          );
          if (inserted.length === 0) return true;
          const booked = await tx.run(
            `UPDATE books SET reserved = reserved + $1
           WHERE id = 1 AND minted - redeemed - expired + reserved + $1 <= $2`,
            [amount, mintLimit],
          );
          if (booked === 1) return true;
          throw new Rollback({ ok: false, reason: 'not-backed' });
        })
        .catch((error: unknown) => {
          if (error instanceof Rollback) return false;
          throw error;
        });
    },
    async release(requestId) {
      await db.transaction((tx) => releaseIn(tx, requestId));
    },
    async commit(c) {
      try {
        await db.transaction((tx) => apply(tx, c));
        return { ok: true };
      } catch (error) {
        if (error instanceof Rollback) return error.outcome;
        throw error;
      }
    },
    async tripletSpend(tripletId) {
      const rows = await db.query(
        'SELECT serial, owner, value, date FROM triplet_spends WHERE triplet_id = $1',
        [tripletId],
      );
      const r = rows[0];
      return r === undefined
        ? null
        : {
            serial: str(r, 'serial'),
            owner: str(r, 'owner'),
            value: num(r, 'value'),
            date: num(r, 'date'),
          };
    },
    prune(expiredBefore, requestsBefore) {
      return db.transaction(async (tx) => {
        const gone = await tx.query('DELETE FROM outstanding WHERE expires < $1 RETURNING value', [
          expiredBefore,
        ]);
        // Blind-rsa keys whose coins expired: their unspent coins expire with them, their spent
        // serials are no longer needed (a coin of the key is refused as expired).
        const closed = await tx.query(
          'DELETE FROM blind_keys WHERE deposit_until < $1 RETURNING value, withdrawn, spent',
          [expiredBefore],
        );
        await tx.run('DELETE FROM spent WHERE expires < $1', [expiredBefore]);
        let coins = gone.length;
        let value = gone.reduce((s, r) => s + num(r, 'value'), 0);
        for (const k of closed) {
          const unspent = Math.max(0, num(k, 'withdrawn') - num(k, 'spent'));
          coins += unspent;
          value += unspent * num(k, 'value');
        }
        if (value > 0) {
          await tx.run('UPDATE books SET expired = expired + $1 WHERE id = 1', [value]);
        }
        await tx.run('DELETE FROM requests WHERE created < $1', [requestsBefore]);
        const stale = await tx.query('SELECT request_id FROM pending WHERE created < $1', [
          requestsBefore,
        ]);
        for (const r of stale) await releaseIn(tx, str(r, 'request_id'));
        await tx.run('DELETE FROM deposits WHERE expires < $1', [expiredBefore]);
        await tx.run('DELETE FROM triplet_spends WHERE expires < $1', [expiredBefore]);
        return { coins, value };
      });
    },
    books: () => snapshotTx(readBooks),
    async outstanding(serial) {
      const rows = await db.query(
        'SELECT serial, cert_id, value, expires, lock FROM outstanding WHERE serial = $1',
        [serial],
      );
      const r = rows[0];
      if (r === undefined) return null;
      const lock = r['lock'];
      return {
        serial: str(r, 'serial'),
        certId: str(r, 'cert_id'),
        value: num(r, 'value'),
        expires: num(r, 'expires'),
        ...(typeof lock === 'string' ? { lock } : {}),
      };
    },
    snapshot: () =>
      snapshotTx(async (tx) => {
        const serials = (await tx.query('SELECT serial FROM outstanding ORDER BY serial')).map(
          (r) => str(r, 'serial'),
        );
        const spent = (await tx.query('SELECT serial FROM spent ORDER BY serial')).map((r) =>
          str(r, 'serial'),
        );
        const requests = num((await tx.query('SELECT COUNT(*) AS n FROM requests'))[0], 'n');
        return { serials, spent, requests, books: await readBooks(tx) };
      }),
    close: () => db.close(),
  };
}
