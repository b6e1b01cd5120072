/**
 * The signed objects of SPEC §3 as runtime schemas; their TypeScript types are inferred from the
 * schemas so the two cannot drift. Every body carries its `type`, which is also the signing
 * domain (`"NetCash-v1/" + type + "\n"`, signing.ts). All objects are closed: an unknown field is
 * `malformed`, because a signature over fields a verifier ignores is a trap.
 */
import * as v from 'valibot';
import type {
  AccountOpeningBody,
  CertificateRequestBody,
  DenominationKeyRequestBody,
} from './credentials.ts';
import {
  Amount,
  Currency,
  Digest,
  Duration,
  HttpUrl,
  Id128,
  Name,
  PositiveAmount,
  PublicKey,
  RsaBytes,
  RsaSpki,
  Serial256,
  signed,
  Text,
  Time,
  Token,
} from './primitives.ts';
import type { AccountStatementBody } from './service-messages.ts';

/** Certificate of insurance (paper figure 1), signed by the insurer. */
export const CertificateBody = v.strictObject({
  type: v.literal('certificate'),
  /** Unique id; coins name the certificate that signed them. */
  certId: Token,
  csName: Name,
  /** Ed25519 key that signs this CS's coins, receipts and checks' coins. */
  signKey: PublicKey,
  /** X25519 key requests to this CS are sealed to. */
  encKey: PublicKey,
  /** Where the CS answers, tried in order (paper §4.1: the directory maps the name when stale). */
  addresses: v.pipe(v.array(HttpUrl), v.minLength(1), v.maxLength(8)),
  currency: Currency,
  /** Coin values this CS mints, ascending. */
  denominations: v.pipe(
    v.array(PositiveAmount),
    v.minLength(1),
    v.maxLength(32),
    v.check((d) => d.every((x, i) => i === 0 || x > d[i - 1]!), 'strictly ascending'),
  ),
  /** Most value this CS may have outstanding (SPEC §4 "Backed"). */
  mintLimit: Amount,
  /** The bank and account that back this currency. */
  bank: Name,
  account: Token,
  /** Ed25519 key of the insurer that signed this certificate. */
  insurer: PublicKey,
  issued: Time,
  expires: Time,
  /**
   * The redemption window (the insurer's policy): for this many seconds after a coin's `expires`
   * its issuing CS still exchanges or cashes it out — never pays a merchant with it — and keeps
   * its serial outstanding. A wallet closed past its coins' expiry loses nothing.
   */
  redeemFor: Duration,
  /**
   * The insurer ends this CS's insurance then (docs/PROTOCOL.md §4.7, a currency server
   * withdrawn): `expires ≤ ends`, and no certificate of the CS reaches past it. Wallets warn
   * their holders ahead of it.
   */
  ends: v.optional(Time),
});
export const Certificate = signed(CertificateBody);

/** Signed list of revoked certificates, published by the insurer. */
export const RevocationListBody = v.strictObject({
  type: v.literal('revocation-list'),
  insurer: PublicKey,
  /** Increases with every new list; a verifier keeps the highest it has seen. */
  seq: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  issued: Time,
  revoked: v.pipe(
    v.array(v.strictObject({ certId: Token, date: Time, reason: Text(140) })),
    v.maxLength(10_000),
  ),
});
export const RevocationList = signed(RevocationListBody);

/**
 * Lock on a coin of a triplet (SPEC §6, paper figure 6): only the holder of `owner`'s secret key
 * can spend it, and only within [notBefore, notAfter).
 */
export const CoinLock = v.strictObject({
  owner: PublicKey,
  notBefore: Time,
  notAfter: Time,
  tripletId: Id128,
  /** `B`: the payee's coin (first window); `A`: the payor's claim coin (second window). */
  role: v.picklist(['A', 'B']),
});

/** Electronic coin (paper figure 2), signed by the CS key of certificate `certId`. */
export const CoinBody = v.strictObject({
  type: v.literal('coin'),
  /** Coin mechanism; `nc1` are these signed-serial coins (SPEC §7). */
  scheme: v.literal('nc1'),
  cs: Name,
  /** Address of the CS that keeps this coin's serial (the paper's `s_addr`). */
  addr: HttpUrl,
  certId: Token,
  serial: Id128,
  value: PositiveAmount,
  currency: Currency,
  expires: Time,
  lock: v.optional(CoinLock),
});
export const Coin = signed(CoinBody);

/**
 * A blind-rsa denomination key (SPEC §7), signed by the insurer: the RSA key with which CS `cs`
 * blind-signs coins of exactly `value`. Withdrawals (blind signing) are taken while
 * `now < withdrawUntil`; its coins expire at `depositUntil`, which bounds the CS's spent list.
 */
