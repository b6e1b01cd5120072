/**
 * Both providers against the RFCs' own vectors (protocol/test-vectors/rfc/), and against the
 * refusals the interface promises: verify never throws, small-order X25519 keys throw CryptoError,
 * AEAD open returns null.
 */
import { describe, expect, it } from 'vitest';
import chacha from '../../test-vectors/rfc/chacha20poly1305-rfc8439.json';
import ed from '../../test-vectors/rfc/ed25519-rfc8032.json';
import hashes from '../../test-vectors/rfc/sha256-hmac.json';
import x from '../../test-vectors/rfc/x25519-rfc7748.json';
import { nobleProvider } from './noble-provider.ts';
import { nodeProvider } from './node-provider.ts';
import { CryptoError, type CryptoProvider } from './provider.ts';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Encodings of the small-order Ed25519 points; the identity also makes a "valid" R=0, S=0. */
const SMALL_ORDER_ED25519 = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];
/** X25519 u-coordinates of small order (RFC 7748 §6.1 zero check): 0, 1, and p (= 0 mod p). */
const SMALL_ORDER_X25519 = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
];

describe.each([nobleProvider, nodeProvider])('$name provider', (p: CryptoProvider) => {
  describe('Ed25519, RFC 8032 §7.1', () => {
    for (const v of ed.vectors) {
      it(`${v.name}: seed → public key, signature, verification`, () => {
        const keys = p.ed25519.keygen(hex(v.secretKey));
        expect(toHex(keys.publicKey)).toBe(v.publicKey);
        expect(toHex(p.ed25519.publicKey(hex(v.secretKey)))).toBe(v.publicKey);
        expect(toHex(p.ed25519.sign(hex(v.secretKey), hex(v.message)))).toBe(v.signature);
        expect(p.ed25519.verify(hex(v.publicKey), hex(v.message), hex(v.signature))).toBe(true);
      });
    }

    it('refuses a changed message, signature or key', () => {
      const v = ed.vectors[2]!;
      const message = hex(v.message);
      message[0]! ^= 1;
      expect(p.ed25519.verify(hex(v.publicKey), message, hex(v.signature))).toBe(false);
      const signature = hex(v.signature);
      signature[40]! ^= 0x10;
      expect(p.ed25519.verify(hex(v.publicKey), hex(v.message), signature)).toBe(false);
      const other = ed.vectors[1]!.publicKey;
      expect(p.ed25519.verify(hex(other), hex(v.message), hex(v.signature))).toBe(false);
    });

    it('refuses S ≥ L (RFC 8032 §5.1.7) instead of reducing it', () => {
      const v = ed.vectors[0]!;
      const signature = hex(v.signature);
      // S + L, little-endian; L = 2^252 + 27742317777372353535851937790883648493.
      let carry = 0n;
      let l = (1n << 252n) + 27742317777372353535851937790883648493n;
      for (let i = 32; i < 64; i++) {
        const sum = BigInt(signature[i]!) + (l & 0xffn) + carry;
        signature[i] = Number(sum & 0xffn);
        carry = sum >> 8n;
        l >>= 8n;
      }
      expect(p.ed25519.verify(hex(v.publicKey), hex(v.message), signature)).toBe(false);
    });

    it('refuses small-order public keys, even with the identity "signature" R = 0, S = 0', () => {
      const identitySignature = new Uint8Array(64);
      identitySignature[0] = 1; // R = encoding of the identity (0, 1), S = 0
      for (const key of SMALL_ORDER_ED25519) {
        expect(p.ed25519.verify(hex(key), new Uint8Array([1, 2, 3]), identitySignature)).toBe(
          false,
        );
      }
    });

    it('returns false, never throws, for wrong lengths', () => {
      const v = ed.vectors[0]!;
      const key = hex(v.publicKey);
      const sig = hex(v.signature);
      expect(p.ed25519.verify(key.subarray(1), new Uint8Array(), sig)).toBe(false);
      expect(p.ed25519.verify(key, new Uint8Array(), sig.subarray(1))).toBe(false);
      expect(p.ed25519.verify(new Uint8Array(0), new Uint8Array(), new Uint8Array(0))).toBe(false);
    });

    it('throws CryptoError for a secret key that is not 32 bytes', () => {
      expect(() => p.ed25519.sign(new Uint8Array(31), new Uint8Array())).toThrow(CryptoError);
      expect(() => p.ed25519.publicKey(new Uint8Array(33))).toThrow(CryptoError);
    });

    it('keygen without a seed gives a fresh working pair', () => {
      const a = p.ed25519.keygen();
      const b = p.ed25519.keygen();
      expect(a.secretKey.length).toBe(32);
      expect(toHex(a.secretKey)).not.toBe(toHex(b.secretKey));
      expect(toHex(p.ed25519.publicKey(a.secretKey))).toBe(toHex(a.publicKey));
      const message = new Uint8Array([7]);
      expect(p.ed25519.verify(a.publicKey, message, p.ed25519.sign(a.secretKey, message))).toBe(
        true,
      );
    });
  });

  describe('X25519, RFC 7748', () => {
    it('§5.2 scalar multiplication vectors (the second has the top bit of u set)', () => {
      for (const v of x.scalarMult) {
        expect(toHex(p.x25519.sharedSecret(hex(v.scalar), hex(v.u)))).toBe(v.output);
      }
    });

    it('§5.2 iterated vector after 1 and 1,000 iterations (1,000,000 not run)', () => {
      let k = hex(x.iterated.start);
      let u = hex(x.iterated.start);
      for (let i = 1; i <= 1000; i++) {
        const next = p.x25519.sharedSecret(k, u);
        u = k;
        k = next;
        if (i === 1) expect(toHex(k)).toBe(x.iterated.after1);
      }
      expect(toHex(k)).toBe(x.iterated.after1000);
    });

    it('§6.1 Alice and Bob derive the same secret', () => {
      const v = x.diffieHellman;
      expect(toHex(p.x25519.publicKey(hex(v.aliceSecretKey)))).toBe(v.alicePublicKey);
      expect(toHex(p.x25519.keygen(hex(v.bobSecretKey)).publicKey)).toBe(v.bobPublicKey);
      expect(toHex(p.x25519.sharedSecret(hex(v.aliceSecretKey), hex(v.bobPublicKey)))).toBe(
        v.sharedSecret,
      );
      expect(toHex(p.x25519.sharedSecret(hex(v.bobSecretKey), hex(v.alicePublicKey)))).toBe(
        v.sharedSecret,
      );
    });

    it('throws CryptoError when the result would be all zeros (small-order u)', () => {
      const secretKey = hex(x.diffieHellman.aliceSecretKey);
      for (const u of SMALL_ORDER_X25519) {
        expect(() => p.x25519.sharedSecret(secretKey, hex(u))).toThrow(CryptoError);
      }
    });

    it('throws CryptoError for keys that are not 32 bytes', () => {
      const secretKey = hex(x.diffieHellman.aliceSecretKey);
      const publicKey = hex(x.diffieHellman.bobPublicKey);
      expect(() => p.x25519.sharedSecret(secretKey.subarray(1), publicKey)).toThrow(CryptoError);
      expect(() => p.x25519.sharedSecret(secretKey, publicKey.subarray(1))).toThrow(CryptoError);
    });
  });

  describe('ChaCha20-Poly1305, RFC 8439 §2.8.2', () => {
    const key = hex(chacha.key);
    const nonce = hex(chacha.nonce);
    const aad = hex(chacha.aad);
    const sealed = hex(chacha.ciphertext + chacha.tag);

    it('seals to the RFC ciphertext and tag', () => {
      expect(toHex(p.chacha20poly1305.seal(key, nonce, hex(chacha.plaintext), aad))).toBe(
        chacha.ciphertext + chacha.tag,
      );
    });

    it('opens the RFC ciphertext', () => {
      expect(toHex(p.chacha20poly1305.open(key, nonce, sealed, aad) ?? new Uint8Array())).toBe(
        chacha.plaintext,
      );
    });

    it('returns null for a flipped bit in ciphertext, tag or aad, or malformed input', () => {
      for (const index of [0, sealed.length - 1]) {
        const bad = Uint8Array.from(sealed);
        bad[index]! ^= 1;
        expect(p.chacha20poly1305.open(key, nonce, bad, aad)).toBeNull();
      }
      expect(p.chacha20poly1305.open(key, nonce, sealed, aad.subarray(1))).toBeNull();
      expect(p.chacha20poly1305.open(key, nonce, sealed.subarray(0, 15), aad)).toBeNull();
      expect(p.chacha20poly1305.open(key, nonce.subarray(1), sealed, aad)).toBeNull();
      expect(p.chacha20poly1305.open(key.subarray(1), nonce, sealed, aad)).toBeNull();
    });

    it('handles the empty plaintext', () => {
      const ct = p.chacha20poly1305.seal(key, nonce, new Uint8Array(), new Uint8Array());
      expect(ct.length).toBe(16);
      expect(p.chacha20poly1305.open(key, nonce, ct, new Uint8Array())).toEqual(new Uint8Array());
    });

    it('throws CryptoError when sealing with a bad key or nonce length', () => {
      const pt = new Uint8Array(3);
      expect(() => p.chacha20poly1305.seal(key.subarray(1), nonce, pt, aad)).toThrow(CryptoError);
      expect(() => p.chacha20poly1305.seal(key, nonce.subarray(1), pt, aad)).toThrow(CryptoError);
    });
  });

  describe('hashes', () => {
    for (const v of hashes.hmacSha256) {
      it(`HMAC-SHA256 ${v.name}`, () => {
        expect(toHex(p.hmacSha256(hex(v.key), hex(v.data)))).toBe(v.mac);
      });
    }
    for (const v of hashes.sha256) {
      it(`SHA-256 of "${v.name}"`, () => {
        expect(toHex(p.sha256(hex(v.data)))).toBe(v.digest);
      });
    }
  });

  it('returns plain Uint8Arrays, not Buffers', () => {
    const outputs = [
      p.sha256(new Uint8Array()),
      p.hmacSha256(new Uint8Array(), new Uint8Array()),
      p.randomBytes(8),
      p.ed25519.sign(new Uint8Array(32), new Uint8Array()),
    ];
    for (const out of outputs) expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
  });

  it('randomBytes gives the asked length, also beyond the 64 KiB getRandomValues limit', () => {
    expect(p.randomBytes(0).length).toBe(0);
    const big = p.randomBytes(70_000);
    expect(big.length).toBe(70_000);
    expect(big.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });

  it('randomBytes never hands out the same bytes twice, across pool refills and sizes', () => {
    // 2,000 draws of 16/32/65 bytes cross the node provider's 4 KiB pool several times.
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const length = [16, 32, 65][i % 3]!;
      const bytes = p.randomBytes(length);
      expect(bytes.length).toBe(length);
      const text = toHex(bytes);
      expect(seen.has(text)).toBe(false);
      seen.add(text);
    }
    // Handed-out values are copies: changing one does not change the next.
    const a = p.randomBytes(16);
    a.fill(0);
    expect(p.randomBytes(16).some((b) => b !== 0)).toBe(true);
  });
});
