/**
 * The insurer's books: the currency servers its operator registered (name, enrollment key, bank
 * account, currency, mint limit; SPEC §11) with the nonces of their recent signed requests, the
 * certificates of insurance it issued (paper figure 1), the blind-rsa denomination keys it
 * certified (SPEC §7), the revocations, and every signed revocation list by its sequence number.
 * One implementation over `SqlDb`, run on SQLite or PostgreSQL. Signed objects are stored as their
 * JSON and decoded on the way out.
 */

import { randomUUID } from 'node:crypto';
import {
  Certificate,
  type Certificate as CertificateT,
  DenominationKey,
  type DenominationKey as DenominationKeyT,
  decodeJson,
  type Registration,
  RevocationList,
  type RevocationList as RevocationListT,
  unwrap,
} from '@netcash/protocol';
import type { Logger, Schema, SchemaStart, SqlDb } from '@netcash/server-kit';
import { addColumn, lastAnswer, num, readySchema, str } from '@netcash/server-kit';

/** The insurer store's migrations (server-kit migrate.ts). */
export const INSURER_SCHEMA: Schema = {
  component: 'insurer',
  migrations: [
    {
      name: 'registrations, certificates, denomination keys, revocations',
      statements: () => [
        `CREATE TABLE IF NOT EXISTS registrations (
          cs_name TEXT PRIMARY KEY,
          enrollment_key TEXT NOT NULL UNIQUE,
          bank TEXT NOT NULL,
          account TEXT NOT NULL,
          currency TEXT NOT NULL,
          mint_limit BIGINT NOT NULL,
          registered BIGINT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS enrollment_nonces (
          cs_name TEXT NOT NULL,
          nonce TEXT NOT NULL,
          date BIGINT NOT NULL,
          PRIMARY KEY (cs_name, nonce)
        )`,
        `CREATE TABLE IF NOT EXISTS certificates (
          cert_id TEXT PRIMARY KEY,
          cs_name TEXT NOT NULL,
          issued BIGINT NOT NULL,
          expires BIGINT NOT NULL,
          signed TEXT NOT NULL
        )`,
        'CREATE INDEX IF NOT EXISTS certificates_cs ON certificates (cs_name, issued)',
        `CREATE TABLE IF NOT EXISTS denomination_keys (
          key_id TEXT PRIMARY KEY,
          cs_name TEXT NOT NULL,
          issued BIGINT NOT NULL,
          deposit_until BIGINT NOT NULL,
          signed TEXT NOT NULL
        )`,
        'CREATE INDEX IF NOT EXISTS denomination_keys_cs ON denomination_keys (cs_name, issued)',
        `CREATE TABLE IF NOT EXISTS revocations (
          cert_id TEXT PRIMARY KEY,
          date BIGINT NOT NULL,
          reason TEXT NOT NULL
        )`,
        `CREATE TABLE IF NOT EXISTS revocation_lists (
          seq BIGINT PRIMARY KEY,
          signed TEXT NOT NULL
        )`,
      ],
    },
    {
      // As the bank's: a nonce remembers the call that used it (run again, it is not a replay).
      name: 'enrollment nonces remember who used them',
      statements: (flavor) => [addColumn(flavor, 'enrollment_nonces', 'claim', 'TEXT')],
    },
    {
      // A CS whose insurance ends (SPEC §4): part of its registration.
      name: 'the end of a registration',
      statements: () => [
        `CREATE TABLE IF NOT EXISTS insurance_ends (
          cs_name TEXT PRIMARY KEY,
          ends BIGINT NOT NULL
        )`,
      ],
    },
  ],
};

export interface Revocation {
  readonly certId: string;
  readonly date: number;
  readonly reason: string;
}

export interface InsurerStore {
  /**
   * Registers `csName` or replaces its registration; false (nothing changed) when the enrollment
   * key is registered for another name.
   */
  register(registration: Registration, date: number): Promise<boolean>;
  registration(csName: string): Promise<Registration | null>;
  /** Every registration, by name. */
  registrations(): Promise<Registration[]>;
  /**
   * Remembers a nonce of `csName`'s signed requests; false if it was already used. Forgets nonces
   * dated before `forgetBefore`.
   */
  useNonce(csName: string, nonce: string, date: number, forgetBefore: number): Promise<boolean>;
  addCertificate(cert: CertificateT): Promise<void>;
  certificate(certId: string): Promise<CertificateT | null>;
  /** Certificates not expired at `now`, newest first; only `csName`'s when given. */
  certificates(now: number, csName?: string): Promise<CertificateT[]>;
  /** Stores a denomination key; false (nothing stored) when its key id is already certified. */
  addDenominationKey(key: DenominationKeyT): Promise<boolean>;
  denominationKey(keyId: string): Promise<DenominationKeyT | null>;
  /** Denomination keys whose coins are valid at `now`, newest first. */
  denominationKeys(now: number): Promise<DenominationKeyT[]>;
  /**
   * Records a revocation and the next list, signed by `sign(seq, revoked)`, in one transaction;
   * revoking an already revoked certificate still yields a new list.
   */
  revoke(
    revocation: Revocation,
    sign: (seq: number, revoked: Revocation[]) => RevocationListT,
  ): Promise<RevocationListT>;
  /** The newest revocation list, or null before the first. */
  revocationList(): Promise<RevocationListT | null>;
  /** Stores the first (empty) list if there is none. */
  initRevocations(sign: (seq: number, revoked: Revocation[]) => RevocationListT): Promise<void>;
  close(): Promise<void>;
}

