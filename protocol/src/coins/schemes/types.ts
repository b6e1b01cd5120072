/**
 * The coin-scheme interface (SPEC §7: "Wallet, merchant and CS handle both schemes through one
 * interface"; paper §4/§6: Chaum's mechanism "can replace the basic building blocks … while
 * leaving the basic framework intact"). A scheme says how a coin is verified offline, which
 * signed object vouches for its key, and how its issuing CS refuses a second spend. Everything
 * else — sealing, requests, idempotency, checks, convert between CSs, the books — is the
 * framework's and the same for every scheme.
 *
 * Two schemes:
 * - `nc1` (nc1.ts): the paper's coin (figure 2). The CS picks the serial and signs the coin with
 *   its certified Ed25519 key; it keeps the *outstanding* list and deletes a serial when spent,
 *   so it sees each serial at minting and at redemption (the paper's weaker anonymity, §6).
 * - `blind-rsa` (blind-rsa.ts): RFC 9474 blind signatures under an RSA key per denomination,
 *   certified by the insurer. The wallet picks the serial and the CS signs it blinded, so it
 *   learns the serial only when the coin is spent; it keeps a *spent* list instead, bounded by
 *   the key's `depositUntil` (after which its coins are refused as expired).
 */
import type { CryptoProvider } from '../../crypto/provider.ts';
import type { Result } from '../../errors.ts';
import type { AnyCoin, Certificate, DenominationKey } from '../../schema/objects.ts';
import type { TrustStore } from '../../trust.ts';

/** The signed object that vouches for a coin's key, as sent along with coins (figure 4, fn. 2). */
export type Credential =
  | { readonly kind: 'certificate'; readonly certificate: Certificate }
  | { readonly kind: 'denomination-key'; readonly key: DenominationKey };

export interface CoinScheme<C extends AnyCoin> {
  /** The coin's `body.scheme`. */
  readonly name: C['body']['scheme'];
  /**
   * How the issuing CS refuses a second spend: `outstanding` — it stored the serial when it
   * minted the coin and deletes it now; `spent` — it never saw the serial and inserts it now
   * into a list kept until the coin's key expires.
   */
  readonly ledger: 'outstanding' | 'spent';
  /** Id of the signing key: a certificate id (nc1) or a denomination key id (blind-rsa). */
  signerId(body: C['body']): string;
  /** What the issuing CS records against double spending; unique among one CS's coins. */
  spendId(body: C['body']): string;
  /** The held certificate or denomination key a verifier needs for this coin. */
  credential(trust: TrustStore, body: C['body']): Credential | undefined;
  /**
   * Offline verification at `now` (PROTOCOL §3.3, §3.12): the signing key is known, from a
   * trusted insurer, not revoked, not expired, and matches the coin; the signature verifies; the
   * coin has not expired. Codes: unknown-cert, untrusted-cert, revoked, expired, bad-signature.
   */
  verify(p: CryptoProvider, trust: TrustStore, coin: C, now: number): Result<C['body']>;
  /**
   * The coin's windows as its key says, with no signature checked (docs/PROTOCOL.md §4.7):
   * payable until `payableUntil`, redeemable at its issuer until `redeemableUntil`, and whether
   * its key was revoked. Codes: unknown-cert (key not held), untrusted-cert (does not match it).
   */
  windows(trust: TrustStore, body: C['body']): Result<CoinWindows>;
  /** Only the signature under the coin's key (held: call `windows` first). */
  signatureValid(p: CryptoProvider, trust: TrustStore, coin: C): boolean;
}

/** A coin's two windows and its key's revocation (docs/PROTOCOL.md §4.7). */
export interface CoinWindows {
  /** A merchant takes it until then (the coin's `expires`). */
  readonly payableUntil: number;
  /** Its issuing CS still exchanges or cashes it out until then. */
  readonly redeemableUntil: number;
  /** Its certificate or denomination key is on the insurer's revocation list. */
  readonly revoked: boolean;
}
