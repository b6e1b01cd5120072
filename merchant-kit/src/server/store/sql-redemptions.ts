/**
 * C_B coins taken offline, over SQL (sql-store.ts delegates here; SPEC §6, paper §5.4): a payment
 * of triplet coins is answered at once, and in the same transaction every C_B serial is recorded
 * in `locked_taken` (until its window closes: the same coin paid twice is refused here, without a
 * currency server — the paper's "B should keep track of C_B until it expires") and the exchanges
 * that redeem the coins are journaled in `redemptions`, driven until their CS answers.
 */
import { inList, int, type Migration, type SqlDb, sequentialIndex } from '@netcash/server-kit';
import { type PaymentRow, parse, paymentOf } from './rows.ts';
import { insertCoins } from './sql-cashouts.ts';
import type { HeldCoin, JournalExchange, LockedPayment, Redemption, TakeLocked } from './types.ts';

/** The merchant store's migration for C_B coins taken offline (sql-store.ts MERCHANT_SCHEMA). */
export const REDEMPTION_MIGRATION: Migration = {
  name: 'C_B coins taken offline, and their redemptions',
  statements: (flavor) => [
    `CREATE TABLE IF NOT EXISTS locked_taken (
      serial TEXT PRIMARY KEY, not_after BIGINT NOT NULL, payment_id TEXT NOT NULL)`,
    sequentialIndex(flavor, 'locked_taken_not_after', 'locked_taken', 'not_after'),
    `CREATE TABLE IF NOT EXISTS redemptions (
      request_id TEXT PRIMARY KEY, payment_id TEXT NOT NULL, exchange TEXT NOT NULL,
      value BIGINT NOT NULL, currency TEXT NOT NULL, not_after BIGINT NOT NULL,
      state TEXT NOT NULL, error TEXT, created BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS redemptions_state ON redemptions (state, not_after)',
  ],
};

/** Every transaction here finds its own writes when run again after an unknown commit outcome. */
const IDEMPOTENT = { idempotent: true } as const;

interface RedemptionRow {
  payment_id: string;
  exchange: string;
  value: unknown;
  currency: string;
  not_after: unknown;
  state: string;
  error: string | null;
  created: unknown;
}

function redemptionOf(r: RedemptionRow): Redemption {
  return {
    paymentId: r.payment_id,
    exchange: parse<JournalExchange>(r.exchange),
    value: int(r.value),
    currency: r.currency,
    notAfter: int(r.not_after),
    state: r.state === 'failed' ? 'failed' : 'pending',
    error: r.error,
    created: int(r.created),
  };
}

/** The whole payment rolls back: a C_B in it was taken before. */
class TakenBefore extends Error {
  constructor(readonly serials: string[]) {
    super('taken before');
  }
}

export function takeLocked(db: SqlDb, p: LockedPayment): Promise<TakeLocked> {
  return db
    .transaction(async (tx): Promise<TakeLocked> => {
      const [done] = await tx.query<PaymentRow>('SELECT * FROM payments WHERE request_id = $1', [
        p.requestId,
      ]);
      if (done !== undefined) {
        // Run again after an unknown commit outcome, the payment found is this one: taken.
        if (tx.mayHaveCommitted === true && done.digest === p.digest) return { kind: 'taken' };
        return { kind: 'completed', payment: paymentOf(done) };
      }
      const serials = p.coins.map((c) => c.serial);
      const before = await tx.query<{ serial: string }>(
        `SELECT serial FROM locked_taken WHERE serial IN ${inList(1, serials.length)}`,
        serials,
      );
      if (before.length > 0) throw new TakenBefore(before.map((r) => r.serial));
      for (const c of p.coins) {
        const n = await tx.run(
          'INSERT INTO locked_taken (serial, not_after, payment_id) VALUES ($1, $2, $3) ON CONFLICT (serial) DO NOTHING',
          [c.serial, c.notAfter, p.requestId],
        );
        // Another process took it between the read and here (PostgreSQL): all or nothing.
        if (n !== 1) throw new TakenBefore([c.serial]);
      }
      const r = p.receipt;
      await tx.run(
        'INSERT INTO receipts (tid, sid, amount, currency, date, session_key, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [r.tid, r.sid, r.amount, r.currency, r.date, r.sessionKey, JSON.stringify(r.receipt)],
      );
      await tx.run(
        'INSERT INTO payments (request_id, digest, tid, reply, date) VALUES ($1, $2, $3, $4, $5)',
        [p.requestId, p.digest, r.tid, JSON.stringify(p.reply), r.date],
      );
      for (const x of p.redemptions) {
        await tx.run(
          `INSERT INTO redemptions (request_id, payment_id, exchange, value, currency, not_after,
             state, error, created) VALUES ($1, $2, $3, $4, $5, $6, 'pending', NULL, $7)`,
          [
            x.exchange.request.requestId,
            x.paymentId,
            JSON.stringify(x.exchange),
            x.value,
            x.currency,
            x.notAfter,
            x.created,
          ],
        );
      }
      return { kind: 'taken' };
    }, IDEMPOTENT)
    .catch((thrown: unknown) => {
      if (thrown instanceof TakenBefore) return { kind: 'double-spent', serials: thrown.serials };
      throw thrown;
    });
}

export async function redemptions(db: SqlDb, state?: Redemption['state']): Promise<Redemption[]> {
  const rows =
    state === undefined
      ? await db.query<RedemptionRow>('SELECT * FROM redemptions ORDER BY not_after, request_id')
      : await db.query<RedemptionRow>(
          'SELECT * FROM redemptions WHERE state = $1 ORDER BY not_after, request_id',
          [state],
        );
  return rows.map(redemptionOf);
}

export function redeemed(db: SqlDb, requestId: string, coins: readonly HeldCoin[]): Promise<void> {
  return db.transaction(async (tx) => {
    const gone = await tx.run(
      "DELETE FROM redemptions WHERE request_id = $1 AND state = 'pending'",
      [requestId],
    );
    if (gone !== 1) return; // finished by another driver (or by this one, run again)
    await insertCoins(tx, coins);
  }, IDEMPOTENT);
}

export async function redemptionFailed(db: SqlDb, requestId: string, error: string): Promise<void> {
  await db.run(
    "UPDATE redemptions SET state = 'failed', error = $2 WHERE request_id = $1 AND state = 'pending'",
    [requestId, error],
    IDEMPOTENT,
  );
}
