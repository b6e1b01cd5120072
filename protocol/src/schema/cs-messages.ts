/**
 * Currency server requests and replies (SPEC §4, paper figure 3).
 *
 *   1. {requestId, op, instruments, want, replyKey} sealed to the CS's encKey → CS
 *   2. {requestId, op, ...result} sealed with replyKey                          → requester
 *
 * The plaintexts are discriminated by `op`; each op fixes which instruments it takes and what it
 * wants. The envelopes (what travels over HTTP) are at the bottom.
 */
import * as v from 'valibot';
import { AnyCoin, Check, Coin, CoinSpend, CsReceipt } from './objects.ts';
import {
  bytesMax,
  Digest,
  Id128,
  Key32,
  Name,
  Nonce,
  PositiveAmount,
  PublicKey,
  RsaBytes,
  Text,
  Time,
  Token,
  Values,
} from './primitives.ts';

/** Most instruments (coins) in one request. */
export const MAX_INSTRUMENTS = 64;
/** Largest sealed ciphertext accepted, in bytes (64 coins with certificates fit well under it). */
export const MAX_SEALED_BYTES = 256 * 1024;

export const CoinInstrument = v.strictObject({
  kind: v.literal('coin'),
  /** A coin of any scheme (SPEC §7), decoded by `body.scheme`. */
  coin: AnyCoin,
  /** Required for a locked coin: its owner's authorization for this request (SPEC §6). */
  spend: v.optional(CoinSpend),
  /**
   * Recoup of a blind-rsa coin whose denomination key was revoked (docs/PROTOCOL.md §4.7): the
   * blinding factor r of its withdrawal (RFC 9474 §4.2, modulus_len bytes). With the coin's
   * signature it gives back the blinded message the CS signed, which the CS recognises.
   */
  blinding: v.optional(RsaBytes),
});
export const CheckInstrument = v.strictObject({ kind: v.literal('check'), check: Check });

const Coins = v.pipe(v.array(CoinInstrument), v.minLength(1), v.maxLength(MAX_INSTRUMENTS));

const base = { requestId: Id128, replyKey: Key32 };

/**
 * A blind-rsa coin to sign (SPEC §7, RFC 9474 §4.3): the CS's denomination key `keyId` (its value
 * counts toward the total) and the wallet's blinded message (modulus_len bytes).
 */
export const BlindedOutput = v.strictObject({ keyId: Digest, msg: RsaBytes });

/**
 * What a buy or exchange mints: nc1 coins of `values`, and blind-rsa coins for `blinded` (absent
 * for nc1 only, keeping those requests byte for byte as before). 1–64 coins in all.
 */
export const Outputs = v.pipe(
  v.strictObject({
    values: v.pipe(v.array(PositiveAmount), v.maxLength(MAX_INSTRUMENTS)),
    blinded: v.optional(
      v.pipe(v.array(BlindedOutput), v.minLength(1), v.maxLength(MAX_INSTRUMENTS)),
    ),
    /**
     * Restore tag (docs/PROTOCOL.md §4.8): the CS keeps it on the outstanding rows of the nc1
     * outputs — never in the coins — and a `restore` with its secret finds them again.
     */
    tag: v.optional(Id128),
  }),
  v.check((w) => {
    const count = w.values.length + (w.blinded?.length ?? 0);
    return count >= 1 && count <= MAX_INSTRUMENTS;
  }, '1–64 coins wanted'),
);

/** Check payable to the CS → coins of the wanted values (sum = check amount). */
export const BuyRequest = v.strictObject({
  ...base,
  op: v.literal('buy'),
  /** Exactly one check: a second is refused, never ignored (strictTuple). */
  instruments: v.strictTuple([CheckInstrument]),
  want: Outputs,
});
/** Own coins in → fresh coins out, same total. */
export const ExchangeRequest = v.strictObject({
  ...base,
  op: v.literal('exchange'),
  instruments: Coins,
  want: Outputs,
});
/** Coins → a check on the CS's account payable to `payee`. */
export const CashoutRequest = v.strictObject({
  ...base,
  op: v.literal('cashout'),
  instruments: Coins,
  want: v.strictObject({ bank: Name, payee: Token, memo: Text(140) }),
});
/** CS to CS: the issuer's coins → a check payable to the presenting CS `cs` (its certified account). */
export const ConvertRequest = v.strictObject({
  ...base,
  op: v.literal('convert'),
  instruments: Coins,
  want: v.strictObject({ cs: Name, bank: Name, payee: Token }),
});
/** Most triplets one request makes (each is two coins, C_B and C_A). */
export const MAX_TRIPLETS = 32;

