/**
 * Plain (unsealed) HTTP bodies of the insurer, the bank, the currency servers' public endpoints
 * and the merchant's 402. Sealed traffic is in cs-messages.ts and payment-messages.ts.
 */
import * as v from 'valibot';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import { Certificate, Check, Endorsement, Offer, RevocationList } from './objects.ts';
import {
  Amount,
  Currency,
  HttpUrl,
  Name,
  PositiveAmount,
  PublicKey,
  Text,
  Time,
  Token,
} from './primitives.ts';

/** Every refusal: `{"error": {code, message, detail?}}`. */
export const ErrorReply = v.strictObject({
  error: v.strictObject({
    code: v.picklist(Object.keys(ERROR_CODES) as ErrorCode[]),
    message: Text(1000),
    detail: v.optional(v.record(v.string(), v.unknown())),
  }),
});

// ---- Insurer ---------------------------------------------------------------------------------

export const InsurerInfo = v.strictObject({
  name: Name,
  /** The trust anchor wallets and merchants configure. */
  signKey: PublicKey,
});
export const CertificateList = v.strictObject({
  certificates: v.pipe(v.array(Certificate), v.maxLength(1000)),
});
export const DirectoryEntry = v.strictObject({
  csName: Name,
  addresses: v.pipe(v.array(HttpUrl), v.maxLength(8)),
  certificates: v.pipe(v.array(Certificate), v.maxLength(100)),
});
/** Admin: certify a CS key (authenticated with the insurer's admin token). */
export const CertifyRequest = v.strictObject({
  csName: Name,
  signKey: PublicKey,
  encKey: PublicKey,
  addresses: v.pipe(v.array(HttpUrl), v.minLength(1), v.maxLength(8)),
  currency: Currency,
  denominations: v.pipe(v.array(PositiveAmount), v.minLength(1), v.maxLength(32)),
  mintLimit: Amount,
  bank: Name,
  account: Token,
  /** Seconds from now until the certificate expires. */
  lifetime: v.pipe(v.number(), v.safeInteger(), v.minValue(60), v.maxValue(10 * 365 * 86_400)),
});
export const RevokeRequest = v.strictObject({ certId: Token, reason: Text(140) });
export { RevocationList };

// ---- Bank ------------------------------------------------------------------------------------

export const BankInfo = v.strictObject({
  name: Name,
  currency: Currency,
  demoAccounts: v.boolean(),
});
/** Open an account whose key is `signKey` (the demo bank credits a starting balance). */
export const OpenAccountRequest = v.strictObject({ signKey: PublicKey, holder: Text(64) });
export const OpenAccountReply = v.strictObject({
  bank: Name,
  account: Token,
  balance: Amount,
  currency: Currency,
});
export const DepositRequest = v.strictObject({ check: Check, endorsement: Endorsement });
export const DepositReply = v.strictObject({
  depositId: Token,
  account: Token,
  amount: PositiveAmount,
  currency: Currency,
  cleared: Time,
});
export const LedgerEntry = v.strictObject({
  entryId: Token,
  date: Time,
  /** Positive: credit to this account; negative: debit. */
  amount: v.pipe(v.number(), v.safeInteger()),
  counterparty: Token,
  checkNo: v.optional(Token),
  memo: Text(140),
});
export const AccountStatement = v.strictObject({
  account: Token,
  balance: Amount,
  currency: Currency,
  history: v.pipe(v.array(LedgerEntry), v.maxLength(1000)),
});

// ---- Currency server (public, unsealed) -----------------------------------------------------

export const CsInfo = v.strictObject({
  csName: Name,
  currency: Currency,
  /** Newest first; older certificates stay listed while coins they signed may circulate. */
  certificates: v.pipe(v.array(Certificate), v.minLength(1), v.maxLength(100)),
  denominations: v.pipe(v.array(PositiveAmount), v.minLength(1), v.maxLength(32)),
  bank: Name,
  account: Token,
  limits: v.strictObject({
    maxInstruments: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
    maxBodyBytes: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
    /** Seconds a fresh coin is valid. */
    coinLifetime: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  }),
});

// ---- Merchant --------------------------------------------------------------------------------

/** Body of a `402 Payment Required`. */
export const PaymentRequired = v.strictObject({ offer: Offer });

export type ErrorReply = v.InferOutput<typeof ErrorReply>;
export type InsurerInfo = v.InferOutput<typeof InsurerInfo>;
export type CertificateList = v.InferOutput<typeof CertificateList>;
export type DirectoryEntry = v.InferOutput<typeof DirectoryEntry>;
export type CertifyRequest = v.InferOutput<typeof CertifyRequest>;
export type RevokeRequest = v.InferOutput<typeof RevokeRequest>;
export type BankInfo = v.InferOutput<typeof BankInfo>;
export type OpenAccountRequest = v.InferOutput<typeof OpenAccountRequest>;
export type OpenAccountReply = v.InferOutput<typeof OpenAccountReply>;
export type DepositRequest = v.InferOutput<typeof DepositRequest>;
export type DepositReply = v.InferOutput<typeof DepositReply>;
export type LedgerEntry = v.InferOutput<typeof LedgerEntry>;
export type AccountStatement = v.InferOutput<typeof AccountStatement>;
export type CsInfo = v.InferOutput<typeof CsInfo>;
export type PaymentRequired = v.InferOutput<typeof PaymentRequired>;
