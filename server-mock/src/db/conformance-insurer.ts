/** Insurer store conformance: certificates and revocation lists. */
import { sign, toB64u } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { expect, it } from 'vitest';
import { createInsurerStore } from '../insurer/store.ts';
import type { FreshDb } from './conformance-rows.ts';

/** Certificates by expiry, revocation lists whose seq only grows. */
export function insurerStoreCases(fresh: FreshDb): void {
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
}
