/**
 * The batched apply (store-batch.ts) on a real SQLite file and a real PostgreSQL: exchanges
 * committed in one turn share one transaction — shown by the statements sent, so that batching
 * silently stopping fails here — and each member still gets the answer it gets alone: a serial
 * spent twice in one batch, a member with one good and one spent coin, a request id twice in one
 * batch or already stored, a commit whose outcome was unknown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  postgresEngine,
  retrying,
  type SqlEngine,
  sqliteEngine,
  UnknownOutcome,
} from '@netcash/server-kit';
import {
  type Captured,
  capturing,
  type PostgresCluster,
  postgresAvailable,
  startPostgres,
} from '@netcash/server-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commit, CsStore } from './store.ts';
import { createCsStore } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (serial: string, value = 10) => ({ serial, certId: 'cert-1', value, expires: 1_000 });
/** An exchange of `serials` for fresh coins; `reply` as sealed (unique per request in practice). */
const exchange = (requestId: string, serials: string[], reply = `reply-${requestId}`): Commit => ({
  requestId,
  requestHash: `h-${requestId}`,
  reply,
  date: 100,
  consume: serials.map((serial) => ({ serial })),
  mint: serials.map((s) => row(`${s}-new-${requestId}`)),
  tripletSpends: [],
});

/** Statements of exchange transactions that claim request ids: one per transaction attempt. */
const claims = (sent: readonly Captured[]) =>
  sent.filter((s) => s.label === 'exchange' && /^INSERT INTO requests/.test(s.sql));
/** How many request ids a claim statement names. */
const rowsOf = (s: Captured) => (s.sql.match(/\((?:\$\d+, )+\$\d+\)/g) ?? []).length;