/**
 * Coins → triplets <C_B, C_A> and change C_X (SPEC §6, paper figure 6 step 1). One pair per
 * value of `amounts` (the paper's footnote 3: "A could specify several amounts, and obtain a
 * number of triplets each having a particular value"), every value one of the CS's coin values,
 * so that a triplet's value says no more about the payment than an ordinary coin's.
 */
export const TripletRequest = v.strictObject({
  ...base,
  op: v.literal('triplet'),
  instruments: Coins,
  want: v.pipe(
    v.strictObject({
      /** K_B: the payee's signing key; only it can spend C_B. */
      payee: PublicKey,
      /** A one-time key of the payor; only it can claim C_A. */
      owner: PublicKey,
      /** C_B valid until dateB; C_A claimable in [dateB, dateA). */
      dateB: Time,
      dateA: Time,
      /** The value of each triplet: one <C_B, C_A> pair per entry. */
      amounts: v.pipe(v.array(PositiveAmount), v.minLength(1), v.maxLength(MAX_TRIPLETS)),
      /** Values of the change coins C_X (may be empty when the coins sum to the amounts). */
      change: v.pipe(v.array(PositiveAmount), v.maxLength(MAX_INSTRUMENTS)),
      /** Restore tag of the change coins C_X (§4.8, as `Outputs.tag`); never on C_B or C_A. */
      tag: v.optional(Id128),
    }),
    v.check(
      (w) => 2 * w.amounts.length + w.change.length <= MAX_INSTRUMENTS,
      'at most 64 coins out (two per triplet, and the change)',
    ),
  ),
});
/** C_A (with its owner's spend) → a CS receipt if C_B was spent, else fresh coins. */
export const ClaimRequest = v.strictObject({
  ...base,
  op: v.literal('claim'),
  instruments: v.strictTuple([CoinInstrument]),
  /** `tag`: the restore tag of the fresh coins (§4.8, as `Outputs.tag`). */
  want: v.strictObject({ values: Values, tag: v.optional(Id128) }),
});

/**
 * Restore (docs/PROTOCOL.md §4.8), read-only: the unlocked nc1 coins outstanding under the tags
 * of `secrets` (tag = SHA-256(secret)[0..16], serials after `after`, ≤ 64 a page), the blind
 * signatures of `blinded` messages this CS signed, and the stored replies of the `requests` (ids
 * a wallet derives for its triplet requests). Takes no instrument, changes nothing.
 */
export const RestoreRequest = v.strictObject({
  ...base,
  op: v.literal('restore'),
  instruments: v.strictTuple([]),
  want: v.pipe(
    v.strictObject({
      secrets: v.optional(v.pipe(v.array(Key32), v.minLength(1), v.maxLength(MAX_INSTRUMENTS))),
      after: v.optional(Id128),
      blinded: v.optional(
        v.pipe(v.array(BlindedOutput), v.minLength(1), v.maxLength(MAX_INSTRUMENTS)),
      ),
      requests: v.optional(v.pipe(v.array(Id128), v.minLength(1), v.maxLength(MAX_INSTRUMENTS))),
    }),
    v.check(
      (w) => w.secrets !== undefined || w.blinded !== undefined || w.requests !== undefined,
      'secrets, blinded or requests',
    ),
  ),
});
/** Status (§4.8), read-only: whether each of the CS's own coins is still outstanding. */
export const CoinStatusRequest = v.strictObject({
  ...base,
  op: v.literal('status'),
  instruments: Coins,
  want: v.strictObject({}),
});

export const CsRequest = v.variant('op', [
  BuyRequest,
  ExchangeRequest,
  CashoutRequest,
  ConvertRequest,
  TripletRequest,
  ClaimRequest,
  RestoreRequest,
  CoinStatusRequest,
]);

/** HTTP body of `POST /v1/requests`: the request sealed with HPKE to certificate `certId`'s encKey. */
export const CsRequestEnvelope = v.strictObject({
  certId: Token,
  enc: Key32,
  ct: bytesMax(MAX_SEALED_BYTES),
});
/** HTTP 200 body: the result sealed with the requester's replyKey, AAD = requestId. */
export const CsReplyEnvelope = v.strictObject({
  requestId: Id128,
  nonce: Nonce,
  ct: bytesMax(MAX_SEALED_BYTES),
});

