/** Currency-server store conformance: serials minted and consumed with their request record. */
import { expect, it } from 'vitest';
import { createCsStore } from '../cs/store.ts';
import { PRUNE_SCAN } from '../cs/store-sql.ts';
import { commit, type FreshDb, row } from './conformance-rows.ts';

/** nc1 serials: all-or-nothing commits, the mint limit, triplets, pruning and recoup. */
export function csStoreCases(fresh: FreshDb): void {
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

  it('prunes every expired serial of a table longer than one prune sweep', async () => {
    const store = await createCsStore(await fresh('cs_prune_sweep'));
    // Two full sweeps of PRUNE_SCAN rows and a part: one in seven stays (at 1,000), the others
    // expired (at 50); so rows on both sides of each sweep's edge are of both kinds.
    const count = 2 * PRUNE_SCAN + 500;
    const serials = Array.from({ length: count }, (_, i) => `s${String(i).padStart(5, '0')}`);
    const kept = serials.filter((_, i) => i % 7 === 3);
    for (let i = 0; i < count; i += 500) {
      const mint = serials
        .slice(i, i + 500)
        .map((s, j) => row(s, 1, (i + j) % 7 === 3 ? {} : { expires: 50 }));
      expect(await store.commit(commit(`m${i}`, { mint }))).toEqual({ ok: true });
    }
    const expired = count - kept.length;
    expect(await store.prune(51, 0)).toEqual({ coins: expired, value: expired });
    expect((await store.snapshot()).serials).toEqual(kept);
    expect((await store.books()).expired).toBe(expired);
    expect(await store.prune(51, 0)).toEqual({ coins: 0, value: 0 });
    await store.close();
  });

  it("keeps a triplet request's record while its triplets live, past the request retention", async () => {
    const store = await createCsStore(await fresh('cs_keep'));
    const lock = { lock: 't1', expires: 300 };
    await store.commit(commit('plain', { mint: [row('a', 10, { expires: 500 })] }));
    await store.commit(
      commit('triplet', {
        mint: [row('b', 10, lock), row('c', 0, lock)],
        keepReplyUntil: 300,
      }),
    );
    // Both were made at 100 and the retention ends at 101: the plain one goes, the triplet's
    // reply stays until its coins' rows go (300, pruned with serials expired before 301).
    await store.prune(51, 101);
    expect(await store.stored('plain')).toBeNull();
    expect(await store.stored('triplet')).toEqual({ hash: 'h-triplet', reply: 'reply-triplet' });
    await store.prune(300, 101);
    expect(await store.stored('triplet')).not.toBeNull();
    await store.prune(301, 101);
    expect(await store.stored('triplet')).toBeNull();
    expect((await store.snapshot()).serials).toEqual(['a']);
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
}
