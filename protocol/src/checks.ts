/**
 * Account openings, checks and endorsements (SPEC §3, NetCheque style): a check is signed by the drawer's account
 * key; the payee deposits it with an endorsement over the check's digest naming the account the
 * proceeds go to (docs/PROTOCOL.md §3.5–3.6, §8). Wallets write checks to buy coins; currency
 * servers write them for cashout and convert and endorse the ones they receive.
 */
import type { CryptoProvider } from './crypto/provider.ts';
import { toB64u } from './encoding/base64url.ts';
import type { AccountOpening, AccountOpeningBody } from './schema/credentials.ts';
import type { Check, CheckBody, Endorsement } from './schema/objects.ts';
import { digest, sign } from './signing.ts';

/**
 * A bank account opening for the key pair of `secretKey`, signed with it: the bank opens an
 * account only for a key its holder proves to hold (docs/PROTOCOL.md §8).
 */
export function accountOpening(
  p: CryptoProvider,
  secretKey: Uint8Array,
  fields: Omit<AccountOpeningBody, 'type' | 'signKey'>,
): AccountOpening {
  const signKey = toB64u(p.ed25519.publicKey(secretKey));
  return sign(p, secretKey, { type: 'account-opening', signKey, ...fields });
}

/** Signs a check with the drawer's 32-byte Ed25519 account secret key. */
export function writeCheck(
  p: CryptoProvider,
  drawerSecretKey: Uint8Array,
  fields: Omit<CheckBody, 'type'>,
): Check {
  return sign(p, drawerSecretKey, { type: 'check', ...fields });
}

/** The payee's endorsement of `check` for deposit into `account` (its own). */
export function endorseCheck(
  p: CryptoProvider,
  payeeSecretKey: Uint8Array,
  check: Check,
  account: string,
  date: number,
): Endorsement {
  return sign(p, payeeSecretKey, { type: 'endorsement', check: digest(p, check), account, date });
}
