/**
 * Currency-server store conformance under concurrency: many transactions at once on one serial
 * or one request id, and a busy mix of buys and exchanges that must leave the books balanced.
 */
import { expect, it } from 'vitest';
import { createCsStore } from '../cs/store.ts';
import { commit, type FreshDb, row } from './conformance-rows.ts';

/** Exactly one winner per serial and per request id; books balanced under load. */
export function concurrencyCases(fresh: FreshDb): void {
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
}
