/**
 * The bank's books (NetCheque-style accounting, paper ref. [5]): accounts with their Ed25519 key
 * and balance, a double-entry ledger (every movement is two entries summing to zero), the checks
 * cleared by `(drawer, checkNo)` with the reply given, and the nonces of account requests.
 *
 * Each movement is one transaction. The drawer's balance is debited by one conditional UPDATE
 * (`balance >= amount`), so concurrent deposits can't overdraw it; a check clears at most once
 * because `(drawer, checkNo)` is the primary key of `cleared`.
 */
import { randomUUID } from 'node:crypto';
import type { Logger, Schema, SchemaStart, SqlDb, SqlTx } from '@netcash/server-kit';
import { addColumn, lastAnswer, num, readySchema, str } from '@netcash/server-kit';

/** The bank store's migrations (server-kit migrate.ts). */
export const BANK_SCHEMA: Schema = {
  component: 'bank',
  migrations: [
    {
      name: 'accounts, ledger, cleared checks, nonces',
      statements: () => [
        `CREATE TABLE IF NOT EXISTS accounts (
          account TEXT PRIMARY KEY,
          sign_key TEXT NOT NULL,
          holder TEXT NOT NULL,
          kind TEXT NOT NULL,
          balance BIGINT NOT NULL,
          created BIGINT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS ledger (
          entry_id TEXT PRIMARY KEY,
          movement TEXT NOT NULL,
          date BIGINT NOT NULL,
          account TEXT NOT NULL,
          amount BIGINT NOT NULL,
          counterparty TEXT NOT NULL,
          check_no TEXT,
          memo TEXT NOT NULL
        )`,
        'CREATE UNIQUE INDEX IF NOT EXISTS accounts_key ON accounts (sign_key)',
        'CREATE INDEX IF NOT EXISTS ledger_account ON ledger (account, date)',
        `CREATE TABLE IF NOT EXISTS cleared (
          drawer TEXT NOT NULL,
          check_no TEXT NOT NULL,
          digest TEXT NOT NULL,
          account TEXT NOT NULL,
          amount BIGINT NOT NULL,
          reply TEXT NOT NULL,
          date BIGINT NOT NULL,
          PRIMARY KEY (drawer, check_no)
        )`,
        'CREATE INDEX IF NOT EXISTS cleared_account ON cleared (account)',
        `CREATE TABLE IF NOT EXISTS nonces (
          account TEXT NOT NULL,
          nonce TEXT NOT NULL,
          date BIGINT NOT NULL,
          PRIMARY KEY (account, nonce)
        )`,
      ],
    },
    {
      // A nonce's use is recorded with a token of the call that used it: the same call run
      // again after an unknown commit outcome finds its own token, not a replay.
      name: 'nonces remember who used them',
      statements: (flavor) => [addColumn(flavor, 'nonces', 'claim', 'TEXT')],
    },
  ],
};

export type AccountKind = 'customer' | 'server' | 'system';

export interface Account {
  readonly account: string;
  readonly signKey: string;
  readonly holder: string;
  readonly kind: AccountKind;
  readonly balance: number;
}

export interface Movement {
  readonly id: string;
  readonly date: number;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly memo: string;
  readonly checkNo?: string;
}

export interface ClearedCheck {
  readonly drawer: string;
  readonly checkNo: string;
  readonly digest: string;
  readonly account: string;
  readonly amount: number;
  /** The deposit reply as sent (JSON), returned again to an identical retry. */
  readonly reply: string;
}

export interface LedgerRow {
  readonly entryId: string;
  readonly date: number;
  readonly amount: number;
  readonly counterparty: string;
  readonly checkNo?: string;
  readonly memo: string;
}

/** Why a deposit was not recorded. */
export type ClearOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'already-cleared'; readonly held: ClearedCheck }
  | { readonly ok: false; readonly reason: 'insufficient-funds' };

