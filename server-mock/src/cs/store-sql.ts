/**
 * The SQL implementation of the currency server's store (store.ts has the interface and what
 * each operation means), over one schema for SQLite and PostgreSQL (store-schema.ts); every
 * operation commits through `apply` (store-apply.ts), one transaction — plain exchanges arriving
 * together share one (store-batch.ts).
 */
import type { Logger, SchemaStart, SqlDb, SqlRow, SqlTx, SqlValue } from '@netcash/server-kit';
import { inList, lastAnswer, num, readySchema, str } from '@netcash/server-kit';
import type { CsBooksData, CsStore } from './store.ts';
import { commitOne, releaseIn } from './store-apply.ts';
import { batchable, batcher } from './store-batch.ts';
import { restoreQueries } from './store-restore.ts';
import { CS_SCHEMA, Rollback, STRIPES } from './store-schema.ts';

/**
 * Every transaction of this store is idempotent: it claims a request id (or deletes by key)
 * first, so a run after an unknown commit outcome finds its own writes (store-apply.ts).
 */
const IDEMPOTENT = { idempotent: true } as const;

/** Batches of exchanges being committed at once on PostgreSQL (store-batch.ts). */
const BATCHES_IN_FLIGHT = 2;

/** Rows one prune transaction deletes at most: no transaction grows with the backlog. */
export const PRUNE_BATCH = 500;

/**
 * Outstanding rows one prune transaction looks at, in serial order, and deletes at most. The
 * table has no index on `expires` (store-schema.ts, migration 5): every exchange would write a
 * random page of it per coin, while a sweep of the whole table once per maintenance run reads
 * each row once.
 */
