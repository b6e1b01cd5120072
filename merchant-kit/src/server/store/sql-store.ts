/**
 * The merchant store over SQL, one implementation for SQLite and PostgreSQL — @netcash/server-kit's
 * SQL layer, the currency servers' own (deadlock retry, migration lock, pool error handler). Signed
 * objects are kept as their JSON text, next to the columns that are queried; amounts and times are
 * BIGINT (safe integers, SPEC §2).
 */

import { randomUUID } from 'node:crypto';
import type { Check, DepositReply, Message2, PaymentReceipt } from '@netcash/protocol';
import {
  addColumn,
  createLogger,
  int,
  lastAnswer,
  migrate,
  openDb,
  type Schema,
  type SqlDb,
  type StoreOption,
  sequentialIndex,
  storeAt,
} from '@netcash/server-kit';
import {
  type JournalRow,
  journalOf,
  type PaymentRow,
  parse,
  paymentOf,
  type ReceiptRow,
  type SessionRow,
} from './rows.ts';
import * as cashouts from './sql-cashouts.ts';
import { insertCoins } from './sql-cashouts.ts';
import * as locked from './sql-redemptions.ts';
import type {
  BeginPayment,
  Cashout,
  CashoutPart,
  CashoutState,
  CompletedPayment,
  HeldCoin,
  LockedPayment,
  MerchantStore,
  PendingPayment,
  Redemption,
  SalesRow,
  SessionKeys,
  StoredReceipt,
  TakeLocked,
  WriteOff,
} from './types.ts';

/** The merchant store's migrations (server-kit migrate.ts), run by `migrate()`. */
export const MERCHANT_SCHEMA: Schema = {
  component: 'merchant',
  migrations: [
    {
      name: 'keys, payments, receipts, coins, cash-outs, challenges, write-offs',
      statements: (flavor) => [
        'CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
        `CREATE TABLE IF NOT EXISTS session_keys (
          enc_public TEXT PRIMARY KEY, enc_secret TEXT NOT NULL, sign_public TEXT NOT NULL,
          sign_secret TEXT NOT NULL, sid TEXT NOT NULL, expires BIGINT NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS payment_journal (
          request_id TEXT PRIMARY KEY, digest TEXT NOT NULL, receipt TEXT NOT NULL,
          session_key TEXT NOT NULL, reply_key TEXT NOT NULL, exchanges TEXT NOT NULL,
          created BIGINT NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS payments (
          request_id TEXT PRIMARY KEY, digest TEXT NOT NULL, tid TEXT NOT NULL, reply TEXT NOT NULL,
          date BIGINT NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS receipts (
          tid TEXT PRIMARY KEY, sid TEXT NOT NULL, amount BIGINT NOT NULL, currency TEXT NOT NULL,
          date BIGINT NOT NULL, session_key TEXT NOT NULL, receipt TEXT NOT NULL)`,
        `CREATE TABLE IF NOT EXISTS coins (
          serial TEXT PRIMARY KEY, value BIGINT NOT NULL, currency TEXT NOT NULL,
          expires BIGINT NOT NULL, coin TEXT NOT NULL, cashout_id TEXT)`,
        'CREATE INDEX IF NOT EXISTS coins_cashout ON coins (cashout_id)',
        `CREATE TABLE IF NOT EXISTS cashouts (
          id TEXT PRIMARY KEY, amount BIGINT NOT NULL, currency TEXT NOT NULL, state TEXT NOT NULL,
          target TEXT NOT NULL, request TEXT NOT NULL, check_json TEXT, deposit TEXT, error TEXT,
          created BIGINT NOT NULL, completed BIGINT)`,
        // Added after the first release (split cash-outs): also to files made before it.
        addColumn(flavor, 'cashouts', 'parent', 'TEXT'),
        'CREATE INDEX IF NOT EXISTS cashouts_state ON cashouts (state)',
        `CREATE TABLE IF NOT EXISTS spent_challenges (
          challenge TEXT PRIMARY KEY, expires BIGINT NOT NULL)`,
        sequentialIndex(flavor, 'spent_challenges_expires', 'spent_challenges', 'expires'),
        `CREATE TABLE IF NOT EXISTS writeoffs (
          serial TEXT PRIMARY KEY, value BIGINT NOT NULL, currency TEXT NOT NULL,
          reason TEXT NOT NULL, message TEXT NOT NULL, cashout_id TEXT NOT NULL,
          date BIGINT NOT NULL, coin TEXT NOT NULL)`,
      ],
    },
    {
      // A journal entry and a spent challenge remember the call that wrote them: the same call
      // run again after an unknown commit outcome finds its own row, not someone else's.
      name: 'journal entries and spent challenges remember who wrote them',
      statements: (flavor) => [
        addColumn(flavor, 'payment_journal', 'claim', 'TEXT'),
        addColumn(flavor, 'spent_challenges', 'claim', 'TEXT'),
      ],
    },
    locked.REDEMPTION_MIGRATION,
  ],
};