export interface BankStore {
  /**
   * Creates an account; with `opening`, moves that much into it from `opening.from`. False (and
   * nothing changed) when the account id or its key is already taken.
   */
  openAccount(account: Account, created: number, opening?: Movement): Promise<boolean>;
  account(account: string): Promise<Account | null>;
  /** The account whose key is `signKey` (one account per key). */
  accountByKey(signKey: string): Promise<Account | null>;
  /** Records a cleared check and its movement, or says why not; all or nothing. */
  clearCheck(check: ClearedCheck, movement: Movement): Promise<ClearOutcome>;
  cleared(drawer: string, checkNo: string): Promise<ClearedCheck | null>;
  /** Newest first, at most `limit`. */
  history(account: string, limit: number): Promise<LedgerRow[]>;
  /** Remembers a nonce; false if it was already used. Forgets nonces older than `forgetBefore`. */
  useNonce(account: string, nonce: string, date: number, forgetBefore: number): Promise<boolean>;
  audit(): Promise<{
    ledgerSum: number;
    /** `received`: the checks cleared into the account. */
    accounts: (Account & { ledgerBalance: number; received: number })[];
    cleared: { drawer: string; checkNo: string; payee: string; amount: number }[];
    /** False when the engine has no one snapshot to read them at (docs/SCALING.md). */
    atOneSnapshot: boolean;
  }>;
  close(): Promise<void>;
}

async function move(tx: SqlTx, m: Movement, fromKind: AccountKind): Promise<boolean> {
  const debited =
    fromKind === 'system'
      ? await tx.run('UPDATE accounts SET balance = balance - $1 WHERE account = $2', [
          m.amount,
          m.from,
        ])
      : await tx.run(
          'UPDATE accounts SET balance = balance - $1 WHERE account = $2 AND balance >= $1',
          [m.amount, m.from],
        );
  if (debited !== 1) return false;
  await tx.run('UPDATE accounts SET balance = balance + $1 WHERE account = $2', [m.amount, m.to]);
  const entry =
    'INSERT INTO ledger (entry_id, movement, date, account, amount, counterparty, check_no, memo) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
  const checkNo = m.checkNo ?? null;
  await tx.run(entry, [`${m.id}.d`, m.id, m.date, m.from, -m.amount, m.to, checkNo, m.memo]);
  await tx.run(entry, [`${m.id}.c`, m.id, m.date, m.to, m.amount, m.from, checkNo, m.memo]);
  return true;
}

function accountOf(row: Record<string, string | number | null>): Account {
  return {
    account: str(row, 'account'),
    signKey: str(row, 'sign_key'),
    holder: str(row, 'holder'),
    kind: str(row, 'kind') as AccountKind,
    balance: num(row, 'balance'),
  };
}

class Refused extends Error {
  constructor(readonly outcome: ClearOutcome) {
    super('refused');
  }
}

/** Every transaction here finds its own writes when run again after an unknown commit outcome. */
const IDEMPOTENT = { idempotent: true } as const;

