/**
 * HPKE, RFC 9180, base mode, for exactly one suite: DHKEM(X25519, HKDF-SHA256) 0x0020,
 * HKDF-SHA256 0x0001, ChaCha20-Poly1305 0x0003. This is `{M}K_X` of SPEC §2.
 *
 *   sender:    (shared_secret, enc) = Encap(pkR)             §4.1
 *              key, base_nonce, exporter_secret = KeySchedule(shared_secret, info)   §5.1
 *              ct = Seal(key, base_nonce XOR seq, aad, pt)   §5.2
 *   recipient: shared_secret = Decap(enc, skR), same schedule, Open.
 *
 * Written once against `CryptoProvider`, so the noble and node providers share every line and
 * can only differ in speed. Implemented here rather than taken from npm: the HPKE packages there
 * are async (WebCrypto) and bring their own primitives, while this needs ~150 lines over the
 * provider's X25519, HMAC and AEAD and is checked against the RFC's Appendix A.2 vectors.
 *
 * PSK and Auth modes are left out: NC1 does not use them.
 */
import { concatBytes, utf8 } from '../encoding/utf8.ts';
import { CryptoError, type CryptoProvider, type KeyPair } from './provider.ts';

/** What the sender transmits: the encapsulated key and the ciphertext. */
export interface HpkeSealed {
  /** The ephemeral public key pkE (32 bytes). */
  readonly enc: Uint8Array;
  /** AEAD ciphertext with its 16-byte tag. */
  readonly ct: Uint8Array;
}

/** The secrets a context is built from (RFC 9180 §5.1), with the intermediates of the vectors. */
export interface KeyScheduleValues {
  readonly keyScheduleContext: Uint8Array;
  readonly secret: Uint8Array;
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array;
}

/** Sender context (§5.2): seals messages in order, each under the next sequence number. */
export interface SenderContext {
  /** Sequence number of the next message. */
  readonly seq: number;
  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Secret export (§5.3): `length` bytes bound to this context and `exporterContext`. */
  export(exporterContext: Uint8Array, length: number): Uint8Array;
}

/** Recipient context (§5.2): opens messages in order; a failed open does not advance `seq`. */
export interface RecipientContext {
  readonly seq: number;
  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
  export(exporterContext: Uint8Array, length: number): Uint8Array;
}

const MODE_BASE = 0x00;
const N_SECRET = 32; // Nsecret of DHKEM(X25519, HKDF-SHA256)
const N_ENC = 32; // Nenc = Npk
const N_K = 32; // ChaCha20-Poly1305 key
const N_N = 12; // ChaCha20-Poly1305 nonce
const N_H = 32; // HKDF-SHA256 output

const HPKE_V1 = utf8('HPKE-v1');
/** suite_id of the KEM (§4.1) and of the whole HPKE suite (§5.1). */
const KEM_SUITE_ID = concatBytes(utf8('KEM'), new Uint8Array([0x00, 0x20]));
const HPKE_SUITE_ID = concatBytes(
  utf8('HPKE'),
  new Uint8Array([0x00, 0x20, 0x00, 0x01, 0x00, 0x03]),
);
const EMPTY = new Uint8Array(0);

const LABEL = {
  eaePrk: utf8('eae_prk'),
  sharedSecret: utf8('shared_secret'),
  pskIdHash: utf8('psk_id_hash'),
  infoHash: utf8('info_hash'),
  secret: utf8('secret'),
  key: utf8('key'),
  baseNonce: utf8('base_nonce'),
  exp: utf8('exp'),
  sec: utf8('sec'),
};

// ---- HKDF (RFC 5869) and the labeled versions (RFC 9180 §4) ----------------------------------

function extract(p: CryptoProvider, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  // An empty salt is HMAC with an empty key, which HMAC pads to the same block as HashLen zeros.
  return p.hmacSha256(salt, ikm);
}

