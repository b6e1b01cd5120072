/**
 * @netcash/protocol — the NC1 suite, objects, messages and rules shared by every NetCash party.
 *
 * Pure and isomorphic: no I/O, no state, no Node-only imports (the `node:crypto` provider is the
 * separate entry `@netcash/protocol/node`). Choose a provider at the edge and pass it in.
 */
export * from './access.ts';
export * from './bridge.ts';
export * from './checks.ts';
export * from './client/cs-client.ts';
export * from './client/http.ts';
export * from './client/read-limited.ts';
export * from './coins/blind-withdraw.ts';
export * from './coins/redeem.ts';
export * from './coins/restore.ts';
export * from './coins/schemes/index.ts';
export * from './coins/select.ts';
export * from './coins/verify.ts';
export { hpkeOpen, hpkeSeal } from './crypto/hpke.ts';
export type {
  ChaCha20Poly1305,
  CryptoProvider,
  Ed25519,
  KeyPair,
  X25519,
} from './crypto/provider.ts';
export { CryptoError } from './crypto/provider.ts';
export { type Blinded, blind, finalize, verifyPss } from './crypto/rsa/rsabssa.ts';
export {
  encodeRsaSpki,
  fitsRsaKey,
  parseRsaSpki,
  type RsaPublicKey,
} from './crypto/rsa/spki.ts';
export { ED25519_SMALL_ORDER_KEYS, isWeakEd25519Key } from './crypto/weak-keys.ts';
export { fromB64u, toB64u } from './encoding/base64url.ts';
export { canonicalBytes, canonicalize } from './encoding/jcs.ts';
export { concatBytes, equalBytes, fromUtf8, utf8 } from './encoding/utf8.ts';
export * from './errors.ts';
export * from './http-payment.ts';
export * from './ids.ts';
export * from './money.ts';
export { Mutex } from './mutex.ts';
export * from './paths.ts';
export * from './retry/index.ts';
export * from './schema/credentials.ts';
export { decodeCsRequest, decodeCsRequestEnvelope } from './schema/cs-decode.ts';
export * from './schema/cs-messages.ts';
export * from './schema/decode.ts';
export { jsonTextProblem } from './schema/json-text.ts';
export * from './schema/objects.ts';
export * from './schema/payment-messages.ts';
export * from './schema/primitives.ts';
export * from './schema/service-messages.ts';
export * from './seal.ts';
export * from './signing.ts';
export * from './trust.ts';
