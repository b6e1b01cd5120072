/**
 * Sealing: the `{M}K_X` (HPKE, RFC 9180) and `{M}SK` (ChaCha20-Poly1305, RFC 8439) of the paper,
 * applied to canonical JSON. One function pair per envelope of SPEC §4–§5 so that every party
 * uses the same `info` and AAD:
 *
 *   CS request   HPKE to cert.encKey     info "NetCash-v1 cs-request"  aad certId
 *   CS reply     AEAD with replyKey      aad requestId
 *   1b           HPKE to K_AN            info "NetCash-v1 payee-keys"  aad sid
 *   1c           HPKE to payee encKey    info "NetCash-v1 payment"     aad payee encKey (b64u)
 *   2            AEAD with SK_AN1        aad requestId
 *
 * Openers return `Result`: `decrypt-failed` when the envelope does not open, `malformed` when the
 * plaintext is not the expected message.
 */

import { hpkeOpen, hpkeSeal } from './crypto/hpke.ts';
import type { CryptoProvider, KeyPair } from './crypto/provider.ts';
import { fromB64u, toB64u } from './encoding/base64url.ts';
import { canonicalBytes, isCanonicalText } from './encoding/jcs.ts';
import { fromUtf8, utf8 } from './encoding/utf8.ts';
import { fail, ok, type Result } from './errors.ts';
import { decodeCsRequest } from './schema/cs-decode.ts';
import {
  type CsReplyEnvelope,
  type CsRequest,
  type CsRequestEnvelope,
  CsResult,
} from './schema/cs-messages.ts';
import { decodeJson, parseJson, type Schema } from './schema/decode.ts';
import { PayeeKeys } from './schema/objects.ts';
import {
  type Message1b,
  type Message1c,
  type Message2,
  PaymentRequest,
  PaymentResult,
} from './schema/payment-messages.ts';
import { digest } from './signing.ts';

const INFO_CS_REQUEST = utf8('NetCash-v1 cs-request');
const INFO_PAYEE_KEYS = utf8('NetCash-v1 payee-keys');
const INFO_PAYMENT = utf8('NetCash-v1 payment');

/**
 * Fixed randomness, for test vectors only: the HPKE ephemeral key pair or the AEAD nonce. In
 * normal use both come fresh from the CSPRNG; reusing either breaks confidentiality.
 */
export interface SealOptions {
  readonly ephemeral?: KeyPair;
  readonly nonce?: Uint8Array;
}

function bytes(b64u: string): Uint8Array {
  const out = fromB64u(b64u);
  if (out === null) throw new TypeError('not base64url');
  return out;
}

function openText(plaintext: Uint8Array | null): Result<string> {
  if (plaintext === null) return fail('decrypt-failed');
  try {
    return ok(fromUtf8(plaintext));
  } catch {
    return fail('malformed', 'plaintext is not UTF-8');
  }
}

function openJson<T>(schema: Schema<T>, plaintext: Uint8Array | null): Result<T> {
  const text = openText(plaintext);
  return text.ok ? decodeJson(schema, text.value, Number.POSITIVE_INFINITY) : text;
}

// ---- symmetric ({M}SK) -----------------------------------------------------------------------

/** Seals a JSON value with a 32-byte key and a fresh random nonce. */
export function sealSymmetric(
  p: CryptoProvider,
  key: Uint8Array,
  aad: string,
  value: unknown,
  options: SealOptions = {},
): { nonce: string; ct: string } {
  const nonce = options.nonce ?? p.randomBytes(12);
  const ct = p.chacha20poly1305.seal(key, nonce, canonicalBytes(value), utf8(aad));
  return { nonce: toB64u(nonce), ct: toB64u(ct) };
}

export function openSymmetric<T>(
  p: CryptoProvider,
  schema: Schema<T>,
  key: Uint8Array,
  aad: string,
  sealed: { nonce: string; ct: string },
): Result<T> {
  const nonce = fromB64u(sealed.nonce);
  const ct = fromB64u(sealed.ct);
  if (nonce === null || ct === null || key.length !== 32) return fail('decrypt-failed');
  return openJson(schema, p.chacha20poly1305.open(key, nonce, ct, utf8(aad)));
}

// ---- currency server (figure 3) ----------------------------------------------------------------

/** Step 1: the request sealed to the certificate's encryption key. */
export function sealCsRequest(
  p: CryptoProvider,
  to: { certId: string; encKey: string },
  request: CsRequest,
  options: SealOptions = {},
): CsRequestEnvelope {
  const sealed = hpkeSeal(
    p,
    bytes(to.encKey),
    INFO_CS_REQUEST,
    utf8(to.certId),
    canonicalBytes(request),
    options.ephemeral,
  );
  return { certId: to.certId, enc: toB64u(sealed.enc), ct: toB64u(sealed.ct) };
}

/** An opened CS request and its digest, `digest(p, request)`: the hash kept with its id (§4.4). */
export interface OpenedCsRequest {
  readonly request: CsRequest;
  readonly hash: string;
}

