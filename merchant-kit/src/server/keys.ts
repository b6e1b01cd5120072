/**
 * The merchant's long-term secrets, created on first start and kept in its store: the payee's
 * Ed25519 signing key (offers, payee keys, receipts) and X25519 encryption key (1c is sealed to
 * it), and a MAC key for stateless challenges. `initMeta` makes the first writer win, so two
 * processes starting on one database end up with the same keys.
 */
import { type CryptoProvider, fromB64u, toB64u } from '@netcash/protocol';
import type { MerchantStore } from './store/types.ts';

export interface PayeeKeyPair {
  /** b64u public keys, as they appear in offers. */
  readonly signKey: string;
  readonly encKey: string;
  readonly signSecret: Uint8Array;
  readonly encSecret: Uint8Array;
}

export interface MerchantKeys extends PayeeKeyPair {
  /** HMAC key of challenges (and of derived ids); never leaves the merchant. */
  readonly macKey: Uint8Array;
}

async function secret(store: MerchantStore, p: CryptoProvider, name: string): Promise<Uint8Array> {
  const held = await store.initMeta(name, toB64u(p.randomBytes(32)));
  const bytes = fromB64u(held);
  if (bytes === null || bytes.length !== 32) throw new Error(`merchant secret ${name} is damaged`);
  return bytes;
}

export async function loadMerchantKeys(
  p: CryptoProvider,
  store: MerchantStore,
): Promise<MerchantKeys> {
  const signSecret = await secret(store, p, 'payee.sign-secret');
  const encSecret = await secret(store, p, 'payee.enc-secret');
  const macKey = await secret(store, p, 'merchant.mac-key');
  return {
    signSecret,
    encSecret,
    macKey,
    signKey: toB64u(p.ed25519.publicKey(signSecret)),
    encKey: toB64u(p.x25519.publicKey(encSecret)),
  };
}

/** A fresh pair for one session (1b of an anonymous payee). */
export function freshPayeeKeys(p: CryptoProvider): PayeeKeyPair {
  const sign = p.ed25519.keygen();
  const enc = p.x25519.keygen();
  return {
    signKey: toB64u(sign.publicKey),
    encKey: toB64u(enc.publicKey),
    signSecret: sign.secretKey,
    encSecret: enc.secretKey,
  };
}
