/**
 * The NC1 crypto provider on `node:crypto` (OpenSSL), for servers (SPEC §2): 15–30× faster than
 * the pure-JS provider for Ed25519 and X25519, and byte-for-byte identical to it.
 *
 * OpenSSL works on `KeyObject`s, and turning 32 raw bytes into one is the dominant cost if done
 * per call. So keys are imported as JWK (the fastest import path in Node 20: a few µs, where the
 * PKCS#8/SPKI DER path takes ~70–360 µs) and kept in small LRU caches keyed by their bytes. A
 * currency server signs with one key and verifies against a handful, so the caches hit almost
 * always; ephemeral keys just pass through.
 *
 * Behaviour matched to the noble provider:
 * - Ed25519 verify refuses non-canonical public keys (y ≥ p) and the small-order ones before
 *   OpenSSL sees them, as noble's strict mode does; OpenSSL already refuses S ≥ L and
 *   non-canonical R. Never throws.
 * - X25519: OpenSSL fails the derivation when the result is all zeros (RFC 7748 §6.1, required by
 *   RFC 9180 §7.1.4); that becomes a `CryptoError`.
 * - ChaCha20-Poly1305 `open` returns null for anything that does not authenticate.
 *
 * Note: the caches hold secret-key KeyObjects (and their base64url text) for the life of the
 * process. That is the price of the speed; a server holds those keys in memory anyway.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
  randomFillSync,
  sign,
  verify,
} from 'node:crypto';
import { CryptoError, type CryptoProvider, type KeyPair } from './provider.ts';
import { isWeakEd25519Key } from './weak-keys.ts';

// The node-only entry also carries the blind-rsa signer (RFC 9474 BlindSign on OpenSSL).
export {
  type BlindSigningKey,
  blindSigningKey,
  generateBlindSigningKey,
  generateBlindSigningKeyAsync,
} from './rsa/rsabssa-node.ts';

const KEY_LENGTH = 32;
const SIGNATURE_LENGTH = 64;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
/** Entries per cache: far more keys than a server uses at once, small enough to stay cheap. */
const CACHE_SIZE = 512;
/**
 * Node derives the public key from `d` and ignores `x` when importing a private JWK, but insists
 * that `x` is present. If a later Node checks it, `importPrivate` falls back to PKCS#8 DER.
 */
const PLACEHOLDER_X = Buffer.alloc(KEY_LENGTH).toString('base64url');

type Curve = 'Ed25519' | 'X25519';

/**
 * Small random values (serials, request ids, nonces, ephemeral keys) come from a pool filled
 * 4 KiB at a time: one `randomFillSync` of 16–32 bytes costs 5–7 µs here, and a busy currency
 * server asks for several per exchange (bench:exchange profile: 6–9% of the server's CPU). The
 * bytes are OpenSSL's CSPRNG output all the same; each is handed out once and zeroed in the pool.
 */
const POOL_SIZE = 4096;
const POOLED_MAX = 64;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

function pooledRandom(length: number): Uint8Array {
  if (length > POOLED_MAX) return randomFillSync(new Uint8Array(length));
  if (poolOffset + length > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.slice(poolOffset, poolOffset + length);
  pool.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return out;
}

/** PKCS#8 prefixes for raw 32-byte keys (RFC 8410 §7), used only if the JWK import fails. */
const PKCS8_PREFIX: Record<Curve, Buffer> = {
  Ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
  X25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
};

/** A private KeyObject with the raw public key that goes with it. */
interface PrivateEntry {
  readonly key: KeyObject;
  readonly publicKey: Uint8Array;
}

/** Least-recently-used map: a JS Map iterates in insertion order, so re-inserting on a hit
 * keeps the oldest entry first. */
class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(id: string): V | undefined {
    const value = this.map.get(id);
    if (value !== undefined) {
      this.map.delete(id);
      this.map.set(id, value);
    }
    return value;
  }

  set(id: string, value: V): void {
    this.map.set(id, value);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }
}

const caches = {
  Ed25519: {
    priv: new LruCache<PrivateEntry>(CACHE_SIZE),
    pub: new LruCache<KeyObject>(CACHE_SIZE),
  },
  X25519: {
    priv: new LruCache<PrivateEntry>(CACHE_SIZE),
    pub: new LruCache<KeyObject>(CACHE_SIZE),
  },
};

function requireLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new CryptoError(`${what} must be ${length} bytes`);
  }
}

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** A plain Uint8Array copy: callers must never get a Buffer (its `slice` shares memory). */
function plain(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer);
}

function rawPublic(key: KeyObject): Uint8Array {
  const x = createPublicKey(key).export({ format: 'jwk' }).x;
  if (x === undefined) throw new CryptoError('no public key');
  return plain(Buffer.from(x, 'base64url'));
}

