/**
 * What a wallet and a currency server share to rebuild a wallet from its recovery phrase
 * (docs/PROTOCOL.md §4.8): the restore tag the CS keeps on a wallet's nc1 rows, and a blind-rsa
 * coin blinded from *given* secrets — the serial, the PSS salt and the blinding factor r that the
 * wallet derives from its phrase, so a later derivation rebuilds the same blinded message the CS
 * signed. The derivation itself (HKDF of the BIP-39 seed) is the wallet's.
 */
import type { CryptoProvider } from '../crypto/provider.ts';
import { blindWith } from '../crypto/rsa/rsabssa.ts';
import { bigintFromBytes, type RsaPublicKey } from '../crypto/rsa/spki.ts';
import { fromB64u, toB64u } from '../encoding/base64url.ts';
import type { BlindedOutput } from '../schema/cs-messages.ts';
import type { BlindRsaCoinBody, DenominationKeyBody } from '../schema/objects.ts';
import { signingBytes } from '../signing.ts';
import type { BlindSecret } from './blind-withdraw.ts';

/** Bytes of serial, PSS salt and extra bits of r a derived blind-rsa coin takes (besides len(n)). */
export const BLIND_SERIAL_BYTES = 32;
export const BLIND_SALT_BYTES = 48;
/** r is reduced mod n from len(n) + 32 bytes: the bias is below 2^-256. */
export const BLIND_R_EXTRA_BYTES = 32;

/** The restore tag of a tag secret: the first 16 bytes of SHA-256(secret), base64url. */
export function restoreTag(p: CryptoProvider, secret: string | Uint8Array): string {
  const bytes = typeof secret === 'string' ? fromB64u(secret) : secret;
  if (bytes === null) throw new TypeError('a tag secret is base64url');
  return toB64u(p.sha256(bytes).subarray(0, 16));
}

/** How many bytes of derived material one blind-rsa coin under `rsa` needs. */
export function blindMaterialLength(rsa: RsaPublicKey): number {
  return BLIND_SERIAL_BYTES + BLIND_SALT_BYTES + rsa.length + BLIND_R_EXTRA_BYTES;
}

/**
 * The blind-rsa coin of `key` at `addr` whose serial, salt and r come from `material`
 * (`blindMaterialLength` bytes): its blinded message for the CS and the secrets to finish it.
 * Null when r is 0 or shares a factor with n — the caller derives its next attempt.
 */
export function blindCoinFrom(
  rsa: RsaPublicKey,
  key: DenominationKeyBody,
  addr: string,
  material: Uint8Array,
): { output: BlindedOutput; secret: BlindSecret } | null {
  if (material.length !== blindMaterialLength(rsa)) throw new TypeError('wrong material length');
  const serial = material.subarray(0, BLIND_SERIAL_BYTES);
  const salt = material.subarray(BLIND_SERIAL_BYTES, BLIND_SERIAL_BYTES + BLIND_SALT_BYTES);
  const r = bigintFromBytes(material.subarray(BLIND_SERIAL_BYTES + BLIND_SALT_BYTES)) % rsa.n;
  if (r === 0n) return null;
  const body: BlindRsaCoinBody = {
    type: 'coin',
    scheme: 'blind-rsa',
    cs: key.cs,
    addr,
    keyId: key.keyId,
    serial: toB64u(serial),
    value: key.value,
    currency: key.currency,
    expires: key.depositUntil,
  };
  const blinded = blindWith(rsa, signingBytes(body), salt, r);
  if (blinded === null) return null;
  return {
    output: { keyId: key.keyId, msg: toB64u(blinded.blindedMsg) },
    secret: { body, inv: toB64u(blinded.inv) },
  };
}
