/**
 * The coin-scheme interface with both schemes behind it (SPEC §7): a blind-rsa coin withdrawn
 * (prepare → BlindSign → finish) verifies offline like an nc1 coin, and every way of getting it
 * wrong fails with its own code; denomination keys enter the TrustStore only when they check out;
 * a coin is decoded by its scheme; `want` takes blinded outputs next to (or instead of) values.
 */
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../../crypto/noble-provider.ts';
import { generateBlindSigningKey, nodeProvider } from '../../crypto/node-provider.ts';
import type { CryptoProvider } from '../../crypto/provider.ts';
import { fromB64u, toB64u } from '../../encoding/base64url.ts';
import { ExchangeRequest } from '../../schema/cs-messages.ts';
import { decode } from '../../schema/decode.ts';
import {
  AnyCoin,
  type BlindRsaCoin,
  type DenominationKey,
  type DenominationKeyBody,
} from '../../schema/objects.ts';
import { sign } from '../../signing.ts';
import { denominationKeyId, TrustStore } from '../../trust.ts';
import { finishBlindCoins, prepareBlindCoins, splitBlindable } from '../blind-withdraw.ts';
import { verifyCoin, verifyCoins } from '../verify.ts';
import { credentialsOf, isNc1, schemeOf, signerIdOf, spendIdOf } from './index.ts';

const NOW = 1_790_000_000;
const signer = generateBlindSigningKey();
const other = generateBlindSigningKey();

function codeOf(result: { ok: boolean; error?: { code: string } }): string {
  return result.ok ? 'ok' : result.error!.code;
}

function world(p: CryptoProvider) {
  const insurer = p.ed25519.keygen();
  const insurerKey = toB64u(insurer.publicKey);
  const keyBody = (
    spki: Uint8Array,
    over: Partial<DenominationKeyBody> = {},
  ): DenominationKeyBody => ({
    type: 'denomination-key',
    keyId: denominationKeyId(p, spki),
    cs: 'cs1',
    value: 5,
    currency: 'NCD',
    publicKey: toB64u(spki),
    insurer: insurerKey,
    issued: NOW - 100,
    withdrawUntil: NOW + 3600,
    depositUntil: NOW + 86_400,
    redeemUntil: NOW + 2 * 86_400,
    ...over,
  });
  const certify = (body: DenominationKeyBody): DenominationKey => sign(p, insurer.secretKey, body);
  const key = certify(keyBody(signer.spki));
  const trust = new TrustStore(p, [insurerKey]);
  expect(trust.addDenominationKey(key).ok).toBe(true);
  const withdraw = (values: number[], s = signer): BlindRsaCoin[] => {
    const prepared = prepareBlindCoins(
      p,
      trust,
      { cs: 'cs1', addr: 'http://127.0.0.1:7402' },
      values,
      NOW,
    );
    if (!prepared.ok) throw prepared.error;
    const sigs = prepared.value.blinded.map((b) => toB64u(s.blindSign(fromB64u(b.msg)!)));
    const coins = finishBlindCoins(trust, prepared.value.secrets, sigs);
    if (!coins.ok) throw coins.error;
    return coins.value;
  };
  return { p, insurer, insurerKey, keyBody, certify, key, trust, withdraw };
}