function importPrivate(crv: Curve, secretKey: Uint8Array): PrivateEntry {
  requireLength(secretKey, KEY_LENGTH, `${crv} secret key`);
  const d = b64u(secretKey);
  const cached = caches[crv].priv.get(d);
  if (cached !== undefined) return cached;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: { kty: 'OKP', crv, d, x: PLACEHOLDER_X }, format: 'jwk' });
  } catch {
    const der = Buffer.concat([PKCS8_PREFIX[crv], secretKey]);
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  }
  const entry = { key, publicKey: rawPublic(key) };
  caches[crv].priv.set(d, entry);
  return entry;
}

function importPublic(crv: Curve, publicKey: Uint8Array): KeyObject {
  const x = b64u(publicKey);
  const cached = caches[crv].pub.get(x);
  if (cached !== undefined) return cached;
  const key = createPublicKey({ key: { kty: 'OKP', crv, x }, format: 'jwk' });
  caches[crv].pub.set(x, key);
  return key;
}

/**
 * A fresh key is 32 bytes from the CSPRNG — an Ed25519 seed (RFC 8032 §5.1.5) or an X25519
 * scalar before clamping (RFC 7748 §5) — imported like any other secret key.
 *
 * Not `generateKeyPairSync`: on Node 20, exporting a key it made as JWK can deadlock the process
 * for good (found as a hang of bench:exchange; gdb showed `ExportJWKEdKey` holding the key's
 * mutex while it allocates, the GC it triggers running `~KeyGenJob` of that key, which waits for
 * the same mutex).
 */
function keygen(crv: Curve, seed?: Uint8Array): KeyPair {
  const secretKey = seed === undefined ? pooledRandom(KEY_LENGTH) : Uint8Array.from(seed);
  const { publicKey } = importPrivate(crv, secretKey);
  // Copies out: the cached bytes must not be reachable by callers who might mutate them.
  return { secretKey, publicKey: Uint8Array.from(publicKey) };
}

export const nodeProvider: CryptoProvider = {
  name: 'node',

  randomBytes(length) {
    if (!Number.isSafeInteger(length) || length < 0) throw new CryptoError('bad random length');
    return pooledRandom(length);
  },

  sha256(data) {
    return plain(createHash('sha256').update(data).digest());
  },

  hmacSha256(key, data) {
    return plain(createHmac('sha256', key).update(data).digest());
  },

  ed25519: {
    keygen: (seed) => keygen('Ed25519', seed),
    publicKey: (secretKey) => Uint8Array.from(importPrivate('Ed25519', secretKey).publicKey),
    sign(secretKey, message) {
      return plain(sign(null, message, importPrivate('Ed25519', secretKey).key));
    },
    verify(publicKey, message, signature) {
      if (!(publicKey instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
      if (publicKey.length !== KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
      if (isWeakEd25519Key(publicKey)) return false;
      try {
        return verify(null, message, importPublic('Ed25519', publicKey), signature);
      } catch {
        return false;
      }
    },
  },

  x25519: {
    keygen: (seed) => keygen('X25519', seed),
    publicKey: (secretKey) => Uint8Array.from(importPrivate('X25519', secretKey).publicKey),
    sharedSecret(secretKey, publicKey) {
      const { key } = importPrivate('X25519', secretKey);
      requireLength(publicKey, KEY_LENGTH, 'X25519 public key');
      try {
        return plain(
          diffieHellman({ privateKey: key, publicKey: importPublic('X25519', publicKey) }),
        );
      } catch {
        // OpenSSL refuses to derive an all-zero secret (small-order public key).
        throw new CryptoError('X25519 shared secret is all zeros (small-order public key)');
      }
    },
  },

  chacha20poly1305: {
    seal(key, nonce, plaintext, aad) {
      requireLength(key, KEY_LENGTH, 'ChaCha20-Poly1305 key');
      requireLength(nonce, NONCE_LENGTH, 'ChaCha20-Poly1305 nonce');
      const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH });
      cipher.setAAD(aad, { plaintextLength: plaintext.length });
      const out = new Uint8Array(plaintext.length + TAG_LENGTH);
      out.set(cipher.update(plaintext));
      cipher.final();
      out.set(cipher.getAuthTag(), plaintext.length);
      return out;
    },
    open(key, nonce, ciphertext, aad) {
      // Every argument may come off the wire: anything malformed is just "does not open".
      if (key?.length !== KEY_LENGTH || nonce?.length !== NONCE_LENGTH) return null;
      if (!(ciphertext instanceof Uint8Array) || ciphertext.length < TAG_LENGTH) return null;
      const bodyLength = ciphertext.length - TAG_LENGTH;
      try {
        const decipher = createDecipheriv('chacha20-poly1305', key, nonce, {
          authTagLength: TAG_LENGTH,
        });
        decipher.setAuthTag(ciphertext.subarray(bodyLength));
        decipher.setAAD(aad, { plaintextLength: bodyLength });
        const out = new Uint8Array(bodyLength);
        out.set(decipher.update(ciphertext.subarray(0, bodyLength)));
        decipher.final(); // throws when the tag does not match
        return out;
      } catch {
        return null;
      }
    },
  },
};