function expand(p: CryptoProvider, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * N_H) throw new CryptoError('HKDF-Expand length too large');
  const out = new Uint8Array(length);
  let block: Uint8Array = EMPTY;
  for (let i = 1, offset = 0; offset < length; i++, offset += N_H) {
    block = p.hmacSha256(prk, concatBytes(block, info, new Uint8Array([i])));
    out.set(block.subarray(0, Math.min(N_H, length - offset)), offset);
  }
  return out;
}

function i2osp2(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

function labeledExtract(
  p: CryptoProvider,
  suiteId: Uint8Array,
  salt: Uint8Array,
  label: Uint8Array,
  ikm: Uint8Array,
): Uint8Array {
  return extract(p, salt, concatBytes(HPKE_V1, suiteId, label, ikm));
}

function labeledExpand(
  p: CryptoProvider,
  suiteId: Uint8Array,
  prk: Uint8Array,
  label: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) {
    throw new CryptoError('bad HPKE output length');
  }
  const labeledInfo = concatBytes(i2osp2(length), HPKE_V1, suiteId, label, info);
  return expand(p, prk, labeledInfo, length);
}

// ---- DHKEM(X25519, HKDF-SHA256), §4.1 ---------------------------------------------------------

function extractAndExpand(p: CryptoProvider, dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const eaePrk = labeledExtract(p, KEM_SUITE_ID, EMPTY, LABEL.eaePrk, dh);
  return labeledExpand(p, KEM_SUITE_ID, eaePrk, LABEL.sharedSecret, kemContext, N_SECRET);
}

/** Encap(pkR). `ephemeral` fixes skE/pkE (a matching pair) for the RFC vectors; else fresh. */
export function encap(
  p: CryptoProvider,
  recipientPublicKey: Uint8Array,
  ephemeral?: KeyPair,
): { sharedSecret: Uint8Array; enc: Uint8Array } {
  if (recipientPublicKey?.length !== N_ENC)
    throw new CryptoError('HPKE public key must be 32 bytes');
  const { secretKey, publicKey: enc } = ephemeral ?? p.x25519.keygen();
  const dh = p.x25519.sharedSecret(secretKey, recipientPublicKey); // throws on all-zero (§7.1.4)
  const sharedSecret = extractAndExpand(p, dh, concatBytes(enc, recipientPublicKey));
  return { sharedSecret, enc: Uint8Array.from(enc) };
}

/** Decap(enc, skR). Throws `CryptoError` for a malformed or small-order `enc`. */
export function decap(
  p: CryptoProvider,
  enc: Uint8Array,
  recipientSecretKey: Uint8Array,
): Uint8Array {
  if (enc?.length !== N_ENC) throw new CryptoError('HPKE enc must be 32 bytes');
  const dh = p.x25519.sharedSecret(recipientSecretKey, enc);
  const recipientPublicKey = p.x25519.publicKey(recipientSecretKey);
  return extractAndExpand(p, dh, concatBytes(enc, recipientPublicKey));
}

// ---- Key schedule and contexts, §5 ------------------------------------------------------------

/** KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "") of §5.1. */
export function keySchedule(
  p: CryptoProvider,
  sharedSecret: Uint8Array,
  info: Uint8Array,
): KeyScheduleValues {
  const pskIdHash = labeledExtract(p, HPKE_SUITE_ID, EMPTY, LABEL.pskIdHash, EMPTY);
  const infoHash = labeledExtract(p, HPKE_SUITE_ID, EMPTY, LABEL.infoHash, info);
  const keyScheduleContext = concatBytes(new Uint8Array([MODE_BASE]), pskIdHash, infoHash);
  const secret = labeledExtract(p, HPKE_SUITE_ID, sharedSecret, LABEL.secret, EMPTY);
  const expandCtx = (label: Uint8Array, length: number) =>
    labeledExpand(p, HPKE_SUITE_ID, secret, label, keyScheduleContext, length);
  return {
    keyScheduleContext,
    secret,
    key: expandCtx(LABEL.key, N_K),
    baseNonce: expandCtx(LABEL.baseNonce, N_N),
    exporterSecret: expandCtx(LABEL.exp, N_H),
  };
}

