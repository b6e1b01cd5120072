/**
 * One conformance suite for every store, run against each engine (SQLite and PostgreSQL): the
 * same statements must give the same outcomes, including under concurrency — a serial consumed
 * by many transactions at once goes to exactly one, a request id is claimed once, a balance is
 * never overdrawn. `runConformance` registers the vitest cases for one engine.
 */
import { sign, toB64u } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import type { SqlDb } from '@netcash/server-kit';
import { describe, expect, it } from 'vitest';
import { createBankStore } from '../bank/store.ts';
import { createCsStore } from '../cs/store.ts';
import { createInsurerStore } from '../insurer/store.ts';

/** Opens a fresh, empty database for one case. */
export type FreshDb = (label: string) => Promise<SqlDb>;

const row = (serial: string, value = 10, extra: { lock?: string; expires?: number } = {}) => ({
  serial,
  certId: 'cert-1',
  value,
  expires: extra.expires ?? 1_000,
  ...(extra.lock === undefined ? {} : { lock: extra.lock }),
});
const commit = (requestId: string, changes: object = {}) => ({
  requestId,
  requestHash: `h-${requestId}`,
  reply: `reply-${requestId}`,
  date: 100,
  ...changes,
});

export function runConformance(engine: string, fresh: FreshDb): void {
  describe(`${engine}: currency server store`, () => {
    it('mints and consumes serials with the request record, all or nothing', async () => {
      const store = await createCsStore(await fresh('cs_basic'));
      expect(await store.reserve('r1', 30, 1_000, 1)).toBe(true);
      const first = await store.commit(
        commit('r1', {
          mint: [row('a'), row('b'), row('c')],
          minted: 30,
          deposits: [{ digest: 'd1', amount: 30, expires: 500 }],
        }),
      );
      expect(first).toEqual({ ok: true });
      expect(await store.stored('r1')).toEqual({ hash: 'h-r1', reply: 'reply-r1' });
      expect(await store.depositSeen('d1')).toBe(true);

      // A missing serial refuses the whole commit: nothing consumed, minted or stored.
      const refused = await store.commit(
        commit('r2', { consume: [{ serial: 'a' }, { serial: 'zz' }], mint: [row('d')] }),
      );
      expect(refused).toEqual({ ok: false, reason: 'double-spent', serials: ['zz'] });
      expect((await store.snapshot()).serials).toEqual(['a', 'b', 'c']);
      expect(await store.stored('r2')).toBeNull();

      expect(await store.commit(commit('r1'))).toEqual({ ok: false, reason: 'duplicate' });
      expect(
        await store.commit(commit('r3', { deposits: [{ digest: 'd1', amount: 1, expires: 1 }] })),
      ).toEqual({ ok: false, reason: 'check-cleared' });

      const exchanged = await store.commit(
        commit('r4', { consume: [{ serial: 'a' }, { serial: 'b' }], mint: [row('e', 20)] }),
      );
      expect(exchanged).toEqual({ ok: true });
      const books = await store.books();
      expect(books).toMatchObject({ minted: 30, redeemed: 0, deposited: 30 });
      expect(books.outstanding).toEqual({ count: 2, value: 30 });
      expect(books.pending).toEqual({ count: 0, value: 0 });
      await store.close();
    });

    it('reserves under the mint limit and refuses mints the deposits do not back', async () => {
      const store = await createCsStore(await fresh('cs_limits'));
      expect(await store.reserve('r1', 60, 100, 1)).toBe(true);
      expect(await store.reserve('r1', 60, 100, 1)).toBe(true);
      expect(await store.reserve('r2', 50, 100, 1)).toBe(false);
      await store.release('r1');
      expect(await store.reserve('r2', 50, 100, 1)).toBe(true);
      expect(await store.commit(commit('r2', { mint: [row('x', 50)], minted: 50 }))).toEqual({
        ok: false,
        reason: 'not-backed',
      });
      // A refused commit changes nothing; giving the reservation back is the caller's move.
      expect((await store.books()).pending).toEqual({ count: 1, value: 50 });
      await store.release('r2');
      expect((await store.books()).pending).toEqual({ count: 0, value: 0 });
      await store.close();
    });

    it('consumes both coins of a triplet and remembers a spent C_B', async () => {
      const store = await createCsStore(await fresh('cs_triplet'));
      await store.commit(
        commit('r1', {
          mint: [
            row('b', 30, { lock: 't1', expires: 700 }),
            row('a', 0, { lock: 't1', expires: 700 }),
          ],
        }),
      );
      const spent = await store.commit(
        commit('r2', {
          consume: [{ serial: 'b', lock: 't1' }],
          tripletSpends: [{ tripletId: 't1', serial: 'b', owner: 'k', value: 30 }],
        }),
      );
      expect(spent).toEqual({ ok: true });
      expect(await store.outstanding('a')).toBeNull();
      expect(await store.tripletSpend('t1')).toEqual({
        serial: 'b',
        owner: 'k',
        value: 30,
        date: 100,
      });
      expect(await store.commit(commit('r3', { consume: [{ serial: 'a', lock: 't1' }] }))).toEqual({
        ok: false,
        reason: 'double-spent',
        serials: ['a'],
      });
      await store.close();
    });

    it('prunes expired serials into the books, and old requests', async () => {
      const store = await createCsStore(await fresh('cs_prune'));
      await store.reserve('r1', 30, 1_000, 1);
      await store.commit(
        commit('r1', {
          mint: [row('a', 10, { expires: 50 }), row('b', 20, { expires: 500 })],
          minted: 30,
          deposits: [{ digest: 'd', amount: 30, expires: 40 }],
        }),
      );
      expect(await store.prune(51, 101)).toEqual({ coins: 1, value: 10 });
      const snap = await store.snapshot();
      expect(snap.serials).toEqual(['b']);
      expect(snap.requests).toBe(0);
      expect(snap.books).toMatchObject({ minted: 30, expired: 10 });
      expect(await store.depositSeen('d')).toBe(false);
      await store.close();
    });

    it('blind-rsa: spends a serial once, counts per key, closes the key after its redemption window', async () => {
      const store = await createCsStore(await fresh('cs_blind'));
      const key = { keyId: 'k5', value: 5, depositUntil: 900, redeemUntil: 950 };
      const spent = (serial: string) => ({
        serial,
        keyId: 'k5',
        value: 5,
        depositUntil: 900,
        expires: 950,
      });
      await store.reserve('r1', 15, 1_000, 1);
      expect(
        await store.commit(
          commit('r1', {
            withdraw: [{ ...key, count: 3, hashes: ['w1', 'w2', 'w3'] }],
            minted: 15,
            deposits: [{ digest: 'd1', amount: 15, expires: 500 }],
          }),
        ),
      ).toEqual({ ok: true });
      // A spend with an nc1 output: the serial goes on the spent list, the key counts it.
      expect(
        await store.commit(commit('r2', { spend: [spent('s1')], mint: [row('n1', 5)] })),
      ).toEqual({ ok: true });
      const before = await store.snapshot();
      expect(before.spent).toEqual(['s1']);
      expect(before.books.blindRsa.keys).toEqual([{ ...key, withdrawn: 3, spent: 1 }]);
      expect(before.books.outstanding).toEqual({ count: 3, value: 15 });
      // Spent again (alone, or next to a fresh one): refused, nothing changes.
      expect(await store.commit(commit('r3', { spend: [spent('s2'), spent('s1')] }))).toEqual({
        ok: false,
        reason: 'double-spent',
        serials: ['s1'],
      });
      expect(await store.snapshot()).toEqual(before);
      // Key closes once its redemption window closed: spent serials dropped, 2 coins expired.
      expect(await store.prune(950, 0)).toEqual({ coins: 0, value: 0 });
      expect(await store.prune(951, 0)).toEqual({ coins: 2, value: 10 });
      const after = await store.snapshot();
      expect(after.spent).toEqual([]);
      expect(after.books.blindRsa.keys).toEqual([]);
      expect(after.books).toMatchObject({
        minted: 15,
        expired: 10,
        outstanding: { count: 1, value: 5 },
      });
      await store.close();
    });

    it('blind-rsa: lets exactly one of 30 concurrent transactions spend a serial', async () => {
      const store = await createCsStore(await fresh('cs_blind_race'));
      await store.commit(
        commit('w', {
          withdraw: [
            { keyId: 'k', value: 10, depositUntil: 900, redeemUntil: 900, count: 1, hashes: [] },
          ],
        }),
      );
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.commit(
            commit(`spend-${i}`, {
              spend: [{ serial: 'coin', keyId: 'k', value: 10, depositUntil: 900, expires: 900 }],
              mint: [row(`new-${i}`)],
            }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok && o.reason === 'double-spent')).toHaveLength(29);
      const snap = await store.snapshot();
      expect(snap.serials).toHaveLength(1);
      expect(snap.books.blindRsa.keys).toEqual([
        { keyId: 'k', value: 10, depositUntil: 900, redeemUntil: 900, withdrawn: 1, spent: 1 },
      ]);
      await store.close();
    });

    it('recoups an nc1 serial only when its row says the same certificate and value', async () => {
      const store = await createCsStore(await fresh('cs_recoup'));
      await store.commit(commit('m', { mint: [row('a', 10), row('b', 20)] }));
      const before = await store.snapshot();
      // A forged coin naming a seen serial with more value, or under another certificate.
      for (const match of [
        { certId: 'cert-1', value: 20 },
        { certId: 'cert-2', value: 10 },
      ]) {
        expect(
          await store.commit(commit(`f-${match.certId}`, { consume: [{ serial: 'a', match }] })),
        ).toEqual({ ok: false, reason: 'double-spent', serials: ['a'] });
      }
      expect(await store.snapshot()).toEqual(before);
      expect(
        await store.commit(
          commit('r', {
            consume: [{ serial: 'a', match: { certId: 'cert-1', value: 10 } }],
            mint: [row('c', 10)],
            recouped: 10,
          }),
        ),
      ).toEqual({ ok: true });
      expect(
        await store.commit(
          commit('l', { consume: [{ serial: 'b' }], mint: [row('d', 20)], late: 20 }),
        ),
      ).toEqual({ ok: true });
      const after = await store.snapshot();
      expect(after.serials).toEqual(['c', 'd']);
      expect(after.books).toMatchObject({ recouped: 10, late: 20 });
      expect(after.books.byCert).toEqual([{ certId: 'cert-1', count: 2, value: 30 }]);
      await store.close();
    });

    it('blind-rsa: recoups a withdrawal once, never past what the key issued', async () => {
      const store = await createCsStore(await fresh('cs_blind_recoup'));
      const key = { keyId: 'k', value: 5, depositUntil: 900, redeemUntil: 950 };
      const spent = (serial: string) => ({
        serial,
        keyId: 'k',
        value: 5,
        depositUntil: 900,
        expires: 950,
      });
      await store.commit(commit('w', { withdraw: [{ ...key, count: 2, hashes: ['h1', 'h2'] }] }));
      const recoup = (id: string, serial: string, hash: string) =>
        store.commit(
          commit(id, {
            spend: [spent(serial)],
            recoup: [{ hash, keyId: 'k' }],
            mint: [row(`n-${id}`, 5)],
            recouped: 5,
          }),
        );
      expect(await recoup('r1', 's1', 'h1')).toEqual({ ok: true });
      // The same withdrawal again (another coin), and one never made here: refused.
      expect(await recoup('r2', 's2', 'h1')).toMatchObject({ ok: false, reason: 'double-spent' });
      expect(await recoup('r3', 's3', 'nope')).toMatchObject({ ok: false, reason: 'double-spent' });
      // A coin spent plainly, then a recoup of the other withdrawal would pass what was issued.
      expect(
        await store.commit(commit('p', { spend: [spent('s4')], mint: [row('n-p', 5)] })),
      ).toEqual({
        ok: true,
      });
      expect(await recoup('r4', 's5', 'h2')).toMatchObject({ ok: false, reason: 'double-spent' });
      const snap = await store.snapshot();
      expect(snap.books.blindRsa.keys).toEqual([{ ...key, withdrawn: 2, spent: 2 }]);
      expect(snap.books.recouped).toBe(5);
      expect(await store.prune(951, 0)).toEqual({ coins: 0, value: 0 });
      await store.close();
    });

    it('lets exactly one of 30 concurrent transactions consume a serial', async () => {
      const store = await createCsStore(await fresh('cs_race'));
      await store.commit(commit('mint', { mint: [row('coin')] }));
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          store.commit(
            commit(`spend-${i}`, { consume: [{ serial: 'coin' }], mint: [row(`new-${i}`)] }),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      expect(outcomes.filter((o) => !o.ok && o.reason === 'double-spent')).toHaveLength(29);
      expect((await store.snapshot()).serials).toHaveLength(1);
      // Concurrent duplicates of one request id: one commits, the others see it taken.
      await store.commit(commit('m2', { mint: [row('coin2')] }));
      const dups = await Promise.all(
        Array.from({ length: 10 }, () =>
          store.commit(commit('same', { consume: [{ serial: 'coin2' }], mint: [row('n2')] })),
        ),
      );
      expect(dups.filter((o) => o.ok)).toHaveLength(1);
      expect(dups.filter((o) => !o.ok && o.reason === 'duplicate')).toHaveLength(9);
      await store.close();
    });

    it('keeps the books balanced under concurrent buys, exchanges and repeated requests', async () => {
      const store = await createCsStore(await fresh('cs_busy'));
      // 12 buys at once, each reserving, then minting 3 coins backed by its deposit.
      const buys = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          expect(await store.reserve(`buy-${i}`, 30, 1_000, 1)).toBe(true);
          return store.commit(
            commit(`buy-${i}`, {
              mint: [row(`b${i}a`), row(`b${i}b`), row(`b${i}c`)],
              minted: 30,
              deposits: [{ digest: `d${i}`, amount: 30, expires: 900 }],
            }),
          );
        }),
      );
      expect(buys).toEqual(Array(12).fill({ ok: true }));
      // Each coin exchanged by three requests at once: one wins; and each of those requests
      // sent three times at once (the same request id and reply): one commits, the others find
      // it taken, and the reply stored is the one sent.
      const exchanges = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          Promise.all(
            [0, 1, 2].flatMap((k) =>
              [0, 1, 2].map(() =>
                store.commit(
                  commit(`x-${i}-${k}`, {
                    consume: [{ serial: `b${i}a` }],
                    mint: [row(`x${i}${k}`)],
                  }),
                ),
              ),
            ),
          ),
        ),
      );
      for (const [i, outcomes] of exchanges.entries()) {
        expect([i, outcomes.filter((o) => o.ok)]).toEqual([i, [{ ok: true }]]);
        const winner = [0, 1, 2].find(
          (k) => outcomes[3 * k]!.ok || outcomes[3 * k + 1]!.ok || outcomes[3 * k + 2]!.ok,
        );
        for (const k of [0, 1, 2]) {
          const group = outcomes.slice(3 * k, 3 * k + 3);
          if (k === winner) {
            expect(group.filter((o) => !o.ok && o.reason === 'duplicate')).toHaveLength(2);
            expect(await store.stored(`x-${i}-${k}`)).toEqual({
              hash: `h-x-${i}-${k}`,
              reply: `reply-x-${i}-${k}`,
            });
          } else {
            expect(group.every((o) => !o.ok)).toBe(true);
          }
        }
      }
      const books = await store.books();
      expect(books).toMatchObject({ minted: 360, redeemed: 0, expired: 0, deposited: 360 });
      expect(books.outstanding).toEqual({ count: 36, value: 360 });
      expect(books.pending).toEqual({ count: 0, value: 0 });
      expect(books.outstanding.value).toBeLessThanOrEqual(books.deposited - books.written);
      await store.close();
    });
  });

  describe(`${engine}: bank store`, () => {
    const account = (id: string, kind: 'customer' | 'server' | 'system' = 'customer') => ({
      account: id,
      signKey: `key-${id}`,
      holder: id,
      kind,
      balance: 0,
    });
    const move = (id: string, from: string, to: string, amount: number) => ({
      id,
      date: 10,
      from,
      to,
      amount,
      memo: 'm',
    });

    it('opens with a credit from issuance, clears a check once, never overdraws', async () => {
      const store = await createBankStore(await fresh('bank_basic'));
      await store.openAccount(account('issuance', 'system'), 1);
      await store.openAccount(account('alice'), 1, move('o1', 'issuance', 'alice', 100));
      await store.openAccount(account('bob'), 1);
      const check = {
        drawer: 'alice',
        checkNo: 'c1',
        digest: 'd',
        account: 'bob',
        amount: 60,
        reply: '{}',
      };
      expect(await store.clearCheck(check, move('m1', 'alice', 'bob', 60))).toEqual({ ok: true });
      const again = await store.clearCheck(check, move('m2', 'alice', 'bob', 60));
      expect(again).toMatchObject({ ok: false, reason: 'already-cleared', held: { digest: 'd' } });
      const over = { ...check, checkNo: 'c2' };
      expect(await store.clearCheck(over, move('m3', 'alice', 'bob', 60))).toEqual({
        ok: false,
        reason: 'insufficient-funds',
      });
      expect(await store.cleared('alice', 'c2')).toBeNull();
      const audit = await store.audit();
      expect(audit.ledgerSum).toBe(0);
      expect(audit.accounts.map((a) => [a.account, a.balance, a.ledgerBalance])).toEqual([
        ['alice', 40, 40],
        ['bob', 60, 60],
        ['issuance', -100, -100],
      ]);
      expect(audit.accounts.find((a) => a.account === 'bob')?.received).toBe(60);
      expect((await store.history('bob', 10)).map((h) => h.amount)).toEqual([60]);
      // One account per key: a second opening with alice's key opens nothing.
      expect(await store.openAccount({ ...account('carol'), signKey: 'key-alice' }, 2)).toBe(false);
      expect(await store.account('carol')).toBeNull();
      expect((await store.accountByKey('key-alice'))?.account).toBe('alice');
      expect(await store.useNonce('alice', 'n1', 10, 0)).toBe(true);
      expect(await store.useNonce('alice', 'n1', 10, 0)).toBe(false);
      await store.close();
    });

    it('keeps a balance non-negative under 20 concurrent checks', async () => {
      const store = await createBankStore(await fresh('bank_race'));
      await store.openAccount(account('issuance', 'system'), 1);
      await store.openAccount(account('alice'), 1, move('o', 'issuance', 'alice', 100));
      await store.openAccount(account('bob'), 1);
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.clearCheck(
            {
              drawer: 'alice',
              checkNo: `c${i}`,
              digest: `d${i}`,
              account: 'bob',
              amount: 30,
              reply: '{}',
            },
            move(`m${i}`, 'alice', 'bob', 30),
          ),
        ),
      );
      expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
      expect((await store.account('alice'))?.balance).toBe(10);
      expect((await store.audit()).ledgerSum).toBe(0);
      await store.close();
    });
  });

  describe(`${engine}: insurer store`, () => {
    it('keeps certificates and revocation lists with increasing seq', async () => {
      const store = await createInsurerStore(await fresh('insurer'));
      const key = p.ed25519.keygen();
      const cert = (certId: string, expires: number) =>
        sign(p, key.secretKey, {
          type: 'certificate',
          certId,
          csName: 'cs1',
          signKey: toB64u(p.ed25519.keygen().publicKey),
          encKey: toB64u(p.x25519.keygen().publicKey),
          addresses: ['http://127.0.0.1:1/'],
          currency: 'NCD',
          denominations: [1],
          mintLimit: 1,
          bank: 'bank',
          account: 'a',
          insurer: toB64u(key.publicKey),
          issued: expires - 10,
          expires,
          redeemFor: 0,
        });
      await store.addCertificate(cert('c1', 100));
      await store.addCertificate(cert('c2', 200));
      expect((await store.certificates(150)).map((c) => c.body.certId)).toEqual(['c2']);
      expect((await store.certificate('c1'))?.body.expires).toBe(100);
      const signList = (seq: number, revoked: { certId: string; date: number; reason: string }[]) =>
        sign(p, key.secretKey, {
          type: 'revocation-list',
          insurer: toB64u(key.publicKey),
          seq,
          issued: 1,
          revoked,
        });
      await store.initRevocations(signList);
      await store.initRevocations(signList);
      expect((await store.revocationList())?.body.seq).toBe(0);
      await store.revoke({ certId: 'c1', date: 5, reason: 'r' }, signList);
      const list = await store.revoke({ certId: 'c2', date: 6, reason: 'r' }, signList);
      expect(list.body.seq).toBe(2);
      expect(list.body.revoked.map((r) => r.certId)).toEqual(['c1', 'c2']);
      expect(await store.revocationList()).toEqual(list);
      await store.close();
    });
  });
}
