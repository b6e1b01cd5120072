/**
 * Two windows per coin and recoup proofs (docs/PROTOCOL.md §4.7): a coin pays until `expires`,
 * its issuer still takes it until the redemption window its key publishes closes (`late`), a coin
 * under a revoked key is `revoked` (its issuer takes it only against its records), and a
 * blind-rsa holder's recoup proof (r, from the r⁻¹ kept since Finalize) leads back to exactly the
 * blinded message the CS signed.
 */
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../crypto/noble-provider.ts';
import { generateBlindSigningKey, nodeProvider } from '../crypto/node-provider.ts';
import { fromB64u, toB64u } from '../encoding/base64url.ts';
import type { CertificateBody, Coin, CoinBody, DenominationKeyBody } from '../schema/objects.ts';
import { sign } from '../signing.ts';
import { denominationKeyId, TrustStore } from '../trust.ts';
import {
  finishBlindCoins,
  prepareBlindCoins,
  recoupBlinding,
  recoupHash,
  withdrawalHash,
} from './blind-withdraw.ts';
import { standingOf, verifyRedeemable } from './redeem.ts';
import { verifyCoin } from './verify.ts';

const NOW = 1_790_000_000;
const DAY = 86_400;
const signer = generateBlindSigningKey();

const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);

for (const p of [nobleProvider, nodeProvider]) {
  const insurer = p.ed25519.keygen();
  const insurerKey = toB64u(insurer.publicKey);
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
    insurer: insurerKey,
    issued: NOW - 100,
    expires: NOW + 10 * DAY,
    redeemFor: 30 * DAY,
  };
  const keyBody: DenominationKeyBody = {
    type: 'denomination-key',
    keyId: denominationKeyId(p, signer.spki),
    cs: 'cs1',
    value: 5,
    currency: 'NCD',
    publicKey: toB64u(signer.spki),
    insurer: insurerKey,
    issued: NOW - 100,
    withdrawUntil: NOW + DAY,
    depositUntil: NOW + 2 * DAY,
    redeemUntil: NOW + 32 * DAY,
  };
  const world = () => {
    const trust = new TrustStore(p, [insurerKey]);
    expect(trust.addCertificate(sign(p, insurer.secretKey, certBody)).ok).toBe(true);
    expect(trust.addDenominationKey(sign(p, insurer.secretKey, keyBody)).ok).toBe(true);
    const mint = (over: Partial<CoinBody> = {}): Coin =>
      sign(p, cs.secretKey, {
        type: 'coin',
        scheme: 'nc1',
        cs: 'cs1',
        addr: 'http://127.0.0.1:7402',
        certId: 'cs1-1',
        serial: toB64u(p.randomBytes(16)),
        value: 5,
        currency: 'NCD',
        expires: NOW + 3 * DAY,
        ...over,
      });
    const prepared = prepareBlindCoins(
      p,
      trust,
      { cs: 'cs1', addr: certBody.addresses[0]! },
      [5],
      NOW,
    );
    if (!prepared.ok) throw prepared.error;
    const blinded = fromB64u(prepared.value.blinded[0]!.msg)!;
    const finished = finishBlindCoins(trust, prepared.value.secrets, [
      toB64u(signer.blindSign(blinded)),
    ]);
    if (!finished.ok) throw finished.error;
    const revoke = (certId: string) =>
      trust.setRevocations(
        sign(p, insurer.secretKey, {
          type: 'revocation-list',
          insurer: insurerKey,
          seq: 1,
          issued: NOW,
          revoked: [{ certId, date: NOW, reason: 'key compromised' }],
        }),
      );
    return {
      trust,
      mint,
      blindCoin: finished.value[0]!,
      blinded,
      inv: prepared.value.secrets[0]!.inv,
      revoke,
    };
  };

  describe(`the two windows of a coin (${p.name})`, () => {
    it('an nc1 coin pays until it expires, then only its issuer takes it until redeemFor has passed', () => {
      const w = world();
      const coin = w.mint();
      const at = (now: number) => verifyRedeemable(p, w.trust, coin, { now, cs: 'cs1' });
      const standing = (now: number) => {
        const r = at(now);
        return r.ok ? r.value.standing : r.error.code;
      };
      expect(standing(NOW)).toBe('valid');
      const late = coin.body.expires;
      expect(codeOf(verifyCoin(p, w.trust, coin, { now: late }))).toBe('expired');
      expect(standing(late)).toBe('late');
      // Past the certificate's own expiry too: the window is the coin's.
      const afterCert = certBody.expires + DAY;
      expect(standingOf(w.trust, coin.body, afterCert)).toEqual({ ok: true, value: 'late' });
      expect(codeOf(at(coin.body.expires + 30 * DAY - 1))).toBe('ok');
      expect(codeOf(at(coin.body.expires + 30 * DAY))).toBe('expired');
      // A late coin is still checked: forged or altered, foreign, other currency.
      const altered: Coin = { body: { ...coin.body, value: 1 }, sig: coin.sig };
      expect(codeOf(verifyRedeemable(p, w.trust, altered, { now: late }))).toBe('bad-signature');
      expect(codeOf(verifyRedeemable(p, w.trust, coin, { now: late, cs: 'cs2' }))).toBe(
        'foreign-coin',
      );
      expect(codeOf(verifyRedeemable(p, w.trust, coin, { now: late, currency: 'EUR' }))).toBe(
        'wrong-currency',
      );
      expect(codeOf(standingOf(w.trust, { ...coin.body, certId: 'cs1-9' }, NOW))).toBe(
        'unknown-cert',
      );
    });

    it('a blind-rsa coin pays until depositUntil, and its issuer takes it until redeemUntil', () => {
      const w = world();
      const coin = w.blindCoin;
      const at = (now: number) => standingOf(w.trust, coin.body, now);
      expect(at(NOW)).toEqual({ ok: true, value: 'valid' });
      expect(at(keyBody.depositUntil)).toEqual({ ok: true, value: 'late' });
      expect(codeOf(at(keyBody.redeemUntil))).toBe('expired');
      const late = verifyRedeemable(p, w.trust, coin, { now: keyBody.depositUntil });
      expect(late.ok && late.value.standing).toBe('late');
    });

    it('a coin under a revoked certificate or key is revoked, inside its window only', () => {
      const w = world();
      const coin = w.mint();
      w.revoke('cs1-1');
      expect(codeOf(verifyCoin(p, w.trust, coin, { now: NOW }))).toBe('revoked');
      const r = verifyRedeemable(p, w.trust, coin, { now: NOW });
      expect(r.ok && r.value.standing).toBe('revoked');
      expect(codeOf(standingOf(w.trust, coin.body, coin.body.expires + 30 * DAY))).toBe('expired');
      const v = world();
      v.revoke(keyBody.keyId);
      expect(standingOf(v.trust, v.blindCoin.body, NOW)).toEqual({ ok: true, value: 'revoked' });
      expect(standingOf(v.trust, v.mint().body, NOW)).toEqual({ ok: true, value: 'valid' });
    });
  });

  describe(`recoup proofs of blind-rsa coins (${p.name})`, () => {
    it('lead from the coin and r back to the hash of exactly the blinded message signed', () => {
      const w = world();
      const r = recoupBlinding(w.trust, w.blindCoin, w.inv);
      expect(r).not.toBeNull();
      expect(fromB64u(r!)).toHaveLength(256);
      const hash = recoupHash(p, w.trust, w.blindCoin, r!);
      expect(hash).toBe(withdrawalHash(p, w.blinded));
      // Another coin's proof, or another r, points elsewhere.
      const other = world();
      const otherR = recoupBlinding(other.trust, other.blindCoin, other.inv)!;
      expect(recoupHash(p, w.trust, w.blindCoin, otherR)).not.toBe(hash);
      expect(recoupHash(p, w.trust, other.blindCoin, r!)).not.toBe(hash);
      // r⁻¹ in place of r, or r out of range, proves nothing.
      expect(recoupHash(p, w.trust, w.blindCoin, w.inv)).not.toBe(hash);
      expect(recoupHash(p, w.trust, w.blindCoin, toB64u(new Uint8Array(256)))).toBeNull();
      expect(recoupHash(p, w.trust, w.blindCoin, toB64u(new Uint8Array(256).fill(255)))).toBeNull();
    });
  });
}