/** Every transaction here finds its own writes when run again after an unknown commit outcome. */
const IDEMPOTENT = { idempotent: true } as const;

export class SqlMerchantStore implements MerchantStore {
  constructor(private readonly db: SqlDb) {}

  async migrate(): Promise<void> {
    await migrate(this.db, MERCHANT_SCHEMA);
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
      IDEMPOTENT,
    );
    return (await this.getMeta(key)) ?? value;
  }

  async putSessionKeys(k: SessionKeys): Promise<void> {
    await this.db.run(
      'INSERT INTO session_keys (enc_public, enc_secret, sign_public, sign_secret, sid, expires) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (enc_public) DO NOTHING',
      [k.encPublic, k.encSecret, k.signPublic, k.signSecret, k.sid, k.expires],
      IDEMPOTENT,
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
    const claim = randomUUID();
    return this.db.transaction(async (tx) => {
      const [done] = await tx.query<PaymentRow>('SELECT * FROM payments WHERE request_id = $1', [
        p.requestId,
      ]);
      if (done !== undefined) return { kind: 'completed', payment: paymentOf(done) };
      const inserted = await tx.run(
        `INSERT INTO payment_journal (request_id, digest, receipt, session_key, reply_key,
           exchanges, created, claim)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_id) DO NOTHING`,
        [
          p.requestId,
          p.digest,
          JSON.stringify(p.receipt),
          p.sessionKey,
          p.replyKey,
          JSON.stringify(p.exchanges),
          p.created,
          claim,
        ],
      );
      if (inserted === 1) return { kind: 'journaled' };
      const [held] = await tx.query<JournalRow & { claim: string | null }>(
        'SELECT * FROM payment_journal WHERE request_id = $1',
        [p.requestId],
      );
      // This call's own entry, written by an attempt whose commit's outcome was unknown.
      if (held!.claim === claim) return { kind: 'journaled' };
      return { kind: 'pending', payment: journalOf(held!) };
    }, IDEMPOTENT);
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
    }, IDEMPOTENT);
  }

  async abandonPayment(requestId: string): Promise<void> {
    await this.db.run('DELETE FROM payment_journal WHERE request_id = $1', [requestId], IDEMPOTENT);
  }

  refundPayment(requestId: string, done: { reply: Message2; date: number }): Promise<void> {
    return this.db.transaction(async (tx) => {
      const [journal] = await tx.query<JournalRow>(
        'SELECT * FROM payment_journal WHERE request_id = $1',
        [requestId],
      );
      if (journal === undefined) return; // finished (or abandoned) by another driver
      // No receipt was issued: the reply is stored under no transaction id.
      await tx.run(
        'INSERT INTO payments (request_id, digest, tid, reply, date) VALUES ($1, $2, $3, $4, $5)',
        [requestId, journal.digest, '', JSON.stringify(done.reply), done.date],
      );
      await tx.run('DELETE FROM payment_journal WHERE request_id = $1', [requestId]);
    }, IDEMPOTENT);
  }

  async sales(): Promise<SalesRow[]> {
    const rows = await this.db.query<{
      sid: string;
      day: unknown;
      currency: string;
      n: unknown;
      amount: unknown;
    }>(
      `SELECT sid, date / 86400 AS day, currency, COUNT(*) AS n, SUM(amount) AS amount
         FROM receipts GROUP BY sid, date / 86400, currency ORDER BY day, sid`,
    );
    return rows.map((r) => ({
      sid: r.sid,
      day: int(r.day),
      currency: r.currency,
      count: int(r.n),
      amount: int(r.amount),
    }));
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

  spendChallenge(challenge: string, expires: number, now: number): Promise<boolean> {
    const claim = randomUUID();
    return this.db.transaction(async (tx) => {
      // One row by its key: a challenge remembered past its expiry counts as forgotten (prune
      // deletes those in batches) — no range delete on every spend for all spends to contend on.
      const spent = await tx.query(
        `INSERT INTO spent_challenges (challenge, expires, claim) VALUES ($1, $2, $3)
         ON CONFLICT (challenge) DO UPDATE SET expires = excluded.expires, claim = excluded.claim
         WHERE spent_challenges.expires < $4 RETURNING challenge`,
        [challenge, expires, claim, now],
      );
      if (spent.length === 1) return true;
      const [held] = await tx.query<{ claim: string | null }>(
        'SELECT claim FROM spent_challenges WHERE challenge = $1',
        [challenge],
      );
      return held?.claim === claim;
    }, IDEMPOTENT);
  }

  heldCoins(): Promise<HeldCoin[]> {
    return cashouts.heldCoins(this.db);
  }

  heldValue(): Promise<number> {
    return cashouts.heldValue(this.db);
  }

  beginCashout(c: Cashout, serials: readonly string[]): Promise<boolean> {
    return cashouts.beginCashout(this.db, c, serials);
  }

  cashouts(states?: readonly CashoutState[]): Promise<Cashout[]> {
    return cashouts.cashouts(this.db, states);
  }

  cashoutChecked(id: string, check: Check): Promise<void> {
    return cashouts.cashoutChecked(this.db, id, check);
  }

  cashoutDeposited(id: string, deposit: DepositReply, at: number): Promise<void> {
    return cashouts.cashoutDeposited(this.db, id, deposit, at);
  }

  cashoutRefused(id: string, error: string): Promise<void> {
    return cashouts.cashoutRefused(this.db, id, error);
  }

  cashoutFailed(id: string, error: string): Promise<void> {
    return cashouts.cashoutFailed(this.db, id, error);
  }

  splitCashout(
    id: string,
    refusal: { reason: string; date: number },
    parts: readonly CashoutPart[],
  ): Promise<boolean> {
    return cashouts.splitCashout(this.db, id, refusal, parts);
  }

  writeOffCashout(
    id: string,
    refusal: { reason: string; message: string; date: number },
  ): Promise<WriteOff[]> {
    return cashouts.writeOffCashout(this.db, id, refusal);
  }

  writeOffs(since?: number): Promise<WriteOff[]> {
    return cashouts.writeOffs(this.db, since);
  }

  forgetWriteOffs(before: number): Promise<number> {
    // Idempotent, like prune: run again after an unknown commit outcome and finding nothing
    // left, the attempt that committed forgot them — its count is the answer.
    const answer = lastAnswer<number>();
    return this.db.transaction(async (tx) => {
      const forgotten = await tx.run('DELETE FROM writeoffs WHERE date < $1', [before]);
      return answer(tx, forgotten, forgotten === 0);
    }, IDEMPOTENT);
  }

  takeLocked(payment: LockedPayment): Promise<TakeLocked> {
    return locked.takeLocked(this.db, payment);
  }

  pendingRedemptions(): Promise<Redemption[]> {
    return locked.redemptions(this.db, 'pending');
  }

  redemptions(state?: Redemption['state']): Promise<Redemption[]> {
    return locked.redemptions(this.db, state);
  }

  redeemed(requestId: string, coins: readonly HeldCoin[]): Promise<void> {
    return locked.redeemed(this.db, requestId, coins);
  }

  redemptionFailed(requestId: string, error: string): Promise<void> {
    return locked.redemptionFailed(this.db, requestId, error);
  }

  prune(before: number): Promise<number> {
    // Run again after an unknown outcome and finding nothing left, the attempt that committed
    // pruned it: its count is the answer.
    const answer = lastAnswer<number>();
    return this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM spent_challenges WHERE expires < $1', [before]);
      const replies = await tx.run('DELETE FROM payments WHERE date < $1', [before]);
      // A journaled payment was made (created) before its session keys expired: keys expiring
      // after the oldest journal entry may still be needed to open a retry of it.
      const sessions = await tx.run(
        `DELETE FROM session_keys WHERE expires < $1
           AND NOT EXISTS (SELECT 1 FROM payment_journal WHERE created < session_keys.expires)`,
        [before],
      );
      const taken = await tx.run('DELETE FROM locked_taken WHERE not_after < $1', [before]);
      const count = replies + sessions + taken;
      return answer(tx, count, count === 0);
    }, IDEMPOTENT);
  }
}

/**
 * Opens the merchant store named by `location`: a `postgres://` URL, or a SQLite file path
 * (`:memory:` for a throwaway one) — or a StoreOption, for the engine's settings. Creates the
 * tables if needed.
 */
export async function openMerchantStore(location: string | StoreOption): Promise<MerchantStore> {
  const option = typeof location === 'string' ? storeAt(location) : location;
  const store = new SqlMerchantStore(openDb(option, createLogger('merchant')));
  await store.migrate();
  return store;
}
