/**
 * Payment messages between wallet (A, payor) and merchant (B, payee): SPEC §5, paper figure 4.
 *
 *   1a. K_AN                                              A → B   (optional)
 *   1b. {K_BN} K_AN                                        B → A   (optional)
 *   1c. {coins, SK_AN1, K_ses, S_id} K_BN, certificates    A → B
 *   2.  {{amount, T_id, date} K_BN^-1} SK_AN1              B → A
 *       or, when the payee could not complete a payment it had partly taken (coins of two
 *       issuers, one exchange done, the other refused for good), {refund} SK_AN1: the value it
 *       took, as fresh coins — never value taken without a receipt.
 *
 * All are posted to the offer's `payUrl` as JSON discriminated by `msg`.
 */
import * as v from 'valibot';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import { AnyCoin, Certificate, DenominationKey, PaymentReceipt } from './objects.ts';
import { bytesMax, Id128, Key32, Nonce, PublicKey, Text, Token } from './primitives.ts';

export const MAX_PAYMENT_COINS = 64;
const MAX_SEALED = 256 * 1024;

/** 1a: the wallet's fresh anonymous X25519 key K_AN. */
export const Message1a = v.strictObject({ msg: v.literal('1a'), sid: Token, kan: PublicKey });
/** 1b: signed PayeeKeys sealed (HPKE) to K_AN. */
export const Message1b = v.strictObject({
  msg: v.literal('1b'),
  enc: Key32,
  ct: bytesMax(MAX_SEALED),
});
/** 1c: PaymentRequest sealed (HPKE) to the payee key `to` (the offer's or 1b's encKey). */
export const Message1c = v.strictObject({
  msg: v.literal('1c'),
  to: PublicKey,
  enc: Key32,
  ct: bytesMax(MAX_SEALED),
});
/** 2: PaymentResult sealed with SK_AN1 (ChaCha20-Poly1305), AAD = requestId. */
export const Message2 = v.strictObject({
  msg: v.literal('2'),
  requestId: Id128,
  nonce: Nonce,
  ct: bytesMax(MAX_SEALED),
});

export const PayeeMessage = v.variant('msg', [Message1a, Message1c]);

/** Plaintext of 1c. */
export const PaymentRequest = v.strictObject({
  /** Same id on every retry; the merchant answers a repeat with its stored reply. */
  requestId: Id128,
  sid: Token,
  /** Coins of any scheme (SPEC §7). */
  coins: v.pipe(v.array(AnyCoin), v.minLength(1), v.maxLength(MAX_PAYMENT_COINS)),
  /** Certificates of the coins' CSs (paper footnote 2: sent with the coins). */
  certificates: v.pipe(v.array(Certificate), v.maxLength(8)),
  /** Denomination keys of blind-rsa coins, likewise (absent when none). */
  denominationKeys: v.optional(v.pipe(v.array(DenominationKey), v.minLength(1), v.maxLength(32))),
  /** SK_AN1: the key message 2 is sealed with. */
  replyKey: Key32,
  /** K_ses: proves, later, that the bearer is the payor (the access proof). */
  sessionKey: Key32,
});
/**
 * Message 2 without a receipt: the payee could not complete the payment and returns the value its
 * currency server took, as fresh coins (PROTOCOL §5 "Refund"). The payor takes them into its
 * purse; the coins in `refused` were never taken and are still the payor's (or spent elsewhere).
 */
export const PaymentRefund = v.strictObject({
  /** The refusal that stopped the payment: a registered code (`double-spent`, `expired`, …). */
  code: v.picklist(Object.keys(ERROR_CODES) as ErrorCode[]),
  message: Text(280),
  /** Fresh coins worth what the payee's exchanges took of this payment. */
  coins: v.pipe(v.array(AnyCoin), v.minLength(1), v.maxLength(MAX_PAYMENT_COINS)),
  /** Serials of the payment's coins its currency server refused (nc1 or blind-rsa). */
  refused: v.pipe(v.array(bytesMax(32)), v.maxLength(MAX_PAYMENT_COINS)),
});

/** Plaintext of 2: the receipt, or a refund. */
export const PaymentResult = v.union([
  v.strictObject({ requestId: Id128, receipt: PaymentReceipt }),
  v.strictObject({ requestId: Id128, refund: PaymentRefund }),
]);

export type Message1a = v.InferOutput<typeof Message1a>;
export type Message1b = v.InferOutput<typeof Message1b>;
export type Message1c = v.InferOutput<typeof Message1c>;
export type Message2 = v.InferOutput<typeof Message2>;
export type PayeeMessage = v.InferOutput<typeof PayeeMessage>;
export type PaymentRequest = v.InferOutput<typeof PaymentRequest>;
export type PaymentResult = v.InferOutput<typeof PaymentResult>;
export type PaymentRefund = v.InferOutput<typeof PaymentRefund>;
