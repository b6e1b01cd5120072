/**
 * The merchant store over SQL, one implementation for SQLite and PostgreSQL — @netcash/server-kit's
 * SQL layer, the currency servers' own (deadlock retry, migration lock, pool error handler). Signed
 * objects are kept as their JSON text, next to the columns that are queried; amounts and times are
 * BIGINT (safe integers, SPEC §2).
 */
import type { Check, DepositReply, Message2, PaymentReceipt } from '@netcash/protocol';
import { int, openDb, type SqlDb, type SqlTx, storeAt } from '@netcash/server-kit';
import {
  type CashoutRow,
  type CoinRow,
  cashoutOf,
  coinOf,
  type JournalRow,
  journalOf,
  type PaymentRow,
  parse,
  paymentOf,
  type ReceiptRow,
  type SessionRow,
} from './rows.ts';
import type {
  BeginPayment,
  Cashout,
  CashoutState,
  CompletedPayment,
  HeldCoin,
  MerchantStore,
  PendingPayment,
  SessionKeys,
  StoredReceipt,
} from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS session_keys (
  enc_public TEXT PRIMARY KEY, enc_secret TEXT NOT NULL, sign_public TEXT NOT NULL,
  sign_secret TEXT NOT NULL, sid TEXT NOT NULL, expires BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS payment_journal (
  request_id TEXT PRIMARY KEY, digest TEXT NOT NULL, receipt TEXT NOT NULL,
  session_key TEXT NOT NULL, reply_key TEXT NOT NULL, exchanges TEXT NOT NULL,
  created BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS payments (
  request_id TEXT PRIMARY KEY, digest TEXT NOT NULL, tid TEXT NOT NULL, reply TEXT NOT NULL,
  date BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (
  tid TEXT PRIMARY KEY, sid TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL,
  date BIGINT NOT NULL, session_key TEXT NOT NULL, receipt TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS coins (
  serial TEXT PRIMARY KEY, value BIGINT NOT NULL, currency TEXT NOT NULL, expires BIGINT NOT NULL,
  coin TEXT NOT NULL, cashout_id TEXT);
CREATE INDEX IF NOT EXISTS coins_cashout ON coins (cashout_id);
CREATE TABLE IF NOT EXISTS cashouts (
  id TEXT PRIMARY KEY, amount BIGINT NOT NULL, currency TEXT NOT NULL, state TEXT NOT NULL,
  target TEXT NOT NULL, request TEXT NOT NULL, check_json TEXT, deposit TEXT, error TEXT,
  created BIGINT NOT NULL, completed BIGINT)
`;

async function insertCoins(tx: SqlTx, coins: readonly HeldCoin[]): Promise<void> {
  for (const c of coins) {
    await tx.run(
      'INSERT INTO coins (serial, value, currency, expires, coin, cashout_id) VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (serial) DO NOTHING',
      [c.serial, c.value, c.currency, c.expires, JSON.stringify(c.coin)],
    );
  }
}

export class SqlMerchantStore implements MerchantStore {
  constructor(private readonly db: SqlDb) {}

  async migrate(): Promise<void> {
    await this.db.migrate(SCHEMA);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.db.query<{ value: string }>('SELECT value FROM meta WHERE key = $1', [
      key,
    ]);
    return rows[0]?.value;
  }

  async initMeta(key: string, value: string): Promise<string> {
    await this.db.run(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
      [key, value],
    );
    return (await this.getMeta(key)) ?? value;
  }

  async putSessionKeys(k: SessionKeys): Promise<void> {
    await this.db.run(
      'INSERT INTO session_keys (enc_public, enc_secret, sign_public, sign_secret, sid, expires) VALUES ($1, $2, $3, $4, $5, $6)',
      [k.encPublic, k.encSecret, k.signPublic, k.signSecret, k.sid, k.expires],
    );
  }

  async sessionKeys(encPublic: string): Promise<SessionKeys | undefined> {
    const [r] = await this.db.query<SessionRow>(
      'SELECT * FROM session_keys WHERE enc_public = $1',
      [encPublic],
    );
    if (r === undefined) return undefined;
    return {
      encPublic: r.enc_public,
      encSecret: r.enc_secret,
      signPublic: r.sign_public,
      signSecret: r.sign_secret,
      sid: r.sid,
      expires: int(r.expires),
    };
  }

  beginPayment(p: PendingPayment): Promise<BeginPayment> {
    return this.db.transaction(async (tx) => {
      const [done] = await tx.query<PaymentRow>('SELECT * FROM payments WHERE request_id = $1', [
        p.requestId,
      ]);
      if (done !== undefined) return { kind: 'completed', payment: paymentOf(done) };
      const inserted = await tx.run(
        `INSERT INTO payment_journal (request_id, digest, receipt, session_key, reply_key,
           exchanges, created)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id) DO NOTHING`,
        [
          p.requestId,
          p.digest,
          JSON.stringify(p.receipt),
          p.sessionKey,
          p.replyKey,
          JSON.stringify(p.exchanges),
          p.created,
        ],
      );
      if (inserted === 1) return { kind: 'journaled' };
      const [held] = await tx.query<JournalRow>(
        'SELECT * FROM payment_journal WHERE request_id = $1',
        [p.requestId],
      );
      return { kind: 'pending', payment: journalOf(held!) };
    });
  }

  async pendingPayments(): Promise<PendingPayment[]> {
    const rows = await this.db.query<JournalRow>('SELECT * FROM payment_journal ORDER BY created');
    return rows.map(journalOf);
  }

  async pendingPayment(requestId: string): Promise<PendingPayment | undefined> {
    const [r] = await this.db.query<JournalRow>(
      'SELECT * FROM payment_journal WHERE request_id = $1',
      [requestId],
    );
    return r === undefined ? undefined : journalOf(r);
  }

  async completedPayment(requestId: string): Promise<CompletedPayment | undefined> {
    const [r] = await this.db.query<PaymentRow>('SELECT * FROM payments WHERE request_id = $1', [
      requestId,
    ]);
    return r === undefined ? undefined : paymentOf(r);
  }

  completePayment(
    requestId: string,
    done: { receipt: StoredReceipt; reply: Message2; coins: readonly HeldCoin[] },
  ): Promise<void> {
    return this.db.transaction(async (tx) => {
      const [journal] = await tx.query<JournalRow>(
        'SELECT * FROM payment_journal WHERE request_id = $1',
        [requestId],
      );
      if (journal === undefined) return; // finished (or abandoned) by another driver
      const r = done.receipt;
      await tx.run(
        'INSERT INTO receipts (tid, sid, amount, currency, date, session_key, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [r.tid, r.sid, r.amount, r.currency, r.date, r.sessionKey, JSON.stringify(r.receipt)],
      );
      await tx.run(
        'INSERT INTO payments (request_id, digest, tid, reply, date) VALUES ($1, $2, $3, $4, $5)',
        [requestId, journal.digest, r.tid, JSON.stringify(done.reply), r.date],
      );
      await insertCoins(tx, done.coins);
      await tx.run('DELETE FROM payment_journal WHERE request_id = $1', [requestId]);
    });
  }

  abandonPayment(requestId: string, keep: readonly HeldCoin[]): Promise<void> {
    return this.db.transaction(async (tx) => {
      const gone = await tx.run('DELETE FROM payment_journal WHERE request_id = $1', [requestId]);
      if (gone === 1) await insertCoins(tx, keep);
    });
  }

  async receipt(tid: string): Promise<StoredReceipt | undefined> {
    const [r] = await this.db.query<ReceiptRow>('SELECT * FROM receipts WHERE tid = $1', [tid]);
    if (r === undefined) return undefined;
    return {
      tid: r.tid,
      sid: r.sid,
      amount: int(r.amount),
      currency: r.currency,
      date: int(r.date),
      sessionKey: r.session_key,
      receipt: parse<PaymentReceipt>(r.receipt),
    };
  }

  async heldCoins(): Promise<HeldCoin[]> {
    const rows = await this.db.query<CoinRow>(
      'SELECT * FROM coins WHERE cashout_id IS NULL ORDER BY expires, serial',
    );
    return rows.map(coinOf);
  }

  async heldValue(): Promise<number> {
    const [r] = await this.db.query<{ total: unknown }>(
      'SELECT COALESCE(SUM(value), 0) AS total FROM coins WHERE cashout_id IS NULL',
    );
    return int(r?.total ?? 0);
  }

  beginCashout(c: Cashout, serials: readonly string[]): Promise<boolean> {
    return this.db
      .transaction(async (tx) => {
        for (const serial of serials) {
          const n = await tx.run(
            'UPDATE coins SET cashout_id = $1 WHERE serial = $2 AND cashout_id IS NULL',
            [c.id, serial],
          );
          if (n !== 1) throw new CoinGone();
        }
        await tx.run(
          `INSERT INTO cashouts (id, amount, currency, state, target, request, check_json, deposit,
           error, created, completed) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, $7, NULL)`,
          [
            c.id,
            c.amount,
            c.currency,
            c.state,
            JSON.stringify(c.target),
            JSON.stringify(c.request),
            c.created,
          ],
        );
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof CoinGone) return false;
        throw error;
      });
  }

  async cashouts(states?: readonly CashoutState[]): Promise<Cashout[]> {
    const rows = await this.db.query<CashoutRow>('SELECT * FROM cashouts ORDER BY created, id');
    const all = rows.map(cashoutOf);
    return states === undefined ? all : all.filter((c) => states.includes(c.state));
  }

  async cashoutChecked(id: string, check: Check): Promise<void> {
    await this.db.transaction(async (tx) => {
      const n = await tx.run(
        "UPDATE cashouts SET state = 'checked', check_json = $1 WHERE id = $2 AND state = 'pending'",
        [JSON.stringify(check), id],
      );
      // The coins are spent at the CS: they are gone from the merchant's purse.
      if (n === 1) await tx.run('DELETE FROM coins WHERE cashout_id = $1', [id]);
    });
  }

  async cashoutDeposited(id: string, deposit: DepositReply, at: number): Promise<void> {
    await this.db.run(
      "UPDATE cashouts SET state = 'deposited', deposit = $1, completed = $2 WHERE id = $3 AND state = 'checked'",
      [JSON.stringify(deposit), at, id],
    );
  }

  cashoutRefused(id: string, error: string, dropCoins: boolean): Promise<void> {
    return this.db.transaction(async (tx) => {
      const n = await tx.run(
        "UPDATE cashouts SET state = 'failed', error = $1 WHERE id = $2 AND state = 'pending'",
        [error, id],
      );
      if (n !== 1) return;
      if (dropCoins) await tx.run('DELETE FROM coins WHERE cashout_id = $1', [id]);
      else await tx.run('UPDATE coins SET cashout_id = NULL WHERE cashout_id = $1', [id]);
    });
  }

  async cashoutFailed(id: string, error: string): Promise<void> {
    await this.db.run(
      "UPDATE cashouts SET state = 'failed', error = $1 WHERE id = $2 AND state = 'checked'",
      [error, id],
    );
  }

  prune(before: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      const replies = await tx.run('DELETE FROM payments WHERE date < $1', [before]);
      // A journaled payment was made (created) before its session keys expired: keys expiring
      // after the oldest journal entry may still be needed to open a retry of it.
      const sessions = await tx.run(
        `DELETE FROM session_keys WHERE expires < $1
           AND NOT EXISTS (SELECT 1 FROM payment_journal WHERE created < session_keys.expires)`,
        [before],
      );
      return replies + sessions;
    });
  }
}

class CoinGone extends Error {}

/**
 * Opens the merchant store named by `location`: a `postgres://` URL, or a SQLite file path
 * (`:memory:` for a throwaway one). Creates the tables if needed.
 */
export async function openMerchantStore(location: string): Promise<MerchantStore> {
  const store = new SqlMerchantStore(openDb(storeAt(location)));
  await store.migrate();
  return store;
}