const CoinList = v.pipe(v.array(Coin), v.maxLength(MAX_INSTRUMENTS));
/** Blind signatures (RFC 9474 §4.3) for `want.blinded`, in its order. */
const BlindSigs = v.optional(
  v.pipe(v.array(RsaBytes), v.minLength(1), v.maxLength(MAX_INSTRUMENTS)),
);
const replyBase = { requestId: Id128 };

export const CsResult = v.variant('op', [
  v.strictObject({ ...replyBase, op: v.literal('buy'), coins: CoinList, blindSigs: BlindSigs }),
  v.strictObject({
    ...replyBase,
    op: v.literal('exchange'),
    coins: CoinList,
    blindSigs: BlindSigs,
  }),
  v.strictObject({ ...replyBase, op: v.literal('cashout'), check: Check }),
  v.strictObject({ ...replyBase, op: v.literal('convert'), check: Check }),
  v.strictObject({
    ...replyBase,
    op: v.literal('triplet'),
    /** One pair per `want.amounts` entry, in its order. */
    triplets: v.pipe(
      v.array(v.strictObject({ b: Coin, a: Coin })),
      v.minLength(1),
      v.maxLength(MAX_TRIPLETS),
    ),
    change: CoinList,
  }),
  v.strictObject({
    ...replyBase,
    op: v.literal('claim'),
    /** Fresh coins when C_B was not spent (empty otherwise). */
    coins: CoinList,
    /** Proof of payment to K_B when C_B was spent. */
    receipt: v.optional(CsReceipt),
  }),
  v.strictObject({
    ...replyBase,
    op: v.literal('restore'),
    /** nc1 coins found under the tags, rebuilt byte for byte, in serial order. */
    coins: CoinList,
    /** More coins under these tags after the last one (ask again with `after`). */
    more: v.boolean(),
    /** For `want.blinded`, in its order: the blind signature, or null when not signed here. */
    blindSigs: v.optional(
      v.pipe(v.array(v.nullable(RsaBytes)), v.minLength(1), v.maxLength(MAX_INSTRUMENTS)),
    ),
    /**
     * For `want.requests`, in its order: the reply stored for that request id as it was sent
     * (sealed with the requester's replyKey), or null when none is kept. It may stop short of
     * the list (a size bound): ask again for the rest.
     */
    replies: v.optional(v.pipe(v.array(v.nullable(CsReplyEnvelope)), v.maxLength(MAX_INSTRUMENTS))),
  }),
  v.strictObject({
    ...replyBase,
    op: v.literal('status'),
    states: v.pipe(
      v.array(v.picklist(['outstanding', 'spent'])),
      v.minLength(1),
      v.maxLength(MAX_INSTRUMENTS),
    ),
  }),
]);

export type CoinInstrument = v.InferOutput<typeof CoinInstrument>;
export type BlindedOutput = v.InferOutput<typeof BlindedOutput>;
export type Outputs = v.InferOutput<typeof Outputs>;
export type CheckInstrument = v.InferOutput<typeof CheckInstrument>;
export type BuyRequest = v.InferOutput<typeof BuyRequest>;
export type ExchangeRequest = v.InferOutput<typeof ExchangeRequest>;
export type CashoutRequest = v.InferOutput<typeof CashoutRequest>;
export type ConvertRequest = v.InferOutput<typeof ConvertRequest>;
export type TripletRequest = v.InferOutput<typeof TripletRequest>;
export type ClaimRequest = v.InferOutput<typeof ClaimRequest>;
export type RestoreRequest = v.InferOutput<typeof RestoreRequest>;
export type CoinStatusRequest = v.InferOutput<typeof CoinStatusRequest>;
export type CsRequest = v.InferOutput<typeof CsRequest>;
export type CsOp = CsRequest['op'];
export type CsResult = v.InferOutput<typeof CsResult>;
export type CsResultOf<Op extends CsOp> = Extract<CsResult, { op: Op }>;
export type CsRequestEnvelope = v.InferOutput<typeof CsRequestEnvelope>;
export type CsReplyEnvelope = v.InferOutput<typeof CsReplyEnvelope>;
