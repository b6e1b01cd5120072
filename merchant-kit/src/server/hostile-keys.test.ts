/**
 * Keys a payee must not work with (issue #11): message 1a with a small-order K_AN — a DH with it
 * is all zeros, which crashed the payee with a 500 — and coins whose certificate, sent along,
 * is signed by an insurer the merchant does not trust. Each is a 4xx with its own code, and the
 * merchant's books (and, for an anonymous payee, its session keys) do not move.
 */
import { type Certificate, postJson, sign, toB64u } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { codeOf, fetchOffer, pay } from '@netcash/server';
import { openSqlite } from '@netcash/server-kit';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { TestMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';

/** X25519 u-coordinates of small order (RFC 7748 §6.1: the shared secret would be all zeros). */
const SMALL_ORDER_U = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((h) => toB64u(Uint8Array.from(Buffer.from(h, 'hex'))));

const world = useFederation({
  csCount: 1,
  merchants: { merchant: { csIndex: 0 }, anonymous: { csIndex: 0, anonymous: true } },
});

const Anything = v.unknown();

/** Session keys (1b) the payee's store holds, read from its SQLite file. */
async function sessionKeyCount(m: TestMerchant): Promise<number> {
  const db = openSqlite(m.store);
  try {
    const [row] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM session_keys');
    return row!.n;
  } finally {
    await db.close();
  }
}

describe('message 1a with a small-order K_AN', () => {
  it('is refused with weak-key (was HTTP 500), and an anonymous payee stores no session keys', async () => {
    for (const m of [world.merchant('merchant'), world.merchant('anonymous')]) {
      const offer = await fetchOffer(p, m.resource('/articles/a'));
      const before = await sessionKeyCount(m);
      for (const kan of SMALL_ORDER_U) {
        const answer = await postJson(
          offer.body.payUrl,
          { msg: '1a', sid: offer.body.sid, kan },
          Anything,
        );
        expect(codeOf(answer)).toBe('weak-key');
      }
      expect(await sessionKeyCount(m)).toBe(before);
    }
    // A good K_AN is still answered.
    const offer = await fetchOffer(p, world.merchant('anonymous').resource('/articles/a'));
    const good = await postJson(
      offer.body.payUrl,
      { msg: '1a', sid: offer.body.sid, kan: toB64u(p.x25519.keygen().publicKey) },
      Anything,
    );
    expect(good.ok).toBe(true);
    expect(await sessionKeyCount(world.merchant('anonymous'))).toBe(1);
  });
});

describe('coins certified by an insurer the merchant does not trust', () => {
  it('are refused with untrusted-cert (was unknown-cert), moving nothing', async () => {
    const offer = await fetchOffer(p, world.merchant('merchant').resource('/articles/a'));
    const held = await world.merchant('merchant').paywall.held();
    // A rogue insurer certifies a rogue currency server, whose coin comes with that certificate.
    const rogueInsurer = p.ed25519.keygen();
    const rogueCs = p.ed25519.keygen();
    const real = world.fed.cs[0]!.certificate().body;
    const certificate: Certificate = sign(p, rogueInsurer.secretKey, {
      ...real,
      certId: 'rogue-cert-1',
      signKey: toB64u(rogueCs.publicKey),
    });
    const [five] = await world.shopper.buy(world.fed.cs[0]!.url, [5]);
    const coin = sign(p, rogueCs.secretKey, { ...five!.body, certId: 'rogue-cert-1' });
    expect(codeOf(await pay(p, offer, [coin], { certificates: [certificate] }))).toBe(
      'untrusted-cert',
    );
    // Without the certificate the coin's certificate is simply unknown.
    expect(codeOf(await pay(p, offer, [coin]))).toBe('unknown-cert');
    expect(await world.merchant('merchant').paywall.held()).toBe(held);
    // The honest coin still pays.
    expect(codeOf(await pay(p, offer, [five!]))).toBe('ok');
  });
});
