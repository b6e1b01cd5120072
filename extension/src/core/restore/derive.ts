/**
 * Every secret a wallet needs to get its money back, derived from the BIP-39 seed of its
 * recovery phrase (docs/PROTOCOL.md §4.8): HKDF-SHA256 (RFC 5869) with the salt
 * "NetCash-v1 recovery" and one label per secret, so a restored wallet computes the same bytes.
 *
 *   accountSeed    the Ed25519 seed of the wallet's index-th account key at a bank
 *   tagSecret      the secret behind the restore tag of the nc1 coins minted for it at a CS on a day
 *   blindMaterial  serial ‖ PSS salt ‖ r bytes of the counter-th blind-rsa coin under a key
 *   tripletSecrets request id ‖ reply key ‖ owner key seed ‖ tag secret of the n-th triplet
 *                  request at a CS on a day: a restore asks the CS for that request's stored
 *                  reply (its C_A), claims C_A with the same one-time key, and finds the change
 *                  and claimed coins under the request's own tag
 */
import {
  type BlindedOutput,
  type BlindSecret,
  blindCoinFrom,
  blindMaterialLength,
  type DenominationKeyBody,
  NetCashError,
  type RsaPublicKey,
  toB64u,
  utf8,
} from '@netcash/protocol';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

const SALT = utf8('NetCash-v1 recovery');
export const DAY_SECONDS = 86_400;

function derive(seed: Uint8Array, label: string, length: number): Uint8Array {
  return hkdf(sha256, seed, SALT, utf8(label), length);
}

export function accountSeed(seed: Uint8Array, bank: string, index: number): Uint8Array {
  return derive(seed, `account\n${bank}\n${index}`, 32);
}

/** The day number of a time: restore tags change daily. */
export function dayOf(seconds: number): number {
  return Math.floor(seconds / DAY_SECONDS);
}

export function tagSecret(seed: Uint8Array, cs: string, day: number): Uint8Array {
  return derive(seed, `nc1-tag\n${cs}\n${day}`, 32);
}

export function blindMaterial(
  seed: Uint8Array,
  keyId: string,
  counter: number,
  attempt: number,
  length: number,
): Uint8Array {
  return derive(seed, `blind-rsa\n${keyId}\n${counter}\n${attempt}`, length);
}

/**
 * The `counter`-th blind-rsa coin of `key` at `addr`: its blinded message and secrets, the same
 * at every derivation. An r that can't blind (0, or sharing a factor with n: never in practice)
 * moves to the next attempt.
 */
export function derivedBlindCoin(
  seed: Uint8Array,
  rsa: RsaPublicKey,
  key: DenominationKeyBody,
  addr: string,
  counter: number,
): { output: BlindedOutput; secret: BlindSecret } {
  for (let attempt = 0; attempt < 8; attempt++) {
    const material = blindMaterial(seed, key.keyId, counter, attempt, blindMaterialLength(rsa));
    const made = blindCoinFrom(rsa, key, addr, material);
    if (made !== null) return made;
  }
  throw new NetCashError('internal', 'no usable blinding factor in 8 attempts');
}

/**
 * Triplet requests a wallet makes per CS and day, at most: a restore looks at no more (so a
 * hostile CS that answers every probe cannot keep it going), and the wallet makes no more.
 */
export const MAX_TRIPLETS_PER_DAY = 1024;

/** Where the n-th triplet request of a day at a CS comes from (keyed like a blind-rsa counter). */
export function tripletCounterKey(cs: string, day: number): string {
  return `triplet\n${cs}\n${day}`;
}

export interface TripletSecrets {
  /** The request's id (16 bytes, b64u): the CS keeps its reply under it. */
  readonly requestId: string;
  /** The key its reply is sealed with (32 bytes, b64u). */
  readonly replyKey: string;
  /** The Ed25519 seed of the one-time key its C_A are locked to. */
  readonly ownerSeed: Uint8Array;
  /**
   * The secret of the restore tag of its change and its claims' coins: one per request, so the
   * CS cannot link two triplet requests of one wallet by their tags.
   */
  readonly tagSecret: Uint8Array;
}

/** The secrets of the `n`-th triplet request made at `cs` on `day`. */
export function tripletSecrets(
  seed: Uint8Array,
  cs: string,
  day: number,
  n: number,
): TripletSecrets {
  const bytes = derive(seed, `triplet\n${cs}\n${day}\n${n}`, 16 + 32 + 32 + 32);
  return {
    requestId: toB64u(bytes.slice(0, 16)),
    replyKey: toB64u(bytes.slice(16, 48)),
    ownerSeed: bytes.slice(48, 80),
    tagSecret: bytes.slice(80),
  };
}
