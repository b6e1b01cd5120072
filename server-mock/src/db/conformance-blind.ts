/** Currency-server store conformance for blind-rsa coins: spent lists and per-key counts. */
import { expect, it } from 'vitest';
import { createCsStore } from '../cs/store.ts';
import { commit, type FreshDb, row } from './conformance-rows.ts';

/** A blind-rsa serial is spent once, counted per key, and a withdrawal recouped once. */
export function blindRsaCases(fresh: FreshDb): void {
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
}