/** The state both contexts share: key, base nonce, exporter secret and the sequence number. */
function makeContext(p: CryptoProvider, values: KeyScheduleValues) {
  const { key, baseNonce, exporterSecret } = values;
  let seq = 0;
  return {
    get seq() {
      return seq;
    },
    /** ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn). */
    nonce(): Uint8Array {
      // RFC 9180 §5.2 stops at 2^96 − 1 messages; a JS number stops much earlier, still safely.
      if (seq >= Number.MAX_SAFE_INTEGER) throw new CryptoError('HPKE message limit reached');
      const nonce = Uint8Array.from(baseNonce);
      let rest = seq;
      for (let i = N_N - 1; i >= 0 && rest > 0; i--) {
        nonce[i]! ^= rest % 256;
        rest = Math.floor(rest / 256);
      }
      return nonce;
    },
    increment() {
      seq += 1;
    },
    export(exporterContext: Uint8Array, length: number): Uint8Array {
      if (length > 255 * N_H) throw new CryptoError('HPKE export length too large');
      return labeledExpand(p, HPKE_SUITE_ID, exporterSecret, LABEL.sec, exporterContext, length);
    },
    key,
  };
}

/** SetupBaseS(pkR, info) of §5.1.1: the encapsulated key and a context to seal with. */
export function setupBaseS(
  p: CryptoProvider,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  ephemeral?: KeyPair,
): { enc: Uint8Array; context: SenderContext } {
  const { sharedSecret, enc } = encap(p, recipientPublicKey, ephemeral);
  const state = makeContext(p, keySchedule(p, sharedSecret, info));
  const context: SenderContext = {
    get seq() {
      return state.seq;
    },
    seal(aad, plaintext) {
      const ct = p.chacha20poly1305.seal(state.key, state.nonce(), plaintext, aad);
      state.increment();
      return ct;
    },
    export: state.export,
  };
  return { enc, context };
}

/** SetupBaseR(enc, skR, info) of §5.1.1. Throws `CryptoError` for a bad `enc`. */
export function setupBaseR(
  p: CryptoProvider,
  enc: Uint8Array,
  recipientSecretKey: Uint8Array,
  info: Uint8Array,
): RecipientContext {
  const sharedSecret = decap(p, enc, recipientSecretKey);
  const state = makeContext(p, keySchedule(p, sharedSecret, info));
  return {
    get seq() {
      return state.seq;
    },
    open(aad, ciphertext) {
      const pt = p.chacha20poly1305.open(state.key, state.nonce(), ciphertext, aad);
      if (pt !== null) state.increment();
      return pt;
    },
    export: state.export,
  };
}

// ---- Single-shot API, §6.1 --------------------------------------------------------------------

/** Seal(pkR, info, aad, pt): one message under sequence number 0. Throws `CryptoError` for a bad
 * recipient key (wrong length, small order). */
export function hpkeSeal(
  p: CryptoProvider,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  ephemeral?: KeyPair,
): HpkeSealed {
  const { enc, context } = setupBaseS(p, recipientPublicKey, info, ephemeral);
  return { enc, ct: context.seal(aad, plaintext) };
}

/** Open(enc, skR, info, aad, ct): the plaintext, or null on any failure. Never throws on hostile
 * input (a wrong secret-key length is a programming error and does throw). */
export function hpkeOpen(
  p: CryptoProvider,
  recipientSecretKey: Uint8Array,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
): Uint8Array | null {
  if (recipientSecretKey?.length !== 32) throw new CryptoError('HPKE secret key must be 32 bytes');
  if (!(enc instanceof Uint8Array) || !(ct instanceof Uint8Array)) return null;
  try {
    return setupBaseR(p, enc, recipientSecretKey, info).open(aad, ct);
  } catch (error) {
    if (error instanceof CryptoError) return null;
    throw error;
  }
}