export const PRUNE_SCAN = 2_000;

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
    // The stripes summed (store-schema.ts).
    const b = (
      await tx.query(
        `SELECT CAST(COALESCE(SUM(minted), 0) AS BIGINT) AS minted,
           CAST(COALESCE(SUM(redeemed), 0) AS BIGINT) AS redeemed,
           CAST(COALESCE(SUM(expired), 0) AS BIGINT) AS expired,
           CAST(COALESCE(SUM(deposited), 0) AS BIGINT) AS deposited,
           CAST(COALESCE(SUM(written), 0) AS BIGINT) AS written
         FROM books`,
      )
    )[0];
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
        `SELECT k.key_id, k.value, k.deposit_until, k.redeem_until,
           CAST(k.withdrawn + COALESCE(SUM(c.withdrawn), 0) AS BIGINT) AS withdrawn,
           CAST(k.spent + COALESCE(SUM(c.spent), 0) AS BIGINT) AS spent
         FROM blind_keys k LEFT JOIN blind_counts c ON c.key_id = k.key_id
         GROUP BY k.key_id, k.value, k.deposit_until, k.redeem_until, k.withdrawn, k.spent
         ORDER BY k.deposit_until, k.key_id`,
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
  /** Deletes the rows of `table` whose `column` is before `before`, PRUNE_BATCH at a time. */
  const sweep = async (table: string, key: string, column: string, before: number) => {
    for (;;) {
      const deleted = await db.run(
        `DELETE FROM ${table} WHERE ${key} IN
           (SELECT ${key} FROM ${table} WHERE ${column} < $1 LIMIT $2)`,
        [before, PRUNE_BATCH],
        IDEMPOTENT,
      );
      if (deleted < PRUNE_BATCH) return;
    }
  };
  /** Prunes book what expired on any stripe (they are rare; no request id to spread them by). */
  const stripe = () => 1 + Math.floor(Math.random() * STRIPES);
  // The books are read at one snapshot (every figure of the same instant), where the engine has one.
  // SQLite runs one transaction at a time anyway (its group commit takes what waits); on
  // PostgreSQL a second batch can run on another connection while the first commits.
  const batched = batcher(db, db.engine === 'postgres' ? BATCHES_IN_FLIGHT : 1);
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
          // The quota row first: reservations take turns on it, and a buy's commit (which gives
          // its reservation back) waits for it, so the sum read next is the one to add to.
          const [quota] = await tx.query(
            'UPDATE quota SET reserved = reserved + $1 WHERE id = 1 RETURNING reserved',
            [amount],
          );
          const [out] = await tx.query(
            'SELECT CAST(COALESCE(SUM(minted - redeemed - expired), 0) AS BIGINT) AS v FROM books',
          );
          if (num(out, 'v') + num(quota, 'reserved') <= mintLimit) return true;
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
    commit: (c) => (batchable(c) ? batched(c) : commitOne(db, c)),
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
    async prune(expiredBefore, requestsBefore) {
      const pruned = { coins: 0, value: 0 };
      const book = (tx: SqlTx, value: number) =>
        value > 0
          ? tx.run('UPDATE books SET expired = expired + $1 WHERE id = $2', [value, stripe()])
          : Promise.resolve(0);
      // Serials past their window, swept in serial order PRUNE_SCAN rows at a time: the range
      // (after, upTo] is fixed before its transaction, which deletes the expired rows in it and
      // books them. Run again after an unknown outcome and finding nothing left, the attempt
      // that committed was this range's: its answer.
      let after: string | null = null;
      for (;;) {
        const [edge]: SqlRow[] = await db.query(
          `SELECT serial FROM outstanding ${after === null ? '' : 'WHERE serial > $2'}
           ORDER BY serial LIMIT 1 OFFSET $1`,
          after === null ? [PRUNE_SCAN - 1] : [PRUNE_SCAN - 1, after],
        );
        const upTo: string | null = edge === undefined ? null : str(edge, 'serial');
        const where = ['expires < $1'];
        const params: SqlValue[] = [expiredBefore];
        if (after !== null) where.push(`serial > $${params.push(after)}`);
        if (upTo !== null) where.push(`serial <= $${params.push(upTo)}`);
        const answer = lastAnswer<{ rows: number; value: number }>();
        const batch = await db.transaction(async (tx) => {
          const gone = await tx.query(
            `DELETE FROM outstanding WHERE ${where.join(' AND ')} RETURNING value`,
            params,
          );
          const value = gone.reduce((s, r) => s + num(r, 'value'), 0);
          await book(tx, value);
          return answer(tx, { rows: gone.length, value }, gone.length === 0);
        }, IDEMPOTENT);
        pruned.coins += batch.rows;
        pruned.value += batch.value;
        if (upTo === null) break;
        after = upTo;
      }
      // Blind-rsa keys whose coins expired: their unspent coins expire with them, their spent
      // serials are no longer needed (a coin of the key is refused as expired).
      const keyBatch = Math.floor(PRUNE_BATCH / (STRIPES + 1));
      for (;;) {
        const answer = lastAnswer<{ keys: number; coins: number; value: number }>();
        const batch = await db.transaction(async (tx) => {
          const closed = await tx.query(
            `DELETE FROM blind_keys WHERE key_id IN
               (SELECT key_id FROM blind_keys WHERE redeem_until < $1 LIMIT $2)
             RETURNING key_id, value, withdrawn, spent`,
            [expiredBefore, keyBatch],
          );
          const ids = closed.map((k) => str(k, 'key_id'));
          const counts =
            ids.length === 0
              ? []
              : await tx.query(
                  `DELETE FROM blind_counts WHERE key_id IN ${inList(1, ids.length)} RETURNING key_id, withdrawn, spent`,
                  ids,
                );
          let coins = 0;
          let value = 0;
          for (const k of closed) {
            const mine = counts.filter((c) => str(c, 'key_id') === str(k, 'key_id'));
            const count = (column: string) =>
              num(k, column) + mine.reduce((s, c) => s + num(c, column), 0);
            const unspent = Math.max(0, count('withdrawn') - count('spent'));
            coins += unspent;
            value += unspent * num(k, 'value');
          }
          await book(tx, value);
          return answer(tx, { keys: closed.length, coins, value }, closed.length === 0);
        }, IDEMPOTENT);
        pruned.coins += batch.coins;
        pruned.value += batch.value;
        if (batch.keys < keyBatch) break;
      }
      // Stale reservations given back, each in its own transaction.
      const stale = await db.query('SELECT request_id FROM pending WHERE created < $1', [
        requestsBefore,
      ]);
      for (const r of stale) {
        await db.transaction((tx) => releaseIn(tx, str(r, 'request_id')), IDEMPOTENT);
      }
      // What is only kept until it expires goes in bounded deletes.
      await sweep('spent', 'serial', 'expires', expiredBefore);
      await sweep('withdrawals', 'hash', 'expires', expiredBefore);
      // A triplet request's reply stays while its C_A can be claimed (keep_until, §4.8).
      for (;;) {
        const deleted = await db.run(
          `DELETE FROM requests WHERE request_id IN
             (SELECT request_id FROM requests WHERE created < $1 AND keep_until < $2 LIMIT $3)`,
          [requestsBefore, expiredBefore, PRUNE_BATCH],
          IDEMPOTENT,
        );
        if (deleted < PRUNE_BATCH) break;
      }
      await sweep('deposits', 'digest', 'expires', expiredBefore);
      await sweep('triplet_spends', 'triplet_id', 'expires', expiredBefore);
      await sweep('triplet_members', 'triplet_id', 'expires', expiredBefore);
      return pruned;
    },
    async books() {
      const { value, consistent } = await db.snapshot(readBooks);
      return consistent ? value : { ...value, atOneSnapshot: false };
    },
    async withdrawnPerKey() {
      // What the key's row counted (before the stripes) and its stripes since.
      const rows = await db.query(
        `SELECT k.key_id, CAST(k.withdrawn + COALESCE(SUM(c.withdrawn), 0) AS BIGINT) AS withdrawn
         FROM blind_keys k LEFT JOIN blind_counts c ON c.key_id = k.key_id
         GROUP BY k.key_id, k.withdrawn ORDER BY k.key_id`,
      );
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
    ...restoreQueries(db),
    close: () => db.close(),
  };
}