export async function createBankStore(
  db: SqlDb,
  start: SchemaStart = 'migrate',
  log?: Logger,
): Promise<BankStore> {
  await readySchema(db, BANK_SCHEMA, start, log);
  const kindOf = async (tx: SqlTx, account: string): Promise<AccountKind | null> => {
    const rows = await tx.query('SELECT kind FROM accounts WHERE account = $1', [account]);
    return rows.length === 0 ? null : (str(rows[0], 'kind') as AccountKind);
  };
  const readCleared = async (tx: SqlTx, drawer: string, checkNo: string) => {
    const rows = await tx.query(
      'SELECT drawer, check_no, digest, account, amount, reply FROM cleared WHERE drawer = $1 AND check_no = $2',
      [drawer, checkNo],
    );
    const r = rows[0];
    return r === undefined
      ? null
      : {
          drawer: str(r, 'drawer'),
          checkNo: str(r, 'check_no'),
          digest: str(r, 'digest'),
          account: str(r, 'account'),
          amount: num(r, 'amount'),
          reply: str(r, 'reply'),
        };
  };

  return {
    async openAccount(a, created, opening) {
      const answer = lastAnswer<boolean>();
      return db.transaction(async (tx) => {
        const inserted = await tx.query(
          'INSERT INTO accounts (account, sign_key, holder, kind, balance, created) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT DO NOTHING RETURNING account',
          [a.account, a.signKey, a.holder, a.kind, created],
        );
        // Taken (or, run again after an unknown outcome, opened by the earlier attempt).
        if (inserted.length === 0) return answer(tx, false, true);
        if (opening !== undefined) {
          const kind = await kindOf(tx, opening.from);
          if (kind === null || !(await move(tx, opening, kind))) {
            throw new Error(`opening credit from ${opening.from} failed`);
          }
        }
        return answer(tx, true, false);
      }, IDEMPOTENT);
    },
    async account(account) {
      const rows = await db.query(
        'SELECT account, sign_key, holder, kind, balance FROM accounts WHERE account = $1',
        [account],
      );
      return rows[0] === undefined ? null : accountOf(rows[0]);
    },
    async accountByKey(signKey) {
      const rows = await db.query(
        'SELECT account, sign_key, holder, kind, balance FROM accounts WHERE sign_key = $1',
        [signKey],
      );
      return rows[0] === undefined ? null : accountOf(rows[0]);
    },
    async clearCheck(check, movement) {
      try {
        return await db.transaction(async (tx) => {
          const inserted = await tx.query(
            'INSERT INTO cleared (drawer, check_no, digest, account, amount, reply, date) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (drawer, check_no) DO NOTHING RETURNING drawer',
            [
              check.drawer,
              check.checkNo,
              check.digest,
              check.account,
              check.amount,
              check.reply,
              movement.date,
            ],
          );
          if (inserted.length === 0) {
            const held = await readCleared(tx, check.drawer, check.checkNo);
            if (held === null) throw new Error('cleared check vanished');
            // Run again after an unknown outcome: the same check with this reply is ours.
            const ours =
              tx.mayHaveCommitted === true &&
              held.digest === check.digest &&
              held.reply === check.reply;
            if (ours) return { ok: true } as const;
            throw new Refused({ ok: false, reason: 'already-cleared', held });
          }
          const kind = await kindOf(tx, movement.from);
          if (kind === null || !(await move(tx, movement, kind))) {
            throw new Refused({ ok: false, reason: 'insufficient-funds' });
          }
          return { ok: true } as const;
        }, IDEMPOTENT);
      } catch (error) {
        if (error instanceof Refused) return error.outcome;
        throw error;
      }
    },
    cleared: (drawer, checkNo) => readCleared(db, drawer, checkNo),
    async history(account, limit) {
      const rows = await db.query(
        'SELECT entry_id, date, amount, counterparty, check_no, memo FROM ledger WHERE account = $1 ORDER BY date DESC, entry_id DESC LIMIT $2',
        [account, limit],
      );
      return rows.map((r) => {
        const checkNo = r['check_no'];
        return {
          entryId: str(r, 'entry_id'),
          date: num(r, 'date'),
          amount: num(r, 'amount'),
          counterparty: str(r, 'counterparty'),
          memo: str(r, 'memo'),
          ...(typeof checkNo === 'string' ? { checkNo } : {}),
        };
      });
    },
    async useNonce(account, nonce, date, forgetBefore) {
      const claim = randomUUID();
      return db.transaction(async (tx) => {
        // Only this account's old nonces: a range of its own key, never a scan of every account's
        // rows by every request (all of them would contend on the same old rows).
        await tx.run('DELETE FROM nonces WHERE account = $1 AND date < $2', [
          account,
          forgetBefore,
        ]);
        const inserted = await tx.query(
          'INSERT INTO nonces (account, nonce, date, claim) VALUES ($1, $2, $3, $4) ON CONFLICT (account, nonce) DO NOTHING RETURNING nonce',
          [account, nonce, date, claim],
        );
        if (inserted.length === 1) return true;
        const [held] = await tx.query(
          'SELECT claim FROM nonces WHERE account = $1 AND nonce = $2',
          [account, nonce],
        );
        return held?.['claim'] === claim;
      }, IDEMPOTENT);
    },
    async audit() {
      // One consistent snapshot for every figure, where the engine has one.
      const { value, consistent } = await db.snapshot(async (tx) => {
        const sum = await tx.query(
          'SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS s FROM ledger',
        );
        const rows = await tx.query(
          `SELECT a.account, a.sign_key, a.holder, a.kind, a.balance,
             CAST(COALESCE((SELECT SUM(l.amount) FROM ledger l WHERE l.account = a.account), 0) AS BIGINT) AS ledger_balance,
             CAST(COALESCE((SELECT SUM(c.amount) FROM cleared c WHERE c.account = a.account), 0) AS BIGINT) AS received
           FROM accounts a ORDER BY a.created, a.account`,
        );
        const cleared = await tx.query(
          `SELECT c.drawer, c.check_no, c.account, c.amount FROM cleared c
           JOIN accounts a ON a.account = c.drawer WHERE a.kind = 'server' ORDER BY c.date, c.check_no`,
        );
        return {
          ledgerSum: num(sum[0], 's'),
          accounts: rows.map((r) => ({
            ...accountOf(r),
            ledgerBalance: num(r, 'ledger_balance'),
            received: num(r, 'received'),
          })),
          cleared: cleared.map((r) => ({
            drawer: str(r, 'drawer'),
            checkNo: str(r, 'check_no'),
            payee: str(r, 'account'),
            amount: num(r, 'amount'),
          })),
        };
      });
      return { ...value, atOneSnapshot: consistent };
    },
    close: () => db.close(),
  };
}