for (const p of [nobleProvider, nodeProvider]) {
  describe(`blind-rsa coins (${p.name})`, () => {
    it('are withdrawn blinded and verify offline; the scheme says how they are spent', () => {
      const w = world(p);
      const [coin] = w.withdraw([5]);
      expect(coin!.body).toMatchObject({ scheme: 'blind-rsa', value: 5, expires: NOW + 86_400 });
      expect(fromB64u(coin!.body.serial)).toHaveLength(32);
      expect(codeOf(verifyCoin(p, w.trust, coin!, { now: NOW, currency: 'NCD', cs: 'cs1' }))).toBe(
        'ok',
      );
      const scheme = schemeOf(coin!);
      expect([scheme.name, scheme.ledger, scheme.signerId()]).toEqual([
        'blind-rsa',
        'spent',
        w.key.body.keyId,
      ]);
      expect(spendIdOf(coin!.body)).toBe(coin!.body.serial);
      expect(signerIdOf(coin!.body)).toBe(w.key.body.keyId);
      expect(isNc1(coin!)).toBe(false);
      expect(credentialsOf(w.trust, [coin!, coin!])).toEqual({
        certificates: [],
        denominationKeys: [w.key],
      });
    });

    it('fail with the code of what is wrong', () => {
      const w = world(p);
      const [coin] = w.withdraw([5]);
      const check = { now: NOW };
      const altered = (body: Partial<BlindRsaCoin['body']>) => ({
        body: { ...coin!.body, ...body },
        sig: coin!.sig,
      });
      // The key fixes value, expiry and issuer: a body claiming more does not match it.
      expect(codeOf(verifyCoin(p, w.trust, altered({ value: 50 }), check))).toBe('untrusted-cert');
      expect(codeOf(verifyCoin(p, w.trust, altered({ expires: NOW + 90_000 }), check))).toBe(
        'untrusted-cert',
      );
      expect(codeOf(verifyCoin(p, w.trust, altered({ cs: 'cs2' }), check))).toBe('untrusted-cert');
      expect(
        codeOf(verifyCoin(p, w.trust, altered({ serial: toB64u(new Uint8Array(32)) }), check)),
      ).toBe('bad-signature');
      const sig = fromB64u(coin!.sig)!;
      sig[7]! ^= 1;
      expect(codeOf(verifyCoin(p, w.trust, { body: coin!.body, sig: toB64u(sig) }, check))).toBe(
        'bad-signature',
      );
      expect(
        codeOf(verifyCoin(p, w.trust, altered({ keyId: toB64u(new Uint8Array(32)) }), check)),
      ).toBe('unknown-cert');
      expect(codeOf(verifyCoin(p, w.trust, coin!, { now: NOW + 86_400 }))).toBe('expired');
      expect(codeOf(verifyCoin(p, w.trust, coin!, { now: NOW, currency: 'EUR' }))).toBe(
        'wrong-currency',
      );
      expect(codeOf(verifyCoin(p, w.trust, coin!, { now: NOW, cs: 'cs2' }))).toBe('foreign-coin');
      expect(codeOf(verifyCoins(p, w.trust, [coin!, coin!], check))).toBe('double-spent');
      // A blind signature of another blinded message (another coin's): Finalize refuses it.
      const target = { cs: 'cs1', addr: 'http://127.0.0.1:7402' };
      const prepared = prepareBlindCoins(p, w.trust, target, [5], NOW);
      const decoy = prepareBlindCoins(p, w.trust, target, [5], NOW);
      expect(prepared.ok && decoy.ok).toBe(true);
      if (!prepared.ok || !decoy.ok) return;
      const wrong = decoy.value.blinded.map((b) => toB64u(signer.blindSign(fromB64u(b.msg)!)));
      expect(codeOf(finishBlindCoins(w.trust, prepared.value.secrets, wrong))).toBe(
        'bad-signature',
      );
      expect(codeOf(finishBlindCoins(w.trust, prepared.value.secrets, []))).toBe('malformed');
      // Revoking the key id revokes its coins.
      w.trust.setRevocations(
        sign(p, w.insurer.secretKey, {
          type: 'revocation-list',
          insurer: w.insurerKey,
          seq: 1,
          issued: NOW,
          revoked: [{ certId: w.key.body.keyId, date: NOW, reason: 'compromised' }],
        }),
      );
      expect(codeOf(verifyCoin(p, w.trust, coin!, check))).toBe('revoked');
    });

    it('denomination keys are trusted only when they check out; wallets withdraw under the newest', () => {
      const w = world(p);
      const add = (key: DenominationKey) => codeOf(w.trust.addDenominationKey(key));
      expect(add(w.certify(w.keyBody(other.spki, { keyId: w.key.body.keyId })))).toBe(
        'untrusted-cert',
      );
      expect(add(w.certify(w.keyBody(other.spki, { withdrawUntil: NOW + 90_000 })))).toBe(
        'untrusted-cert',
      );
      expect(add(w.certify({ ...w.key.body, depositUntil: NOW + 99 }))).toBe('untrusted-cert');
      const stranger = p.ed25519.keygen();
      expect(add(sign(p, stranger.secretKey, w.keyBody(other.spki)))).toBe('untrusted-cert');
      const notRsa = w.keyBody(other.spki, { publicKey: toB64u(new Uint8Array(300).fill(3)) });
      expect(
        add(w.certify({ ...notRsa, keyId: denominationKeyId(p, new Uint8Array(300).fill(3)) })),
      ).toBe('untrusted-cert');
      expect(add(w.certify(w.keyBody(other.spki, { value: 10 })))).toBe('ok');
      const newer = w.certify(
        w.keyBody(other.spki, { issued: NOW - 10, withdrawUntil: NOW + 7200 }),
      );
      expect(add(newer)).toBe('untrusted-cert'); // same key id, another signature
      expect(w.trust.withdrawalKey('cs1', 5, NOW)?.keyId).toBe(w.key.body.keyId);
      expect(w.trust.withdrawalKey('cs1', 5, NOW + 3600)).toBeUndefined();
      expect(splitBlindable(w.trust, 'cs1', [5, 10, 20, 5], NOW)).toEqual({
        blind: [5, 10, 5],
        plain: [20],
      });
    });
  });
}