/** Every transaction here finds its own writes when run again after an unknown commit outcome. */
const IDEMPOTENT = { idempotent: true } as const;

export async function createInsurerStore(
  db: SqlDb,
  start: SchemaStart = 'migrate',
  log?: Logger,
): Promise<InsurerStore> {
  await readySchema(db, INSURER_SCHEMA, start, log);
  const decodeCert = (text: string) => unwrap(decodeJson(Certificate, text, Infinity));
  const decodeList = (text: string) => unwrap(decodeJson(RevocationList, text, Infinity));
  const decodeKey = (text: string) => unwrap(decodeJson(DenominationKey, text, Infinity));

  const registrationOf = (r: Record<string, string | number | null>): Registration => ({
    csName: str(r, 'cs_name'),
    enrollmentKey: str(r, 'enrollment_key'),
    bank: str(r, 'bank'),
    account: str(r, 'account'),
    currency: str(r, 'currency'),
    mintLimit: num(r, 'mint_limit'),
    ...(r['ends'] === null || r['ends'] === undefined ? {} : { ends: num(r, 'ends') }),
  });
  const REGISTRATION =
    'SELECT r.cs_name, enrollment_key, bank, account, currency, mint_limit, e.ends FROM registrations r LEFT JOIN insurance_ends e ON e.cs_name = r.cs_name';

  return {
    register(r, date) {
      return db.transaction(async (tx) => {
        const other = await tx.query(
          'SELECT cs_name FROM registrations WHERE enrollment_key = $1 AND cs_name <> $2',
          [r.enrollmentKey, r.csName],
        );
        if (other.length > 0) return false;
        await tx.run(
          `INSERT INTO registrations (cs_name, enrollment_key, bank, account, currency, mint_limit, registered)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (cs_name) DO UPDATE SET enrollment_key = $2, bank = $3, account = $4,
             currency = $5, mint_limit = $6, registered = $7`,
          [r.csName, r.enrollmentKey, r.bank, r.account, r.currency, r.mintLimit, date],
        );
        // The end of the insurance is part of the registration: registering again without one
        // lifts it.
        await tx.run('DELETE FROM insurance_ends WHERE cs_name = $1', [r.csName]);
        if (r.ends !== undefined) {
          await tx.run('INSERT INTO insurance_ends (cs_name, ends) VALUES ($1, $2)', [
            r.csName,
            r.ends,
          ]);
        }
        return true;
      }, IDEMPOTENT);
    },
    async registration(csName) {
      const rows = await db.query(`${REGISTRATION} WHERE r.cs_name = $1`, [csName]);
      return rows[0] === undefined ? null : registrationOf(rows[0]);
    },
    async registrations() {
      const rows = await db.query(`${REGISTRATION} ORDER BY r.cs_name`);
      return rows.map(registrationOf);
    },
    useNonce(csName, nonce, date, forgetBefore) {
      const claim = randomUUID();
      return db.transaction(async (tx) => {
        // This CS's old nonces only (a range of its own key), not every CS's on every request.
        await tx.run('DELETE FROM enrollment_nonces WHERE cs_name = $1 AND date < $2', [
          csName,
          forgetBefore,
        ]);
        const inserted = await tx.query(
          'INSERT INTO enrollment_nonces (cs_name, nonce, date, claim) VALUES ($1, $2, $3, $4) ON CONFLICT (cs_name, nonce) DO NOTHING RETURNING nonce',
          [csName, nonce, date, claim],
        );
        if (inserted.length === 1) return true;
        const [held] = await tx.query(
          'SELECT claim FROM enrollment_nonces WHERE cs_name = $1 AND nonce = $2',
          [csName, nonce],
        );
        return held?.['claim'] === claim;
      }, IDEMPOTENT);
    },
    async addCertificate(cert) {
      const { body } = cert;
      const signed = JSON.stringify(cert);
      await db.transaction(async (tx) => {
        const inserted = await tx.run(
          'INSERT INTO certificates (cert_id, cs_name, issued, expires, signed) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cert_id) DO NOTHING',
          [body.certId, body.csName, body.issued, body.expires, signed],
        );
        if (inserted === 1) return;
        // The same certificate again (this call run again after an unknown outcome) is done.
        const [held] = await tx.query('SELECT signed FROM certificates WHERE cert_id = $1', [
          body.certId,
        ]);
        if (held?.['signed'] !== signed) throw new Error(`certificate ${body.certId} exists`);
      }, IDEMPOTENT);
    },
    async certificate(certId) {
      const rows = await db.query('SELECT signed FROM certificates WHERE cert_id = $1', [certId]);
      return rows.length === 0 ? null : decodeCert(str(rows[0], 'signed'));
    },
    async certificates(now, csName) {
      const rows =
        csName === undefined
          ? await db.query(
              'SELECT signed FROM certificates WHERE expires > $1 ORDER BY issued DESC, cert_id',
              [now],
            )
          : await db.query(
              'SELECT signed FROM certificates WHERE expires > $1 AND cs_name = $2 ORDER BY issued DESC, cert_id',
              [now, csName],
            );
      return rows.map((r) => decodeCert(str(r, 'signed')));
    },
    async addDenominationKey(key) {
      const { body } = key;
      const answer = lastAnswer<boolean>();
      return db.transaction(async (tx) => {
        const rows = await tx.query(
          'INSERT INTO denomination_keys (key_id, cs_name, issued, deposit_until, signed) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING RETURNING key_id',
          [body.keyId, body.cs, body.issued, body.depositUntil, JSON.stringify(key)],
        );
        return answer(tx, rows.length === 1, rows.length === 0);
      }, IDEMPOTENT);
    },
    async denominationKey(keyId) {
      const rows = await db.query('SELECT signed FROM denomination_keys WHERE key_id = $1', [
        keyId,
      ]);
      return rows.length === 0 ? null : decodeKey(str(rows[0], 'signed'));
    },
    async denominationKeys(now) {
      const rows = await db.query(
        'SELECT signed FROM denomination_keys WHERE deposit_until > $1 ORDER BY issued DESC, key_id',
        [now],
      );
      return rows.map((r) => decodeKey(str(r, 'signed')));
    },
    revoke(revocation, sign) {
      return db.transaction(async (tx) => {
        if (tx.mayHaveCommitted === true) {
          // Run again after an unknown outcome: if this revocation is on the newest list, that
          // list is the one this call made (or a later one that still has it).
          const [newest] = await tx.query(
            'SELECT signed FROM revocation_lists ORDER BY seq DESC LIMIT 1',
          );
          const list = newest === undefined ? null : decodeList(str(newest, 'signed'));
          const listed = list?.body.revoked.some(
            (r) => r.certId === revocation.certId && r.date === revocation.date,
          );
          if (list !== null && listed === true) return list;
        }
        await tx.run(
          'INSERT INTO revocations (cert_id, date, reason) VALUES ($1, $2, $3) ON CONFLICT (cert_id) DO NOTHING',
          [revocation.certId, revocation.date, revocation.reason],
        );
        const top = await tx.query('SELECT MAX(seq) AS seq FROM revocation_lists');
        const seq = num(top[0], 'seq') + 1;
        const rows = await tx.query(
          'SELECT cert_id, date, reason FROM revocations ORDER BY date, cert_id',
        );
        const revoked = rows.map((r) => ({
          certId: str(r, 'cert_id'),
          date: num(r, 'date'),
          reason: str(r, 'reason'),
        }));
        const list = sign(seq, revoked);
        await tx.run('INSERT INTO revocation_lists (seq, signed) VALUES ($1, $2)', [
          seq,
          JSON.stringify(list),
        ]);
        return list;
      }, IDEMPOTENT);
    },
    async revocationList() {
      const rows = await db.query('SELECT signed FROM revocation_lists ORDER BY seq DESC LIMIT 1');
      return rows.length === 0 ? null : decodeList(str(rows[0], 'signed'));
    },
    async initRevocations(sign) {
      await db.transaction(async (tx) => {
        const rows = await tx.query('SELECT seq FROM revocation_lists LIMIT 1');
        if (rows.length > 0) return;
        await tx.run(
          'INSERT INTO revocation_lists (seq, signed) VALUES (0, $1) ON CONFLICT (seq) DO NOTHING',
          [JSON.stringify(sign(0, []))],
        );
      }, IDEMPOTENT);
    },
    close: () => db.close(),
  };
}
