/**
 * The merchant's purse and cash-outs over SQL (sql-store.ts delegates here): the coins it holds,
 * the cash-outs that reserve them (a cash-out the CS refused splits into parts that take its
 * coins over, or writes its one coin off), and the write-offs. Each change is one transaction.
 */
import type { Check, DepositReply } from '@netcash/protocol';
import { inList, int, lastAnswer, type SqlDb, type SqlTx } from '@netcash/server-kit';
import {
  type CashoutRow,
  type CoinRow,
  cashoutOf,
  coinOf,
  type WriteOffRow,
  writeOffOf,
} from './rows.ts';
import type { Cashout, CashoutPart, CashoutState, HeldCoin, WriteOff } from './types.ts';

/** Every transaction here finds its own writes when run again after an unknown commit outcome. */
const IDEMPOTENT = { idempotent: true } as const;

/** True when cash-out `id` is journaled: the run again of the attempt that journaled it. */
async function journaled(tx: SqlTx, id: string): Promise<boolean> {
  if (tx.mayHaveCommitted !== true) return false;
  return (await tx.query('SELECT id FROM cashouts WHERE id = $1', [id])).length === 1;
}

/** Inside `tx`: `coins` join the purse (held, in no cash-out); a serial held already stays. */
export async function insertCoins(tx: SqlTx, coins: readonly HeldCoin[]): Promise<void> {
  for (const c of coins) {
    await tx.run(
      'INSERT INTO coins (serial, value, currency, expires, coin, cashout_id) VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (serial) DO NOTHING',
      [c.serial, c.value, c.currency, c.expires, JSON.stringify(c.coin)],
    );
  }
}

/** A coin a cash-out wanted is not where it should be: the whole transaction rolls back. */
class CoinGone extends Error {}

function unlessCoinGone<T>(done: Promise<T>, otherwise: T): Promise<T> {
  return done.catch((thrown: unknown) => {
    if (thrown instanceof CoinGone) return otherwise;
    throw thrown;
  });
}

/** Inside `tx`: journals cash-out `c` and reserves `serials` for it (held, or `from` a parent). */
async function reserveFor(
  tx: SqlTx,
  c: Cashout,
  serials: readonly string[],
  from: string | null,
): Promise<void> {
  for (const serial of serials) {
    const n =
      from === null
        ? await tx.run(
            'UPDATE coins SET cashout_id = $1 WHERE serial = $2 AND cashout_id IS NULL',
            [c.id, serial],
          )
        : await tx.run('UPDATE coins SET cashout_id = $1 WHERE serial = $2 AND cashout_id = $3', [
            c.id,
            serial,
            from,
          ]);
    if (n !== 1) throw new CoinGone();
  }
  await tx.run(
    `INSERT INTO cashouts (id, parent, amount, currency, state, target, request, check_json,
       deposit, error, created, completed) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, $8, NULL)`,
    [
      c.id,
      c.parent,
      c.amount,
      c.currency,
      c.state,
      JSON.stringify(c.target),
      JSON.stringify(c.request),
      c.created,
    ],
  );
}

export async function heldCoins(db: SqlDb): Promise<HeldCoin[]> {
  const rows = await db.query<CoinRow>(
    'SELECT * FROM coins WHERE cashout_id IS NULL ORDER BY expires, serial',
  );
  return rows.map(coinOf);
}

export async function heldValue(db: SqlDb): Promise<number> {
  const [r] = await db.query<{ total: unknown }>(
    'SELECT COALESCE(SUM(value), 0) AS total FROM coins WHERE cashout_id IS NULL',
  );
  return int(r?.total ?? 0);
}

export function beginCashout(db: SqlDb, c: Cashout, serials: readonly string[]): Promise<boolean> {
  return unlessCoinGone(
    db.transaction(async (tx) => {
      // The cash-out's id is new for each one: found, it is this call's own.
      if (await journaled(tx, c.id)) return true;
      await reserveFor(tx, c, serials, null);
      return true;
    }, IDEMPOTENT),
    false,
  );
}

export async function cashouts(db: SqlDb, states?: readonly CashoutState[]): Promise<Cashout[]> {
  const rows =
    states === undefined
      ? await db.query<CashoutRow>('SELECT * FROM cashouts ORDER BY created, id')
      : await db.query<CashoutRow>(
          `SELECT * FROM cashouts WHERE state IN ${inList(1, states.length)} ORDER BY created, id`,
          states,
        );
  return rows.map(cashoutOf);
}

