/**
 * Strict Ed25519 in both providers, and identical answers on hostile points (issue #11): small-
 * order and non-canonical public keys and R values, S at or past the group order, under which
 * a lenient verifier — noble's default ZIP-215 mode — accepts signatures nobody made.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleProvider as noble } from './noble-provider.ts';
import { nodeProvider as node } from './node-provider.ts';
import { ED25519_SMALL_ORDER_KEYS, isWeakEd25519Key } from './weak-keys.ts';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
/** y ≥ p encodings (non-canonical): y = p, p + 1 (the identity again), p + 18, with the sign bit. */
const NON_CANONICAL = [
  `ed${'ff'.repeat(30)}7f`,
  `ee${'ff'.repeat(30)}7f`,
  `ff${'ff'.repeat(30)}7f`,
  `ee${'ff'.repeat(30)}ff`,
];
/** The group order L, little-endian, and L + 1: S values a strict verifier refuses. */
const L = 'edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010';
const L_PLUS_1 = 'eed3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010';

const honest = node.ed25519.keygen(new Uint8Array(32).fill(9));
const message = new TextEncoder().encode('NetCash-v1/check\n{}');
const honestSig = node.ed25519.sign(honest.secretKey, message);

/** Signatures made of the hostile parts: R from `rs`, S from `ss`. */
function hostileSignatures(): Uint8Array[] {
  const rs = [
    ...ED25519_SMALL_ORDER_KEYS,
    ...NON_CANONICAL,
    Buffer.from(honestSig.subarray(0, 32)).toString('hex'),
  ];
  const ss = ['00'.repeat(32), L, L_PLUS_1, Buffer.from(honestSig.subarray(32)).toString('hex')];
  return rs.flatMap((r) => ss.map((s) => hex(r + s)));
}

describe('Ed25519 verification is strict and identical in both providers', () => {
  it("noble's default verify accepts R = identity, S = 0 under the all-zero key; ours refuse", () => {
    const zeroKey = new Uint8Array(32);
    const identity = hex(`01${'00'.repeat(63)}`);
    expect(ed25519.verify(identity, message, zeroKey)).toBe(true); // the hazard
    expect(noble.ed25519.verify(zeroKey, message, identity)).toBe(false);
    expect(node.ed25519.verify(zeroKey, message, identity)).toBe(false);
  });

  it('both refuse every small-order or non-canonical key with every hostile signature', () => {
    const keys = [...ED25519_SMALL_ORDER_KEYS, ...NON_CANONICAL].map(hex);
    for (const key of keys) {
      expect(isWeakEd25519Key(key)).toBe(true);
      for (const sig of hostileSignatures()) {
        expect([
          noble.ed25519.verify(key, message, sig),
          node.ed25519.verify(key, message, sig),
        ]).toEqual([false, false]);
      }
    }
  });

  it('under an honest key, both refuse small-order or non-canonical R and S ≥ L alike', () => {
    expect(isWeakEd25519Key(honest.publicKey)).toBe(false);
    expect(noble.ed25519.verify(honest.publicKey, message, honestSig)).toBe(true);
    expect(node.ed25519.verify(honest.publicKey, message, honestSig)).toBe(true);
    for (const sig of hostileSignatures()) {
      const same = sig.every((b, i) => b === honestSig[i]);
      const expected = same;
      expect([
        noble.ed25519.verify(honest.publicKey, message, sig),
        node.ed25519.verify(honest.publicKey, message, sig),
      ]).toEqual([expected, expected]);
    }
  });

  it('give the same answer for any key and signature bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.constantFrom(...[...ED25519_SMALL_ORDER_KEYS, ...NON_CANONICAL].map(hex)),
        ),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (key, sig) => {
          expect(noble.ed25519.verify(key, message, sig)).toBe(
            node.ed25519.verify(key, message, sig),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
