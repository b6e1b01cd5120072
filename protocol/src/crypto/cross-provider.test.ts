/**
 * The two providers against each other (SPEC §2: "must produce identical bytes"): random keys and
 * messages give the same public keys, signatures, shared secrets and ciphertexts; whatever one
 * seals the other opens; tampering fails on both; garbage never makes verify/open throw.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hpkeOpen, hpkeSeal } from './hpke.ts';
import { nobleProvider as noble } from './noble-provider.ts';
import { nodeProvider as node } from './node-provider.ts';
import { CryptoError, type CryptoProvider } from './provider.ts';

const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });
const key32 = bytes(32, 32);
/** Mostly garbage of any length, sometimes exactly the expected length. */
const garbage = (length: number) => fc.oneof(bytes(length, length), bytes(0, length + 8));

function flip(data: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(data);
  out[index % out.length]! ^= 1 << (index % 8);
  return out;
}

/** Runs `f`, mapping a CryptoError to the string 'CryptoError' so outcomes can be compared. */
function outcome(f: () => Uint8Array): Uint8Array | 'CryptoError' {
  try {
    return f();
  } catch (error) {
    if (error instanceof CryptoError) return 'CryptoError';
    throw error;
  }
}

describe('Ed25519: noble and node agree', () => {
  it('same public key and signature; each verifies the other; a flipped bit fails on both', () => {
    fc.assert(
      fc.property(key32, bytes(0, 300), fc.nat(), (seed, message, at) => {
        const pub = noble.ed25519.publicKey(seed);
        expect(node.ed25519.publicKey(seed)).toEqual(pub);
        const sigNoble = noble.ed25519.sign(seed, message);
        const sigNode = node.ed25519.sign(seed, message);
        expect(sigNode).toEqual(sigNoble);
        expect(node.ed25519.verify(pub, message, sigNoble)).toBe(true);
        expect(noble.ed25519.verify(pub, message, sigNode)).toBe(true);
        const bad = flip(sigNode, at);
        expect(node.ed25519.verify(pub, message, bad)).toBe(false);
        expect(noble.ed25519.verify(pub, message, bad)).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('verify never throws on garbage and both give the same answer', () => {
    fc.assert(
      fc.property(garbage(32), bytes(0, 64), garbage(64), (pub, message, sig) => {
        const a = noble.ed25519.verify(pub, message, sig);
        const b = node.ed25519.verify(pub, message, sig);
        expect(a).toBe(b);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('X25519: noble and node agree', () => {
  it('same public keys and shared secrets, in both directions', () => {
    fc.assert(
      fc.property(key32, key32, (a, b) => {
        const pubA = noble.x25519.publicKey(a);
        const pubB = node.x25519.publicKey(b);
        expect(node.x25519.publicKey(a)).toEqual(pubA);
        expect(noble.x25519.publicKey(b)).toEqual(pubB);
        const secret = noble.x25519.sharedSecret(a, pubB);
        expect(node.x25519.sharedSecret(a, pubB)).toEqual(secret);
        expect(node.x25519.sharedSecret(b, pubA)).toEqual(secret);
      }),
      { numRuns: 300 },
    );
  });

  it('any 32-byte u (top bit, non-canonical, small order): same output or both CryptoError', () => {
    const u = fc.oneof(
      key32,
      fc.constantFrom(0, 1, 0xff).map((fill) => new Uint8Array(32).fill(fill)),
    );
    fc.assert(
      fc.property(key32, u, (secretKey, publicKey) => {
        const a = outcome(() => noble.x25519.sharedSecret(secretKey, publicKey));
        const b = outcome(() => node.x25519.sharedSecret(secretKey, publicKey));
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ChaCha20-Poly1305: noble and node agree', () => {
  it('identical ciphertexts; cross-open; a flipped bit or other aad fails on both', () => {
    fc.assert(
      fc.property(
        key32,
        bytes(12, 12),
        bytes(0, 1100),
        bytes(0, 40),
        fc.nat(),
        (k, n, pt, aad, at) => {
          const ct = noble.chacha20poly1305.seal(k, n, pt, aad);
          expect(node.chacha20poly1305.seal(k, n, pt, aad)).toEqual(ct);
          expect(node.chacha20poly1305.open(k, n, ct, aad)).toEqual(pt);
          expect(noble.chacha20poly1305.open(k, n, ct, aad)).toEqual(pt);
          const bad = flip(ct, at);
          expect(node.chacha20poly1305.open(k, n, bad, aad)).toBeNull();
          expect(noble.chacha20poly1305.open(k, n, bad, aad)).toBeNull();
          const otherAad = Uint8Array.of(...aad, 0);
          expect(node.chacha20poly1305.open(k, n, ct, otherAad)).toBeNull();
          expect(noble.chacha20poly1305.open(k, n, ct, otherAad)).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('open never throws on garbage of any length; null on both', () => {
    fc.assert(
      fc.property(garbage(32), garbage(12), bytes(0, 80), bytes(0, 20), (k, n, ct, aad) => {
        expect(noble.chacha20poly1305.open(k, n, ct, aad)).toBeNull();
        expect(node.chacha20poly1305.open(k, n, ct, aad)).toBeNull();
      }),
      { numRuns: 600 },
    );
  });
});

describe('SHA-256 and HMAC: noble and node agree', () => {
  it('identical digests and MACs for any key and data', () => {
    fc.assert(
      fc.property(bytes(0, 200), bytes(0, 2000), (key, data) => {
        expect(node.sha256(data)).toEqual(noble.sha256(data));
        expect(node.hmacSha256(key, data)).toEqual(noble.hmacSha256(key, data));
      }),
      { numRuns: 500 },
    );
  });
});

describe('HPKE across providers', () => {
  const directions: [string, CryptoProvider, CryptoProvider][] = [
    ['noble seals, node opens', noble, node],
    ['node seals, noble opens', node, noble],
  ];
  for (const [name, sender, recipient] of directions) {
    it(`${name}; a flipped byte in enc, ct, aad or info gives null`, () => {
      fc.assert(
        fc.property(
          key32,
          bytes(0, 40),
          bytes(0, 40),
          bytes(0, 1100),
          fc.nat(),
          (skR, info, aad, pt, at) => {
            const pkR = recipient.x25519.publicKey(skR);
            const { enc, ct } = hpkeSeal(sender, pkR, info, aad, pt);
            expect(hpkeOpen(recipient, skR, enc, info, aad, ct)).toEqual(pt);
            const open = (e: Uint8Array, i: Uint8Array, a: Uint8Array, c: Uint8Array) =>
              hpkeOpen(recipient, skR, e, i, a, c);
            expect(open(flip(enc, at), info, aad, ct)).toBeNull();
            expect(open(enc, info, aad, flip(ct, at))).toBeNull();
            expect(open(enc, info, Uint8Array.of(...aad, at & 0xff), ct)).toBeNull();
            expect(
              open(enc, info.length > 0 ? flip(info, at) : Uint8Array.of(0), aad, ct),
            ).toBeNull();
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  it('hpkeOpen never throws on garbage enc and ct (both providers)', () => {
    const skR = noble.x25519.keygen().secretKey;
    fc.assert(
      fc.property(garbage(32), bytes(0, 60), (enc, ct) => {
        const info = new Uint8Array(1);
        expect(hpkeOpen(noble, skR, enc, info, info, ct)).toBeNull();
        expect(hpkeOpen(node, skR, enc, info, info, ct)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});
