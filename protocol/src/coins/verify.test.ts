/**
 * Offline coin verification (SPEC §3): a forged, altered, expired, wrongly-certified or revoked
 * coin fails with its own code, under both crypto providers.
 */
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../crypto/noble-provider.ts';
import { nodeProvider } from '../crypto/node-provider.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { toB64u } from '../encoding/base64url.ts';
import type { Certificate, CertificateBody, Coin, CoinBody } from '../schema/objects.ts';
import { sign } from '../signing.ts';
import { TrustStore } from '../trust.ts';
import { verifyCoin, verifyCoins } from './verify.ts';

const NOW = 1_790_000_000;

function world(p: CryptoProvider) {
  const insurer = p.ed25519.keygen();
  const cs = p.ed25519.keygen();
  const certBody: CertificateBody = {
    type: 'certificate',
    certId: 'cs1-1',
    csName: 'cs1',
    signKey: toB64u(cs.publicKey),
    encKey: toB64u(p.x25519.keygen().publicKey),
    addresses: ['http://127.0.0.1:7402'],
    currency: 'NCD',
    denominations: [1, 2, 5],
    mintLimit: 1000,
    bank: 'bank',
    account: 'acct-cs1',
    insurer: toB64u(insurer.publicKey),
    issued: NOW - 100,
    expires: NOW + 86_400,
    redeemFor: 86_400,
  };
  const certificate = sign(p, insurer.secretKey, certBody);
  const coinBody = (overrides: Partial<CoinBody> = {}): CoinBody => ({
    type: 'coin',
    scheme: 'nc1',
    cs: 'cs1',
    addr: 'http://127.0.0.1:7402',
    certId: 'cs1-1',
    serial: toB64u(p.randomBytes(16)),
    value: 5,
    currency: 'NCD',
    expires: NOW + 3600,
    ...overrides,
  });
  const mint = (overrides: Partial<CoinBody> = {}): Coin =>
    sign(p, cs.secretKey, coinBody(overrides));
  const trust = new TrustStore(p, [toB64u(insurer.publicKey)]);
  expect(trust.addCertificate(certificate).ok).toBe(true);
  return { p, insurer, cs, certBody, certificate, mint, trust };
}

function codeOf(result: { ok: boolean; error?: { code: string } }): string {
  return result.ok ? 'ok' : result.error!.code;
}

for (const p of [nobleProvider, nodeProvider]) {
  describe(`verifyCoin (${p.name})`, () => {
    it('accepts a coin minted under a trusted, valid certificate', () => {
      const w = world(p);
      const coin = w.mint();
      const result = verifyCoin(p, w.trust, coin, { now: NOW, currency: 'NCD', cs: 'cs1' });
      expect(result.ok && result.value.serial).toBe(coin.body.serial);
    });

    it('refuses a forged coin (signed by a key the certificate does not name): bad-signature', () => {
      const w = world(p);
      const forger = p.ed25519.keygen();
      const forged: Coin = sign(p, forger.secretKey, w.mint().body);
      expect(codeOf(verifyCoin(p, w.trust, forged, { now: NOW }))).toBe('bad-signature');
    });

    it('refuses an altered coin (value raised after signing): bad-signature', () => {
      const w = world(p);
      const coin = w.mint({ value: 1 });
      const altered: Coin = { body: { ...coin.body, value: 5 }, sig: coin.sig };
      expect(codeOf(verifyCoin(p, w.trust, altered, { now: NOW }))).toBe('bad-signature');
    });

    it('refuses an expired coin, and any coin of an expired certificate: expired', () => {
      const w = world(p);
      expect(codeOf(verifyCoin(p, w.trust, w.mint({ expires: NOW }), { now: NOW }))).toBe(
        'expired',
      );
      expect(codeOf(verifyCoin(p, w.trust, w.mint(), { now: w.certBody.expires }))).toBe('expired');
    });

    it('refuses a certificate from an untrusted insurer, or not matching the coin: untrusted-cert', () => {
      const w = world(p);
      const rogue = p.ed25519.keygen();
      const rogueCert: Certificate = sign(p, rogue.secretKey, {
        ...w.certBody,
        certId: 'cs9-1',
        insurer: toB64u(rogue.publicKey),
      });
      expect(codeOf(w.trust.addCertificate(rogueCert))).toBe('untrusted-cert');
      // Claims the trusted insurer but is signed by another key.
      const fakeCert: Certificate = sign(p, rogue.secretKey, { ...w.certBody, certId: 'cs9-2' });
      expect(codeOf(w.trust.addCertificate(fakeCert))).toBe('untrusted-cert');
      // A coin naming cs2 under cs1's certificate.
      expect(codeOf(verifyCoin(p, w.trust, w.mint({ cs: 'cs2' }), { now: NOW }))).toBe(
        'untrusted-cert',
      );
      // A second, different certificate under a known id.
      const clash = sign(p, w.insurer.secretKey, { ...w.certBody, mintLimit: 5 });
      expect(codeOf(w.trust.addCertificate(clash))).toBe('untrusted-cert');
    });

    it('refuses a coin whose certificate is unknown: unknown-cert', () => {
      const w = world(p);
      expect(codeOf(verifyCoin(p, w.trust, w.mint({ certId: 'cs1-7' }), { now: NOW }))).toBe(
        'unknown-cert',
      );
    });

    it('refuses coins of a revoked certificate once a signed revocation list is installed: revoked', () => {
      const w = world(p);
      const coin = w.mint();
      const list = sign(p, w.insurer.secretKey, {
        type: 'revocation-list',
        insurer: toB64u(w.insurer.publicKey),
        seq: 2,
        issued: NOW,
        revoked: [{ certId: 'cs1-1', date: NOW, reason: 'key compromised' }],
      });
      expect(w.trust.setRevocations(list).ok).toBe(true);
      expect(codeOf(verifyCoin(p, w.trust, coin, { now: NOW }))).toBe('revoked');
      // An older list (lower seq) does not un-revoke.
      const older = sign(p, w.insurer.secretKey, { ...list.body, seq: 1, revoked: [] });
      w.trust.setRevocations(older);
      expect(codeOf(verifyCoin(p, w.trust, coin, { now: NOW }))).toBe('revoked');
      // A list not signed by the insurer is refused.
      const bogus = sign(p, p.ed25519.keygen().secretKey, { ...list.body, seq: 9, revoked: [] });
      expect(codeOf(w.trust.setRevocations(bogus))).toBe('bad-signature');
    });

    it('refuses another currency or another issuer when asked', () => {
      const w = world(p);
      expect(codeOf(verifyCoin(p, w.trust, w.mint(), { now: NOW, currency: 'EUR' }))).toBe(
        'wrong-currency',
      );
      expect(codeOf(verifyCoin(p, w.trust, w.mint(), { now: NOW, cs: 'cs2' }))).toBe(
        'foreign-coin',
      );
    });

    it('verifyCoins refuses the same coin twice in one payment', () => {
      const w = world(p);
      const coin = w.mint();
      expect(codeOf(verifyCoins(p, w.trust, [coin, coin], { now: NOW }))).toBe('double-spent');
      expect(codeOf(verifyCoins(p, w.trust, [coin, w.mint()], { now: NOW }))).toBe('ok');
    });
  });
}