describe('schemas', () => {
  const w = world(nodeProvider);
  const [coin] = w.withdraw([5]);

  it('decode a coin by its scheme', () => {
    const decoded = decode(AnyCoin, coin);
    expect(decoded.ok && decoded.value.body.scheme).toBe('blind-rsa');
    expect(
      codeOf(decode(AnyCoin, { ...coin, body: { ...coin!.body, scheme: 'chaum-1982' } })),
    ).toBe('malformed');
    expect(codeOf(decode(AnyCoin, { ...coin, body: { ...coin!.body, lock: {} } }))).toBe(
      'malformed',
    );
    expect(codeOf(decode(AnyCoin, { ...coin, sig: toB64u(new Uint8Array(64)) }))).toBe('malformed');
  });

  it('take blinded outputs in want, alone or with values, 1–64 in all', () => {
    const base = {
      requestId: toB64u(new Uint8Array(16)),
      op: 'exchange',
      instruments: [{ kind: 'coin', coin }],
      replyKey: toB64u(new Uint8Array(32)),
    };
    const blinded = { keyId: w.key.body.keyId, msg: toB64u(new Uint8Array(256).fill(1)) };
    expect(
      codeOf(decode(ExchangeRequest, { ...base, want: { values: [], blinded: [blinded] } })),
    ).toBe('ok');
    expect(
      codeOf(decode(ExchangeRequest, { ...base, want: { values: [1], blinded: [blinded] } })),
    ).toBe('ok');
    expect(codeOf(decode(ExchangeRequest, { ...base, want: { values: [] } }))).toBe('malformed');
    expect(codeOf(decode(ExchangeRequest, { ...base, want: { values: [1], blinded: [] } }))).toBe(
      'malformed',
    );
    const many = { values: Array(40).fill(1), blinded: Array(25).fill(blinded) };
    expect(codeOf(decode(ExchangeRequest, { ...base, want: many }))).toBe('malformed');
    const short = { keyId: blinded.keyId, msg: toB64u(new Uint8Array(128)) };
    expect(
      codeOf(decode(ExchangeRequest, { ...base, want: { values: [], blinded: [short] } })),
    ).toBe('malformed');
  });
});