export async function cashoutChecked(db: SqlDb, id: string, check: Check): Promise<void> {
  await db.transaction(async (tx) => {
    const n = await tx.run(
      "UPDATE cashouts SET state = 'checked', check_json = $1 WHERE id = $2 AND state = 'pending'",
      [JSON.stringify(check), id],
    );
    // The coins are spent at the CS: they are gone from the merchant's purse.
    if (n === 1) await tx.run('DELETE FROM coins WHERE cashout_id = $1', [id]);
  }, IDEMPOTENT);
}

export async function cashoutDeposited(
  db: SqlDb,
  id: string,
  deposit: DepositReply,
  at: number,
): Promise<void> {
  await db.run(
    "UPDATE cashouts SET state = 'deposited', deposit = $1, completed = $2 WHERE id = $3 AND state = 'checked'",
    [JSON.stringify(deposit), at, id],
    IDEMPOTENT,
  );
}

export function cashoutRefused(db: SqlDb, id: string, error: string): Promise<void> {
  return db.transaction(async (tx) => {
    const n = await tx.run(
      "UPDATE cashouts SET state = 'failed', error = $1 WHERE id = $2 AND state = 'pending'",
      [error, id],
    );
    if (n === 1) await tx.run('UPDATE coins SET cashout_id = NULL WHERE cashout_id = $1', [id]);
  }, IDEMPOTENT);
}

export async function cashoutFailed(db: SqlDb, id: string, error: string): Promise<void> {
  await db.run(
    "UPDATE cashouts SET state = 'failed', error = $1 WHERE id = $2 AND state = 'checked'",
    [error, id],
    IDEMPOTENT,
  );
}

export function splitCashout(
  db: SqlDb,
  id: string,
  refusal: { reason: string; date: number },
  parts: readonly CashoutPart[],
): Promise<boolean> {
  const answer = lastAnswer<boolean>();
  return unlessCoinGone(
    db.transaction(async (tx) => {
      const n = await tx.run(
        "UPDATE cashouts SET state = 'split', error = $1, completed = $2 WHERE id = $3 AND state = 'pending'",
        [refusal.reason, refusal.date, id],
      );
      // Not pending (any more): after an unknown outcome, the earlier attempt's answer.
      if (n !== 1) return answer(tx, false, true);
      for (const part of parts) await reserveFor(tx, part.cashout, part.serials, id);
      // Every coin of the refused batch goes on in exactly one part.
      const left = await tx.query('SELECT serial FROM coins WHERE cashout_id = $1', [id]);
      if (left.length > 0) throw new CoinGone();
      return answer(tx, true, false);
    }, IDEMPOTENT),
    false,
  );
}

export function writeOffCashout(
  db: SqlDb,
  id: string,
  refusal: { reason: string; message: string; date: number },
): Promise<WriteOff[]> {
  const answer = lastAnswer<WriteOff[]>();
  return db.transaction(async (tx) => {
    const n = await tx.run(
      "UPDATE cashouts SET state = 'written-off', error = $1, completed = $2 WHERE id = $3 AND state = 'pending'",
      [refusal.reason, refusal.date, id],
    );
    // Not pending (any more): after an unknown outcome, the earlier attempt's write-offs.
    if (n !== 1) return answer(tx, [], true);
    const rows = await tx.query<CoinRow>(
      'SELECT * FROM coins WHERE cashout_id = $1 ORDER BY serial',
      [id],
    );
    const out: WriteOff[] = rows.map(coinOf).map((c) => ({
      serial: c.serial,
      value: c.value,
      currency: c.currency,
      reason: refusal.reason,
      message: refusal.message,
      cashoutId: id,
      date: refusal.date,
      coin: c.coin,
    }));
    for (const w of out) {
      await tx.run(
        `INSERT INTO writeoffs (serial, value, currency, reason, message, cashout_id, date, coin)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (serial) DO NOTHING`,
        [w.serial, w.value, w.currency, w.reason, w.message, id, w.date, JSON.stringify(w.coin)],
      );
    }
    await tx.run('DELETE FROM coins WHERE cashout_id = $1', [id]);
    return answer(tx, out, false);
  }, IDEMPOTENT);
}

export async function writeOffs(db: SqlDb, since?: number): Promise<WriteOff[]> {
  const rows = await db.query<WriteOffRow>(
    'SELECT * FROM writeoffs WHERE date >= $1 ORDER BY date, serial',
    [since ?? 0],
  );
  return rows.map(writeOffOf);
}
