/**
 * Plain (unsealed) HTTP bodies of the insurer, the bank, the currency servers' public endpoints
 * and the merchant's 402. Sealed traffic is in cs-messages.ts and payment-messages.ts.
 */
import * as v from 'valibot';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import {
  Certificate,
  Check,
  DenominationKey,
  Endorsement,
  Offer,
  RevocationList,
} from './objects.ts';
import {
  Amount,
  Currency,
  Digest,
  HttpUrl,
  Id128,
  Name,
  PositiveAmount,
  PublicKey,
  signed,
  Text,
  Time,
  Token,
} from './primitives.ts';

/** Every refusal: `{"error": {code, message, detail?}}`. */
export const ErrorReply = v.strictObject({
  error: v.strictObject({
    code: v.picklist(Object.keys(ERROR_CODES) as ErrorCode[]),
    // Whatever a server says, shown as words: bounded, not judged (the code is what counts).
    message: v.pipe(v.string(), v.maxLength(1000)),
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
/** Unexpired denomination keys (blind-rsa, SPEC §7): `GET /v1/denomination-keys`. */
export const DenominationKeyList = v.strictObject({
  denominationKeys: v.pipe(v.array(DenominationKey), v.maxLength(10_000)),
});
/** Revokes a certificate (`certId`) or a denomination key (its keyId in the same field). */
export const RevokeRequest = v.strictObject({ certId: Token, reason: Text(140) });
export { RevocationList };

// ---- Bank ------------------------------------------------------------------------------------

export const BankInfo = v.strictObject({
  name: Name,
  currency: Currency,
  demoAccounts: v.boolean(),
  /** The key the bank signs statements with (§3.12); a wallet pins it when it opens its account. */
  signKey: PublicKey,
});
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
/**
 * The bank's answer to an `account-request`, signed with the bank's key (§3.12): the balance a
 * wallet shows is the bank's word, not whatever a proxy in between made of it. `nonce` is the
 * request's, so an old statement replayed to a new request does not pass for a current one.
 */
export const AccountStatementBody = v.strictObject({
  type: v.literal('account-statement'),
  bank: Name,
  account: Token,
  nonce: Id128,
  date: Time,
  balance: Amount,
  currency: Currency,
  history: v.pipe(v.array(LedgerEntry), v.maxLength(1000)),
});
export const AccountStatement = signed(AccountStatementBody);

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
  /** Its blind-rsa denomination keys whose coins are still valid, newest first (SPEC §7). */
  denominationKeys: v.optional(v.pipe(v.array(DenominationKey), v.maxLength(1000))),
  /**
   * How many coins were withdrawn so far under each blind-rsa key not yet closed: the anonymity
   * set of that key's coins (docs/PRIVACY.md), shown by wallets. The CS's word, for information.
   */
  withdrawn: v.optional(
    v.pipe(
      v.array(
        v.strictObject({
          keyId: Digest,
          count: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
        }),
      ),
      v.maxLength(1000),
    ),
  ),
});

/** `GET /v1/admin/audit` of a CS (the auditor's token): its books (docs/PROTOCOL.md §4.6). */
export const CsBooks = v.strictObject({
  csName: Name,
  currency: Currency,
  /** The CS's clock when the books were read. */
  date: Time,
  outstanding: v.strictObject({ count: Amount, value: Amount }),
  /** Value that entered through `buy` and convert-in. */
  minted: Amount,
  /** Value that left through `cashout` and `convert`. */
  redeemed: Amount,
  /** Value of coins never redeemed: pruned after their redemption window and grace. */
  expired: Amount,
  /** Value taken in (exchanged, cashed out) after its coins expired, in their redemption window. */
  late: v.optional(Amount),
  /** Value taken in under revoked certificates and denomination keys (recoup, §4.7). */
  recouped: v.optional(Amount),
  /** Still outstanding under revoked certificates and keys: what holders may yet recoup. */
  revoked: v.optional(v.strictObject({ count: Amount, value: Amount })),
  /** Mints reserved while their check is being deposited. */
  pending: v.strictObject({ count: Amount, value: Amount }),
  checksWritten: v.array(
    v.strictObject({ checkNo: Token, payee: Token, amount: PositiveAmount, expires: Time }),
  ),
  /** Total of checks this CS deposited into its account. */
  deposited: Amount,
  bank: Name,
  account: Token,
  mintLimit: Amount,
  /**
   * Present (false) when the engine read these books without one snapshot (Citus across shards,
   * docs/SCALING.md): the figures may be of different instants, so a difference may be a
   * transfer in flight.
   */
  atOneSnapshot: v.optional(v.literal(false)),
  /**
   * Blind-rsa coins (SPEC §7), counted per denomination key since the CS never learns a serial
   * before it is spent: withdrawn − spent − expired are outstanding (included in `outstanding`).
   * Keys whose coins have expired are closed: their unspent coins booked as `expired`, their
   * spent lists and counters dropped.
   */
  blindRsa: v.optional(
    v.strictObject({
      outstanding: v.strictObject({ count: Amount, value: Amount }),
      keys: v.pipe(
        v.array(
          v.strictObject({
            keyId: Digest,
            value: PositiveAmount,
            depositUntil: Time,
            redeemUntil: v.optional(Time),
            withdrawn: Amount,
            spent: Amount,
          }),
        ),
        v.maxLength(10_000),
      ),
    }),
  ),
});

/** `GET /v1/admin/audit` of a bank (the auditor's token): every balance, the ledger, checks cleared. */
export const BankBooks = v.strictObject({
  name: Name,
  currency: Currency,
  date: Time,
  /** Sum of every ledger entry: zero when no value was created or destroyed. */
  ledgerSum: v.pipe(v.number(), v.safeInteger()),
  accounts: v.array(
    v.strictObject({
      account: Token,
      holder: Text(64),
      /** As opened (`account-opening`): `customer`, `server`; `system`: demo issuance. */
      kind: v.picklist(['customer', 'server', 'system']),
      balance: v.pipe(v.number(), v.safeInteger()),
      /** Sum of the checks cleared into this account (a CS's buys and convert-ins). */
      received: Amount,
      /** The account's ledger entries summed; equal to `balance` when the books agree. */
      ledgerBalance: v.pipe(v.number(), v.safeInteger()),
    }),
  ),
  /** Checks cleared that were drawn on `server` accounts (currency servers' checks). */
  cleared: v.array(
    v.strictObject({ drawer: Token, checkNo: Token, payee: Token, amount: PositiveAmount }),
  ),
  /** As CsBooks' `atOneSnapshot`. */
  atOneSnapshot: v.optional(v.literal(false)),
});

// ---- Merchant --------------------------------------------------------------------------------

/** Body of a `402 Payment Required`. */
export const PaymentRequired = v.strictObject({ offer: Offer });

/**
 * What a merchant holds (merchant-kit `Paywall.holdings()`), for the federation audit: the value
 * of its coins by issuing CS (held, or reserved by a cash-out the CS has not answered), and the
 * cash-out checks it received and has not deposited yet.
 */
export const MerchantHoldings = v.strictObject({
  name: Text(64),
  coins: v.record(Name, Amount),
  checks: v.pipe(
    v.array(v.strictObject({ cs: Name, checkNo: Token, amount: PositiveAmount })),
    v.maxLength(10_000),
  ),
});

export type ErrorReply = v.InferOutput<typeof ErrorReply>;
export type InsurerInfo = v.InferOutput<typeof InsurerInfo>;
export type CertificateList = v.InferOutput<typeof CertificateList>;
export type DirectoryEntry = v.InferOutput<typeof DirectoryEntry>;
export type RevokeRequest = v.InferOutput<typeof RevokeRequest>;
export type DenominationKeyList = v.InferOutput<typeof DenominationKeyList>;
export type BankInfo = v.InferOutput<typeof BankInfo>;
export type OpenAccountReply = v.InferOutput<typeof OpenAccountReply>;
export type DepositRequest = v.InferOutput<typeof DepositRequest>;
export type DepositReply = v.InferOutput<typeof DepositReply>;
export type LedgerEntry = v.InferOutput<typeof LedgerEntry>;
export type AccountStatementBody = v.InferOutput<typeof AccountStatementBody>;
export type AccountStatement = v.InferOutput<typeof AccountStatement>;
export type CsInfo = v.InferOutput<typeof CsInfo>;
export type CsBooks = v.InferOutput<typeof CsBooks>;
export type BankBooks = v.InferOutput<typeof BankBooks>;
export type PaymentRequired = v.InferOutput<typeof PaymentRequired>;
export type MerchantHoldings = v.InferOutput<typeof MerchantHoldings>;