export const DenominationKeyBody = v.strictObject({
  type: v.literal('denomination-key'),
  /** SHA-256 of `publicKey` (the DER bytes); coins name it. */
  keyId: Digest,
  cs: Name,
  value: PositiveAmount,
  currency: Currency,
  /** DER SubjectPublicKeyInfo, RSASSA-PSS OID with SHA-384, MGF1-SHA-384, 48-byte salt. */
  publicKey: RsaSpki,
  /** Ed25519 key of the insurer that signed. */
  insurer: PublicKey,
  issued: Time,
  withdrawUntil: Time,
  depositUntil: Time,
  /**
   * End of the redemption window (the insurer's policy): until then the CS still exchanges or
   * cashes out the key's coins (never for payment) and keeps its spent list and withdrawal records.
   */
  redeemUntil: Time,
});
export const DenominationKey = signed(DenominationKeyBody);

/**
 * A blind-rsa coin (SPEC §7): the wallet writes the body, the CS blind-signs it without seeing
 * it (RFC 9474), so the CS can't link the coin it later redeems to the withdrawal. `sig` is the
 * RSABSSA-SHA384-PSS-Deterministic signature over the same domain-separated bytes as any signed
 * object (`"NetCash-v1/coin\n" ‖ JCS(body)`) under denomination key `keyId`; `value`, `currency`,
 * `cs` and `expires` (= the key's `depositUntil`) must be the key's.
 */
export const BlindRsaCoinBody = v.strictObject({
  type: v.literal('coin'),
  scheme: v.literal('blind-rsa'),
  cs: Name,
  addr: HttpUrl,
  keyId: Digest,
  /** 32 random bytes chosen by the wallet. */
  serial: Serial256,
  value: PositiveAmount,
  currency: Currency,
  expires: Time,
});
export const BlindRsaCoin = v.strictObject({ body: BlindRsaCoinBody, sig: RsaBytes });

const isBlindRsa = (input: unknown): boolean =>
  typeof input === 'object' &&
  input !== null &&
  'body' in input &&
  typeof input.body === 'object' &&
  input.body !== null &&
  'scheme' in input.body &&
  input.body.scheme === 'blind-rsa';

/** A coin of any scheme, decoded by its `body.scheme` (SPEC §7). */
export const AnyCoin = v.lazy((input) => (isBlindRsa(input) ? BlindRsaCoin : Coin));

/** The owner's authorization to spend a locked coin in one request (SPEC §6). */
export const CoinSpendBody = v.strictObject({
  type: v.literal('coin-spend'),
  serial: Id128,
  requestId: Id128,
});
export const CoinSpend = signed(CoinSpendBody);

/** A check drawn on an account (NetCheque style), signed by the drawer's account key. */
export const CheckBody = v.strictObject({
  type: v.literal('check'),
  bank: Name,
  drawer: Token,
  payee: Token,
  amount: PositiveAmount,
  currency: Currency,
  /** Chosen by the drawer; (drawer, checkNo) clears at most once. */
  checkNo: Token,
  issued: Time,
  expires: Time,
  memo: Text(140),
});
export const Check = signed(CheckBody);

/** The payee's endorsement for deposit, signed by the payee's account key. */
export const EndorsementBody = v.strictObject({
  type: v.literal('endorsement'),
  /** SHA-256 of the canonical JSON of the signed check (`{body, sig}`). */
  check: Digest,
  /** Account the proceeds go to. */
  account: Token,
  date: Time,
});
export const Endorsement = signed(EndorsementBody);

/** Payment receipt (paper figure 4, message 2), signed by the payee. */
export const PaymentReceiptBody = v.strictObject({
  type: v.literal('payment-receipt'),
  /** Transaction id; with K_ses it obtains the service (the access proof). */
  tid: Id128,
  sid: Token,
  amount: PositiveAmount,
  currency: Currency,
  date: Time,
  payeeKey: PublicKey,
});
export const PaymentReceipt = signed(PaymentReceiptBody);

/** CS receipt (paper figure 6): the locked coin `serial` was spent by its owner. */
export const CsReceiptBody = v.strictObject({
  type: v.literal('cs-receipt'),
  cs: Name,
  tripletId: Id128,
  serial: Id128,
  owner: PublicKey,
  value: PositiveAmount,
  currency: Currency,
  date: Time,
});
export const CsReceipt = signed(CsReceiptBody);

/**
 * The triplet coins a payee takes (paper figure 6, §5.4): C_B locked to `key`, whose first window
 * still runs at least `lead` seconds when it is paid (the payee's time to redeem it at its issuer
 * before the window closes) and ends at most `longest` seconds after (how long the payee keeps
 * track of the C_B it took, against the same coin paid twice).
 */
export const TripletTerms = v.strictObject({
  /** K_B: the payee's Ed25519 key C_B must be locked to (prepaid triplets are made for it). */
  key: PublicKey,
  lead: Duration,
  longest: Duration,
});

