/**
 * Per-party credentials (SPEC §11): requests a party signs with a key of its own, so that no
 * server holds another party's secret (docs/PROTOCOL.md §7.1, §8).
 *
 * - `account-opening`, signed by the new account's key: the bank opens an account only for a key
 *   whose holder proves possession of it.
 * - `certificate-request` and `denomination-key-request`, signed by a currency server's
 *   *enrollment key*: the insurer's operator registered that key for one CS name, with the bank
 *   account and mint limit the insurer chose; the requests carry neither, so an enrollment key
 *   can obtain and renew that one CS's certificates and denomination keys and nothing else.
 *
 * Each is dated (the receiver refuses a `date` outside its clock window) and the insurer's
 * requests carry a nonce it remembers for the window, so a copied request can't be replayed.
 */
import * as v from 'valibot';
import {
  Amount,
  Currency,
  HttpUrl,
  Id128,
  Name,
  PositiveAmount,
  PublicKey,
  RsaSpki,
  signed,
  Text,
  Time,
  Token,
} from './primitives.ts';

/** Seconds: at least a minute, at most ten years. */
export const Lifetime = v.pipe(
  v.number(),
  v.safeInteger(),
  v.minValue(60),
  v.maxValue(10 * 365 * 86_400),
);

/** A bank account opening, signed by the new account's key `signKey` (proof of possession). */
export const AccountOpeningBody = v.strictObject({
  type: v.literal('account-opening'),
  bank: Name,
  signKey: PublicKey,
  holder: Text(64),
  /**
   * `customer`: a person or a merchant; a bank in demo mode credits the demo starting balance.
   * `server`: a currency server's account; always opens empty.
   */
  kind: v.picklist(['customer', 'server']),
  date: Time,
});
export const AccountOpening = signed(AccountOpeningBody);

/**
 * A currency server asks its insurer for a certificate of insurance for its current keys. The
 * insurer adds what it decided at registration: currency, mint limit, bank and account.
 */
export const CertificateRequestBody = v.strictObject({
  type: v.literal('certificate-request'),
  /** The insurer asked (its signing key): a request for one insurer is worthless at another. */
  insurer: PublicKey,
  csName: Name,
  signKey: PublicKey,
  encKey: PublicKey,
  addresses: v.pipe(v.array(HttpUrl), v.minLength(1), v.maxLength(8)),
  denominations: v.pipe(v.array(PositiveAmount), v.minLength(1), v.maxLength(32)),
  /** Seconds from now until the certificate expires (at most the insurer's longest). */
  lifetime: Lifetime,
  nonce: Id128,
  date: Time,
});
export const CertificateRequest = signed(CertificateRequestBody);

/**
 * A currency server asks its insurer to certify an RSA key for blind-rsa coins of `value` (SPEC
 * §7), withdrawals for `withdrawFor` seconds from now, coins valid `depositFor` seconds.
 */
export const DenominationKeyRequestBody = v.strictObject({
  type: v.literal('denomination-key-request'),
  insurer: PublicKey,
  csName: Name,
  value: PositiveAmount,
  publicKey: RsaSpki,
  withdrawFor: Lifetime,
  depositFor: Lifetime,
  nonce: Id128,
  date: Time,
});
export const DenominationKeyRequest = signed(DenominationKeyRequestBody);

/**
 * The insurer's operator registers a currency server (admin): its name, the enrollment key it
 * signs requests with, the bank account backing its coins, the currency, and the mint limit.
 * Registering a name again replaces its registration (a new key, account or limit); the next
 * certificate carries the change. `ends`: the insurer ends this CS's insurance then (docs/PROTOCOL.md
 * §4.7, a currency server withdrawn) — no certificate or denomination key reaches past it, none
 * is issued after it.
 */
export const Registration = v.strictObject({
  csName: Name,
  enrollmentKey: PublicKey,
  bank: Name,
  account: Token,
  currency: Currency,
  mintLimit: Amount,
  ends: v.optional(Time),
});
export const RegistrationList = v.strictObject({
  registrations: v.pipe(v.array(Registration), v.maxLength(10_000)),
});

export type AccountOpeningBody = v.InferOutput<typeof AccountOpeningBody>;
export type AccountOpening = v.InferOutput<typeof AccountOpening>;
export type CertificateRequestBody = v.InferOutput<typeof CertificateRequestBody>;
export type CertificateRequest = v.InferOutput<typeof CertificateRequest>;
export type DenominationKeyRequestBody = v.InferOutput<typeof DenominationKeyRequestBody>;
export type DenominationKeyRequest = v.InferOutput<typeof DenominationKeyRequest>;
export type Registration = v.InferOutput<typeof Registration>;
export type RegistrationList = v.InferOutput<typeof RegistrationList>;
