/**
 * The SQL implementation of the currency server's store (store.ts has the interface and what
 * each operation means), over one schema for SQLite and PostgreSQL (store-schema.ts); every
 * operation commits through `apply` (store-apply.ts), one transaction.
 */
import type { Logger, SchemaStart, SqlDb, SqlTx } from '@netcash/server-kit';
import { lastAnswer, num, readySchema, str } from '@netcash/server-kit';
import type { CsBooksData, CsStore } from './store.ts';
import { apply, releaseIn } from './store-apply.ts';
import { CS_SCHEMA, Rollback } from './store-schema.ts';

/**
 * Every transaction of this store is idempotent: it claims a request id (or deletes by key)
 * first, so a run after an unknown commit outcome finds its own writes (store-apply.ts).
 */
const IDEMPOTENT = { idempotent: true } as const;

/**
 * The store over `db`, once its schema is ready: migrated here (`migrate`, the default: SQLite,
 * tests) or by `netcash migrate` (waited for).
 */
export async function createCsStore(
  db: SqlDb,
  start: SchemaStart = 'migrate',
  log?: Logger,
): Promise<CsStore> {
  await readySchema(db, CS_SCHEMA, start, log);

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
        'SELECT key_id, value, deposit_until, redeem_until, withdrawn, spent FROM blind_keys ORDER BY deposit_until, key_id',
      )
    ).map((r) => ({
      keyId: str(r, 'key_id'),
      value: num(r, 'value'),
      depositUntil: num(r, 'deposit_until'),
      redeemUntil: num(r, 'redeem_until'),
      withdrawn: num(r, 'withdrawn'),
      spent: num(r, 'spent'),
    }));
    const byCert = (
      await tx.query(
        'SELECT cert_id, COUNT(*) AS n, CAST(COALESCE(SUM(value), 0) AS BIGINT) AS v FROM outstanding GROUP BY cert_id ORDER BY cert_id',
      )
    ).map((r) => ({ certId: str(r, 'cert_id'), count: num(r, 'n'), value: num(r, 'v') }));
    const redemptions = new Map(
      (await tx.query('SELECT kind, value FROM redemptions')).map((r) => [
        str(r, 'kind'),
        num(r, 'value'),
      ]),
    );
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
      late: redemptions.get('late') ?? 0,
      recouped: redemptions.get('recouped') ?? 0,
      byCert,
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
  // The books are read at one snapshot (every figure of the same instant), where the engine has one.
  const snapshotTx = async <T>(fn: (tx: SqlTx) => Promise<T>) => (await db.snapshot(fn)).value;

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
        }, IDEMPOTENT)
        .catch((error: unknown) => {
          if (error instanceof Rollback) return false;
          throw error;
        });
    },
    async release(requestId) {
      await db.transaction((tx) => releaseIn(tx, requestId), IDEMPOTENT);
    },
    async commit(c) {
      try {
        // An exchange (nothing minted or redeemed) is labelled for the SQL lint's hot-row rule.
        const label = (c.minted ?? 0) === 0 && (c.redeemed ?? 0) === 0 ? 'exchange' : 'commit';
        await db.transaction((tx) => apply(tx, c), { idempotent: true, label });
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
      // Run again after an unknown outcome and finding nothing left to prune, the attempt that
      // committed pruned it: that is the answer (the books are right either way).
      const answer = lastAnswer<{ coins: number; value: number }>();
      return db.transaction(async (tx) => {
        const gone = await tx.query('DELETE FROM outstanding WHERE expires < $1 RETURNING value', [
          expiredBefore,
        ]);
        // Blind-rsa keys whose coins expired: their unspent coins expire with them, their spent
        // serials are no longer needed (a coin of the key is refused as expired).
        const closed = await tx.query(
          'DELETE FROM blind_keys WHERE redeem_until < $1 RETURNING value, withdrawn, spent',
          [expiredBefore],
        );
        await tx.run('DELETE FROM spent WHERE expires < $1', [expiredBefore]);
        await tx.run('DELETE FROM withdrawals WHERE expires < $1', [expiredBefore]);
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
        return answer(tx, { coins, value }, coins === 0);
      }, IDEMPOTENT);
    },
    books: () => snapshotTx(readBooks),
    async withdrawnPerKey() {
      const rows = await db.query('SELECT key_id, withdrawn FROM blind_keys ORDER BY key_id');
      return rows.map((r) => ({ keyId: str(r, 'key_id'), count: num(r, 'withdrawn') }));
    },
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