/** What the merchant sells and how to pay, signed by `payeeSignKey`. */
export const OfferBody = v.strictObject({
  type: v.literal('offer'),
  /** Service id (the paper's S_id): what is sold. */
  sid: Token,
  /** Absolute URL of the resource the payment unlocks. */
  resource: HttpUrl,
  description: Text(280),
  amount: PositiveAmount,
  currency: Currency,
  payeeSignKey: PublicKey,
  payeeEncKey: PublicKey,
  /** Where messages 1a and 1c are posted. */
  payUrl: HttpUrl,
  /** Coins certified by one of these insurers (and, if given, only from these CSs). */
  accepts: v.strictObject({
    insurers: v.pipe(v.array(PublicKey), v.minLength(1), v.maxLength(8)),
    cs: v.optional(v.pipe(v.array(Name), v.maxLength(32))),
  }),
  expires: Time,
  /** Fresh per 402; the access proof is bound to it. */
  challenge: Token,
  /** Present when the payee takes triplet coins C_B (SPEC §6): protected and offline payment. */
  triplets: v.optional(TripletTerms),
});
export const Offer = signed(OfferBody);

/** Payee keys returned in message 1b, signed by the payee's signing key. */
export const PayeeKeysBody = v.strictObject({
  type: v.literal('payee-keys'),
  sid: Token,
  signKey: PublicKey,
  encKey: PublicKey,
  expires: Time,
});
export const PayeeKeys = signed(PayeeKeysBody);

/** An account holder's signed request to read its balance and history at the bank. */
export const AccountRequestBody = v.strictObject({
  type: v.literal('account-request'),
  bank: Name,
  account: Token,
  /** Replays are refused: the bank remembers nonces until `date` is out of its window. */
  nonce: Id128,
  date: Time,
});
export const AccountRequest = signed(AccountRequestBody);

export type CertificateBody = v.InferOutput<typeof CertificateBody>;
export type Certificate = v.InferOutput<typeof Certificate>;
export type RevocationListBody = v.InferOutput<typeof RevocationListBody>;
export type RevocationList = v.InferOutput<typeof RevocationList>;
export type CoinLock = v.InferOutput<typeof CoinLock>;
export type CoinBody = v.InferOutput<typeof CoinBody>;
export type Coin = v.InferOutput<typeof Coin>;
/** The nc1 coin (`Coin` under its scheme's name). */
export type Nc1Coin = Coin;
export type DenominationKeyBody = v.InferOutput<typeof DenominationKeyBody>;
export type DenominationKey = v.InferOutput<typeof DenominationKey>;
export type BlindRsaCoinBody = v.InferOutput<typeof BlindRsaCoinBody>;
export type BlindRsaCoin = v.InferOutput<typeof BlindRsaCoin>;
export type AnyCoin = Coin | BlindRsaCoin;
export type AnyCoinBody = CoinBody | BlindRsaCoinBody;
export type CoinSchemeName = AnyCoinBody['scheme'];
export type CoinSpendBody = v.InferOutput<typeof CoinSpendBody>;
export type CoinSpend = v.InferOutput<typeof CoinSpend>;
export type CheckBody = v.InferOutput<typeof CheckBody>;
export type Check = v.InferOutput<typeof Check>;
export type EndorsementBody = v.InferOutput<typeof EndorsementBody>;
export type Endorsement = v.InferOutput<typeof Endorsement>;
export type PaymentReceiptBody = v.InferOutput<typeof PaymentReceiptBody>;
export type PaymentReceipt = v.InferOutput<typeof PaymentReceipt>;
export type CsReceiptBody = v.InferOutput<typeof CsReceiptBody>;
export type CsReceipt = v.InferOutput<typeof CsReceipt>;
export type TripletTerms = v.InferOutput<typeof TripletTerms>;
export type OfferBody = v.InferOutput<typeof OfferBody>;
export type Offer = v.InferOutput<typeof Offer>;
export type PayeeKeysBody = v.InferOutput<typeof PayeeKeysBody>;
export type PayeeKeys = v.InferOutput<typeof PayeeKeys>;
export type AccountRequestBody = v.InferOutput<typeof AccountRequestBody>;
export type AccountRequest = v.InferOutput<typeof AccountRequest>;

/** Any signed body, discriminated by `type`. */
export type SignedBody =
  | CertificateBody
  | RevocationListBody
  | CoinBody
  | BlindRsaCoinBody
  | DenominationKeyBody
  | CoinSpendBody
  | CheckBody
  | EndorsementBody
  | PaymentReceiptBody
  | CsReceiptBody
  | OfferBody
  | PayeeKeysBody
  | AccountRequestBody
  | AccountStatementBody
  | AccountOpeningBody
  | CertificateRequestBody
  | DenominationKeyRequestBody;

export type Signed<B extends SignedBody> = { readonly body: B; readonly sig: string };
