/**
 * Withdrawing blind-rsa coins, the wallet's side (SPEC §7, RFC 9474 §4), shared by the wallet,
 * test clients and any requester of `buy` or `exchange`:
 *
 *   prepare  for each value: a coin body with a fresh 32-byte serial under the CS's current
 *            denomination key for that value, its signing bytes blinded → `want.blinded` (to
 *            send) and the secrets (the bodies and inverses: journal them before sending)
 *   CS       signs the blinded messages without seeing them → `blindSigs`, in the same order
 *   finish   unblinds each signature and checks it (Finalize) → coins
 *
 * The CS sees only blinded messages, which are uniformly distributed and independent of the
 * serial and the final signature: nothing it stores at withdrawal matches the coin it redeems.
 */

import type { CryptoProvider } from '../crypto/provider.ts';
import { blind, blindingFactor, finalize, reblind } from '../crypto/rsa/rsabssa.ts';
import { fromB64u, toB64u } from '../encoding/base64url.ts';
import { fail, ok, type Result } from '../errors.ts';
import type { BlindedOutput } from '../schema/cs-messages.ts';
import type { BlindRsaCoin, BlindRsaCoinBody } from '../schema/objects.ts';
import { signingBytes } from '../signing.ts';
import type { TrustStore } from '../trust.ts';

/** One blinded coin's secrets: kept by the wallet, never sent, needed to finish. */
export interface BlindSecret {
  /** The coin body as it will be signed (serial chosen here). */
  readonly body: BlindRsaCoinBody;
  /** r⁻¹ mod n (RFC 9474 §4.2), base64url. */
  readonly inv: string;
}

export interface PreparedBlindCoins {
  /** `want.blinded` of the request. */
  readonly blinded: BlindedOutput[];
  /** In the same order. */
  readonly secrets: BlindSecret[];
}

/** Splits wanted values into those `cs` has a withdrawal key for at `now` and the rest. */
export function splitBlindable(
  trust: TrustStore,
  cs: string,
  values: readonly number[],
  now: number,
): { blind: number[]; plain: number[] } {
  const blindValues: number[] = [];
  const plain: number[] = [];
  for (const value of values) {
    if (trust.withdrawalKey(cs, value, now) !== undefined) blindValues.push(value);
    else plain.push(value);
  }
  return { blind: blindValues, plain };
}

/**
 * Coin bodies for `values` of CS `cs` (at `addr`, the address every wallet puts in: the first of
 * the CS's newest certificate), blinded for the CS's current denomination keys.
 * `bad-denomination` when the CS has no withdrawal key for a value.
 */
export function prepareBlindCoins(
  p: CryptoProvider,
  trust: TrustStore,
  target: { readonly cs: string; readonly addr: string },
  values: readonly number[],
  now: number,
): Result<PreparedBlindCoins> {
  const blinded: BlindedOutput[] = [];
  const secrets: BlindSecret[] = [];
  for (const value of values) {
    const key = trust.withdrawalKey(target.cs, value, now);
    const rsa = key === undefined ? undefined : trust.rsaKey(key.keyId);
    if (key === undefined || rsa === undefined) {
      return fail('bad-denomination', `${target.cs} has no denomination key for ${value}`);
    }
    const body: BlindRsaCoinBody = {
      type: 'coin',
      scheme: 'blind-rsa',
      cs: target.cs,
      addr: target.addr,
      keyId: key.keyId,
      serial: toB64u(p.randomBytes(32)),
      value,
      currency: key.currency,
      expires: key.depositUntil,
    };
    const { blindedMsg, inv } = blind(p, rsa, signingBytes(body));
    blinded.push({ keyId: key.keyId, msg: toB64u(blindedMsg) });
    secrets.push({ body, inv: toB64u(inv) });
  }
  return ok({ blinded, secrets });
}

/**
 * The coins, from the CS's blind signatures (same order as the secrets). `bad-signature` when a
 * signature does not finalize to a valid one (a CS that signed with another key, or garbage).
 */
export function finishBlindCoins(
  trust: TrustStore,
  secrets: readonly BlindSecret[],
  blindSigs: readonly string[] | undefined,
): Result<BlindRsaCoin[]> {
  if ((blindSigs?.length ?? 0) !== secrets.length) {
    return fail('malformed', `expected ${secrets.length} blind signatures`);
  }
  const coins: BlindRsaCoin[] = [];
  secrets.forEach((secret, i) => {
    const rsa = trust.rsaKey(secret.body.keyId);
    const blindSig = fromB64u(blindSigs![i]!);
    const inv = fromB64u(secret.inv);
    if (rsa === undefined || blindSig === null || inv === null) return;
    try {
      const sig = finalize(rsa, signingBytes(secret.body), blindSig, inv);
      coins.push({ body: secret.body, sig: toB64u(sig) });
    } catch {
      // Counted below.
    }
  });
  if (coins.length !== secrets.length) {
    return fail('bad-signature', 'a blind signature does not finalize to a valid coin');
  }
  return ok(coins);
}

/**
 * What the CS keeps of a withdrawal under a key (docs/PROTOCOL.md §4.7): the SHA-256 of the
 * blinded message it signed, never the message — so its records alone don't let a thief of the
 * key make a recoup proof.
 */
export function withdrawalHash(p: CryptoProvider, blindedMsg: Uint8Array): string {
  return toB64u(p.sha256(blindedMsg));
}

/**
 * The recoup proof of a blind-rsa coin the wallet holds (docs/PROTOCOL.md §4.7): the blinding
 * factor r of its withdrawal, from the r⁻¹ kept since Finalize. Null when the key is not held.
 */
export function recoupBlinding(trust: TrustStore, coin: BlindRsaCoin, inv: string): string | null {
  const rsa = trust.rsaKey(coin.body.keyId);
  const invBytes = fromB64u(inv);
  if (rsa === undefined || invBytes === null || invBytes.length !== rsa.length) return null;
  const r = blindingFactor(rsa, invBytes);
  return r === null ? null : toB64u(r);
}

/**
 * The withdrawal hash a recoup proof points at: SHA-256 of z = (s·r)^e mod n, the blinded message
 * the CS signed for this coin. Null when the key is not held or the proof is out of range.
 */
export function recoupHash(
  p: CryptoProvider,
  trust: TrustStore,
  coin: BlindRsaCoin,
  blinding: string,
): string | null {
  const rsa = trust.rsaKey(coin.body.keyId);
  const sig = fromB64u(coin.sig);
  const r = fromB64u(blinding);
  if (rsa === undefined || sig === null || r === null) return null;
  const z = reblind(rsa, sig, r);
  return z === null ? null : withdrawalHash(p, z);
}
