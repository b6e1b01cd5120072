/**
 * CS schema version 2 (store-schema.ts) over a database booked under version 1: the books keep
 * their sums (row 1 becomes stripe 1), the reservations move to the quota row, blind-rsa counts
 * stay and grow on stripes, and a triplet minted before still goes as a pair (its members found
 * from `outstanding.lock`). Version 5 (issue #16) drops the index on `outstanding.expires`. On
 * SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openPostgres, openSqlite, type SqlDb } from '@netcash/server-kit';
import {
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsStore } from './store.ts';
import { CS_SCHEMA, STRIPES, stripeOf } from './store-schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-cs-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const commit = (requestId: string, changes: object) => ({
  requestId,
  requestHash: `h-${requestId}`,
  reply: `reply-${requestId}`,
  date: 100,
  ...changes,
});

/** A database as version 1 left it: 100 bought and deposited, 30 reserved, a triplet, a key. */
async function versionOne(db: SqlDb): Promise<void> {
  await migrate(db, { ...CS_SCHEMA, migrations: CS_SCHEMA.migrations.slice(0, 1) });
  await db.run(
    'UPDATE books SET minted = 100, deposited = 100, reserved = 30, redeemed = 10, written = 10 WHERE id = 1',
  );
  await db.run("INSERT INTO pending (request_id, amount, created) VALUES ('p1', 30, 1)");
  await db.run(
    `INSERT INTO outstanding (serial, cert_id, value, expires, lock) VALUES
       ('a', 'c', 45, 900, NULL), ('tb', 'c', 30, 900, 't1'), ('ta', 'c', 0, 900, 't1')`,
  );
  await db.run(
    "INSERT INTO blind_keys (key_id, value, deposit_until, redeem_until, withdrawn, spent) VALUES ('k', 5, 800, 900, 4, 1)",
  );
}

function migrationCases(engine: string, fresh: (label: string) => Promise<SqlDb>): void {
  describe(`${engine}: CS schema 1 → 2`, () => {
    it('keeps the books, moves reservations to the quota, finds old triplets', async () => {
      const db = await fresh('cs_v1');
      await versionOne(db);
      const store = await createCsStore(db);
      const books = await store.books();
      expect(books).toMatchObject({ minted: 100, deposited: 100, redeemed: 10, written: 10 });
      expect(books.pending).toEqual({ count: 1, value: 30 });
      expect(books.blindRsa.keys).toMatchObject([{ keyId: 'k', withdrawn: 4, spent: 1 }]);
      expect(books.outstanding).toEqual({ count: 6, value: 90 });
      // The mint limit counts the old reservation: 90 outstanding + 30 reserved + 80 > 190.
      expect(await store.reserve('r2', 80, 190, 1)).toBe(false);
      expect(await store.reserve('r2', 70, 190, 1)).toBe(true);
      await store.release('p1');
      await store.release('r2');
      expect(await store.reserve('r3', 100, 190, 1)).toBe(true);
      // Consuming the old triplet's C_B takes its C_A too.
      expect(
        await store.commit(
          commit('x', {
            consume: [{ serial: 'tb', lock: 't1' }],
            tripletSpends: [{ tripletId: 't1', serial: 'tb', owner: 'o', value: 30 }],
          }),
        ),
      ).toEqual({ ok: true });
      expect(await store.outstanding('ta')).toBeNull();
      // A spend of the old key counts on a stripe, on top of what version 1 counted.
      const spend = { serial: 's', keyId: 'k', value: 5, depositUntil: 800, expires: 900 };
      expect(await store.commit(commit('y', { spend: [spend], mint: [] }))).toEqual({ ok: true });
      expect((await store.books()).blindRsa.keys).toMatchObject([{ withdrawn: 4, spent: 2 }]);
      await store.close();
    });

    it('4 → 5: drops the index on outstanding.expires; the prune still finds expired rows', async () => {
      const db = await fresh('cs_v4');
      await migrate(db, { ...CS_SCHEMA, migrations: CS_SCHEMA.migrations.slice(0, 4) });
      const index =
        db.engine === 'sqlite'
          ? "SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'outstanding_expires'"
          : "SELECT indexname AS name FROM pg_indexes WHERE indexname = 'outstanding_expires'";
      expect(await db.query(index)).toHaveLength(1);
      await db.run(
        `INSERT INTO outstanding (serial, cert_id, value, expires, lock) VALUES
           ('a', 'c', 10, 50, NULL), ('b', 'c', 20, 900, NULL)`,
      );
      const store = await createCsStore(db);
      expect(await db.query(index)).toHaveLength(0);
      expect(await store.prune(51, 0)).toEqual({ coins: 1, value: 10 });
      expect((await store.snapshot()).serials).toEqual(['b']);
      await store.close();
    });

    it('books each commit on its stripe and checks backing there', async () => {
      const store = await createCsStore(await fresh('cs_stripes'));
      // One request id per stripe (request ids are random; these are found by trying).
      const perStripe = (prefix: string) => {
        const ids = new Map<number, string>();
        for (let i = 0; ids.size < STRIPES; i++) {
          if (!ids.has(stripeOf(`${prefix}${i}`)))
            ids.set(stripeOf(`${prefix}${i}`), `${prefix}${i}`);
        }
        return [...ids.values()];
      };
      for (const id of perStripe('buy-')) {
        expect(await store.reserve(id, 10, 1_000, 1)).toBe(true);
        expect(
          await store.commit(
            commit(id, {
              mint: [{ serial: `s-${id}`, certId: 'c', value: 10, expires: 900 }],
              minted: 10,
              deposits: [{ digest: `d-${id}`, amount: 10, expires: 900 }],
            }),
          ),
        ).toEqual({ ok: true });
      }
      // The books have surplus nowhere: a mint without a deposit is refused on every stripe.
      for (const id of perStripe('mint-')) {
        expect(
          await store.commit(
            commit(id, {
              mint: [{ serial: `x-${id}`, certId: 'c', value: 1, expires: 900 }],
              minted: 1,
            }),
          ),
        ).toEqual({ ok: false, reason: 'not-backed' });
      }
      expect(await store.books()).toMatchObject({ minted: 160, deposited: 160 });
      await store.close();
    });
  });
}

migrationCases('sqlite', async (label) => openSqlite(join(dir, `${label}.db`)));

describe.skipIf(!postgresAvailable())('postgres', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  migrationCases('postgres', async (label) => openPostgres(await cluster.createDatabase(label)));
});