/**
 * The CS opens step 1 with the secret key of `envelope.certId`. Wallets seal the canonical JSON
 * of a request, so its plaintext is usually hashed as it is (the same digest, without
 * canonicalizing the decoded request again).
 */
export function openCsRequest(
  p: CryptoProvider,
  encSecretKey: Uint8Array,
  envelope: CsRequestEnvelope,
): Result<OpenedCsRequest> {
  const enc = fromB64u(envelope.enc);
  const ct = fromB64u(envelope.ct);
  if (enc === null || ct === null) return fail('decrypt-failed');
  const plaintext = hpkeOpen(p, encSecretKey, enc, INFO_CS_REQUEST, utf8(envelope.certId), ct);
  const text = openText(plaintext);
  if (!text.ok) return text;
  const parsed = parseJson(text.value, Number.POSITIVE_INFINITY);
  if (!parsed.ok) return parsed;
  const request = decodeCsRequest(parsed.value);
  if (!request.ok) return request;
  // Decoding copies a value and checks it, never changes it: the request is the parsed value.
  const hash =
    plaintext !== null && isCanonicalText(text.value, parsed.value)
      ? toB64u(p.sha256(plaintext))
      : digest(p, request.value);
  return ok({ request: request.value, hash });
}

/** Step 2: the result sealed with the requester's replyKey. */
export function sealCsReply(
  p: CryptoProvider,
  replyKey: string,
  result: CsResult,
  options: SealOptions = {},
): CsReplyEnvelope {
  return {
    requestId: result.requestId,
    ...sealSymmetric(p, bytes(replyKey), result.requestId, result, options),
  };
}

/** The requester opens step 2; the result must answer `requestId`. */
export function openCsReply(
  p: CryptoProvider,
  replyKey: string,
  requestId: string,
  envelope: CsReplyEnvelope,
): Result<CsResult> {
  if (envelope.requestId !== requestId) return fail('malformed', 'reply to another request');
  const opened = openSymmetric(p, CsResult, bytes(replyKey), requestId, envelope);
  if (opened.ok && opened.value.requestId !== requestId) {
    return fail('malformed', 'reply to another request');
  }
  return opened;
}

// ---- payment (figure 4) ------------------------------------------------------------------------

/** 1b: the payee's signed keys sealed to the wallet's anonymous key K_AN. */
export function sealPayeeKeys(
  p: CryptoProvider,
  kan: string,
  keys: PayeeKeys,
  options: SealOptions = {},
): Message1b {
  const sealed = hpkeSeal(
    p,
    bytes(kan),
    INFO_PAYEE_KEYS,
    utf8(keys.body.sid),
    canonicalBytes(keys),
    options.ephemeral,
  );
  return { msg: '1b', enc: toB64u(sealed.enc), ct: toB64u(sealed.ct) };
}

export function openPayeeKeys(
  p: CryptoProvider,
  kanSecretKey: Uint8Array,
  sid: string,
  message: Message1b,
): Result<PayeeKeys> {
  const enc = fromB64u(message.enc);
  const ct = fromB64u(message.ct);
  if (enc === null || ct === null) return fail('decrypt-failed');
  return openJson(PayeeKeys, hpkeOpen(p, kanSecretKey, enc, INFO_PAYEE_KEYS, utf8(sid), ct));
}

/** 1c: the payment sealed to the payee's encryption key `to`. */
export function sealPayment(
  p: CryptoProvider,
  to: string,
  request: PaymentRequest,
  options: SealOptions = {},
): Message1c {
  const sealed = hpkeSeal(
    p,
    bytes(to),
    INFO_PAYMENT,
    utf8(to),
    canonicalBytes(request),
    options.ephemeral,
  );
  return { msg: '1c', to, enc: toB64u(sealed.enc), ct: toB64u(sealed.ct) };
}

export function openPayment(
  p: CryptoProvider,
  encSecretKey: Uint8Array,
  message: Message1c,
): Result<PaymentRequest> {
  const enc = fromB64u(message.enc);
  const ct = fromB64u(message.ct);
  if (enc === null || ct === null) return fail('decrypt-failed');
  return openJson(
    PaymentRequest,
    hpkeOpen(p, encSecretKey, enc, INFO_PAYMENT, utf8(message.to), ct),
  );
}

/** 2: the receipt sealed with SK_AN1. */
export function sealPaymentResult(
  p: CryptoProvider,
  replyKey: string,
  result: PaymentResult,
  options: SealOptions = {},
): Message2 {
  return {
    msg: '2',
    requestId: result.requestId,
    ...sealSymmetric(p, bytes(replyKey), result.requestId, result, options),
  };
}

export function openPaymentResult(
  p: CryptoProvider,
  replyKey: string,
  requestId: string,
  message: Message2,
): Result<PaymentResult> {
  if (message.requestId !== requestId) return fail('malformed', 'reply to another payment');
  const opened = openSymmetric(p, PaymentResult, bytes(replyKey), requestId, message);
  if (opened.ok && opened.value.requestId !== requestId) {
    return fail('malformed', 'reply to another payment');
  }
  return opened;
}