for (const engine of ['sqlite', 'postgres'] as const) {
  describe.skipIf(engine === 'postgres' && !postgresAvailable())(
    `batched apply on ${engine}`,
    () => {
      let cluster: PostgresCluster | undefined;
      beforeAll(async () => {
        if (engine === 'postgres') cluster = await startPostgres();
      }, 60_000);
      afterAll(async () => {
        await cluster?.stop();
      });

      /** A fresh store whose statements are recorded into `sent`; `wrap` goes around the engine. */
      const open = async (
        label: string,
        wrap: (e: SqlEngine) => SqlEngine = (e) => e,
      ): Promise<{ store: CsStore; sent: Captured[] }> => {
        const base =
          cluster === undefined
            ? sqliteEngine(join(dir, `${label}.db`))
            : postgresEngine(await cluster.createDatabase(`batch_${label}`));
        const sent: Captured[] = [];
        const store = await createCsStore(retrying(wrap(capturing(base, sent))));
        return { store, sent };
      };
      /** Mints `serials` (10 each) in one commit. */
      const mint = async (store: CsStore, serials: string[]) => {
        const minted = await store.commit({
          requestId: `mint-${serials[0]}`,
          requestHash: 'h',
          reply: 'r',
          date: 1,
          mint: serials.map((s) => row(s)),
        });
        expect(minted).toEqual({ ok: true });
      };
      const coins = (n: number, prefix = 'c') =>
        Array.from({ length: n }, (_, i) => `${prefix}${i}`);

      it('commits 40 exchanges sent together in one transaction of three statements', async () => {
        const { store, sent } = await open('forms');
        const serials = coins(40);
        await mint(store, serials);
        sent.length = 0;
        const outcomes = await Promise.all(
          serials.map((s, i) => store.commit(exchange(`x${i}`, [s]))),
        );
        expect(outcomes).toEqual(Array(40).fill({ ok: true }));
        // One claim of 40 ids, one DELETE of 40 serials, one INSERT of 40 coins — where alone
        // each exchange would send its own three.
        expect(claims(sent).map(rowsOf)).toEqual([40]);
        const statements = sent.filter((s) => s.label === 'exchange');
        expect(new Set(statements.map((s) => s.tx)).size).toBe(1);
        expect(statements).toHaveLength(3);
        const after = await store.snapshot();
        expect(after.serials).toEqual(serials.map((s, i) => `${s}-new-x${i}`).sort());
        expect(after.books.outstanding).toEqual({ count: 40, value: 400 });
        expect(after.requests).toBe(41);
        await store.close();
      });

      it('lets one of two members spending one serial through, the other double-spent', async () => {
        const { store, sent } = await open('same_serial');
        await mint(store, ['a', 'b', 'c']);
        sent.length = 0;
        const [r1, r2, r3, r4] = await Promise.all([
          store.commit(exchange('r1', ['a'])),
          store.commit(exchange('r2', ['b'])),
          store.commit(exchange('r3', ['a'])),
          store.commit(exchange('r4', ['c'])),
        ]);
        expect([r2, r4]).toEqual([{ ok: true }, { ok: true }]);
        // r3 goes alone, beside the batch: on PostgreSQL either may take the coin first.
        const spent = { ok: false, reason: 'double-spent', serials: ['a'] };
        expect([r1, r3]).toContainEqual({ ok: true });
        expect([r1, r3]).toContainEqual(spent);
        const winner = r1?.ok === true ? 'r1' : 'r3';
        // r1, r2, r4 batched; r3 (a serial of r1) alone.
        expect(claims(sent).map(rowsOf).sort()).toEqual([1, 3]);
        const after = await store.snapshot();
        expect(after.serials).toEqual([`a-new-${winner}`, 'b-new-r2', 'c-new-r4']);
        expect(after.books.outstanding).toEqual({ count: 3, value: 30 });
        expect(await store.stored(winner === 'r1' ? 'r3' : 'r1')).toBeNull();
        await store.close();
      });

      it('refuses a member with one good and one spent coin, keeps its good coin, commits the others', async () => {
        const { store, sent } = await open('short');
        await mint(store, ['good', 'spent', 'b', 'c']);
        expect(await store.commit(exchange('earlier', ['spent']))).toEqual({ ok: true });
        sent.length = 0;
        const outcomes = await Promise.all([
          store.commit(exchange('r1', ['b'])),
          store.commit(exchange('r2', ['good', 'spent'])),
          store.commit(exchange('r3', ['c'])),
        ]);
        expect(outcomes).toEqual([
          { ok: true },
          { ok: false, reason: 'double-spent', serials: ['spent'] },
          { ok: true },
        ]);
        // The batch of three rolled back; r2 alone, r1 and r3 batched again.
        expect(claims(sent).map(rowsOf).sort()).toEqual([1, 2, 3]);
        expect(await store.outstanding('good')).not.toBeNull();
        expect(await store.stored('r2')).toBeNull();
        const after = await store.snapshot();
        expect(after.serials).toEqual(['b-new-r1', 'c-new-r3', 'good', 'spent-new-earlier']);
        expect(after.books.outstanding).toEqual({ count: 4, value: 40 });
        await store.close();
      });

      it('answers a request id twice in a batch, and one already stored, with the stored reply', async () => {
        const { store } = await open('dup');
        await mint(store, ['a', 'b', 'c', 'd']);
        expect(await store.commit(exchange('stored', ['a']))).toEqual({ ok: true });
        const [again, twice1, twice2, fresh] = await Promise.all([
          store.commit(exchange('stored', ['b'], 'reply-again')),
          store.commit(exchange('twice', ['c'])),
          store.commit(exchange('twice', ['d'], 'reply-other')),
          store.commit(exchange('fresh', ['b'])),
        ]);
        expect([again, fresh]).toEqual([{ ok: false, reason: 'duplicate' }, { ok: true }]);
        // The second 'twice' goes alone, beside the batch: on PostgreSQL either may claim first.
        expect([twice1, twice2]).toContainEqual({ ok: true });
        expect([twice1, twice2]).toContainEqual({ ok: false, reason: 'duplicate' });
        const first = twice1?.ok === true;
        expect(await store.stored('stored')).toEqual({ hash: 'h-stored', reply: 'reply-stored' });
        expect(await store.stored('twice')).toEqual({
          hash: 'h-twice',
          reply: first ? 'reply-twice' : 'reply-other',
        });
        // Minted once per id; the refused members' coins stay outstanding.
        const after = await store.snapshot();
        expect(after.serials).toEqual(
          first
            ? ['a-new-stored', 'b-new-fresh', 'c-new-twice', 'd']
            : ['a-new-stored', 'b-new-fresh', 'c', 'd-new-twice'],
        );
        expect(after.books.outstanding).toEqual({ count: 4, value: 40 });
        await store.close();
      });

      it('finds its own writes after a batch whose commit outcome was unknown', async () => {
        const trap = { armed: false };
        // The next transaction commits, and then its caller is told the outcome is unknown (40003).
        const once = (e: SqlEngine): SqlEngine => ({
          ...e,
          async attempt(fn, options) {
            const result = await e.attempt(fn, options);
            if (trap.armed) {
              trap.armed = false;
              throw new UnknownOutcome();
            }
            return result;
          },
        });
        const { store, sent } = await open('unknown', once);
        const serials = coins(5);
        await mint(store, serials);
        trap.armed = true;
        sent.length = 0;
        const outcomes = await Promise.all(
          serials.map((s, i) => store.commit(exchange(`x${i}`, [s]))),
        );
        expect(outcomes).toEqual(Array(5).fill({ ok: true }));
        // The batch ran twice: its second attempt found every id holding its reply.
        expect(claims(sent).map(rowsOf)).toEqual([5, 5]);
        const after = await store.snapshot();
        expect(after.serials).toEqual(serials.map((s, i) => `${s}-new-x${i}`).sort());
        expect(after.books.outstanding).toEqual({ count: 5, value: 50 });
        await store.close();
      });

      it('sends commits of any other shape alone', async () => {
        const { store, sent } = await open('shapes');
        await mint(store, ['a', 'b', 'c']);
        sent.length = 0;
        const outcomes = await Promise.all([
          store.commit(exchange('r1', ['a'])),
          store.commit({ ...exchange('r2', ['b']), late: 10 }),
          store.commit(exchange('r3', ['c'])),
        ]);
        expect(outcomes).toEqual(Array(3).fill({ ok: true }));
        expect(claims(sent).map(rowsOf).sort()).toEqual([1, 2]);
        expect((await store.books()).late).toBe(10);
        await store.close();
      });
    },
  );
}
