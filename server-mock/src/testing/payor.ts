/**
 * The payor's side of a payment (the paper's A), built from protocol functions only, for
 * integration tests of the payee handler: read a 402 offer, pay it (1a/1b optional, 1c → 2),
 * verify the receipt, make access proofs. Coins come from server-mock's `TestClient`. No journal:
 * a test client, not a wallet.
 */
import {
  type AnyCoin,
  accessProof,
  type Certificate,
  type CryptoProvider,
  chargeRequestOf,
  type DenominationKey,
  decode,
  fail,
  formatAuthorization,
  formatPaymentCredential,
  fromB64u,
  Message1b,
  Message2,
  type Offer,
  openPayeeKeys,
  openPaymentResult,
  PaymentChallenge,
  type PaymentReceipt,
  type PaymentRequest,
  PaymentRequired,
  type PaymentResult,
  parseChallenges,
  postJson,
  type Result,
  randomId,
  randomKey,
  sealPayment,
  toB64u,
  unwrap,
  verify,
} from '@netcash/protocol';

export interface Purchase {
  readonly receipt: PaymentReceipt;
  /** K_ses, b64u: kept by the payor to prove the purchase later. */
  readonly sessionKey: string;
  readonly request: PaymentRequest;
}

/** GETs `url` expecting a 402 and returns the offer, checked against its own payee key. */
export async function fetchOffer(p: CryptoProvider, url: string): Promise<Offer> {
  const response = await fetch(url);
  if (response.status !== 402) throw new Error(`expected 402 from ${url}, got ${response.status}`);
  const { offer } = unwrap(decode(PaymentRequired, await response.json()));
  if (!verify(p, offer.body.payeeSignKey, offer)) throw new Error('offer signature');
  return offer;
}

export interface PayOptions {
  readonly requestId?: string;
  readonly replyKey?: string;
  readonly sessionKey?: string;
  /** Ask for payee keys first (1a/1b) and seal the 1c to the key returned. */
  readonly keyExchange?: boolean;
  readonly certificates?: Certificate[];
  /** Denomination keys of blind-rsa coins, sent along (absent: none). */
  readonly denominationKeys?: DenominationKey[];
}

/** The 1c message body (sealed) and its plaintext, without sending it. */
export async function paymentMessage(
  p: CryptoProvider,
  offer: Offer,
  coins: AnyCoin[],
  options: PayOptions = {},
) {
  let to = offer.body.payeeEncKey;
  if (options.keyExchange === true) {
    const kan = p.x25519.keygen();
    const m1b = unwrap(
      await postJson(
        offer.body.payUrl,
        { msg: '1a', sid: offer.body.sid, kan: toB64u(kan.publicKey) },
        Message1b,
      ),
    );
    const keys = unwrap(openPayeeKeys(p, kan.secretKey, offer.body.sid, m1b));
    if (!verify(p, offer.body.payeeSignKey, keys)) throw new Error('payee keys signature');
    to = keys.body.encKey;
  }
  const request: PaymentRequest = {
    requestId: options.requestId ?? randomId(p),
    sid: offer.body.sid,
    coins,
    certificates: options.certificates ?? [],
    ...(options.denominationKeys === undefined
      ? {}
      : { denominationKeys: options.denominationKeys }),
    replyKey: options.replyKey ?? randomKey(p),
    sessionKey: options.sessionKey ?? randomKey(p),
  };
  return { request, message: sealPayment(p, to, request) };
}

/** Sends 1c and opens message 2: the receipt or a refund (PROTOCOL §5), not yet checked. */
export async function sendPayment(
  p: CryptoProvider,
  offer: Offer,
  coins: AnyCoin[],
  options: PayOptions = {},
): Promise<Result<{ request: PaymentRequest; result: PaymentResult }>> {
  const { request, message } = await paymentMessage(p, offer, coins, options);
  const m2 = await postJson(offer.body.payUrl, message, Message2);
  if (!m2.ok) return m2;
  const opened = openPaymentResult(p, request.replyKey, request.requestId, m2.value);
  return opened.ok ? { ok: true, value: { request, result: opened.value } } : opened;
}

/** Pays `offer` with `coins` (1c → 2) and verifies the receipt; a refund is `payment-refunded`. */
export async function pay(
  p: CryptoProvider,
  offer: Offer,
  coins: AnyCoin[],
  options: PayOptions = {},
): Promise<Result<Purchase>> {
  const sent = await sendPayment(p, offer, coins, options);
  if (!sent.ok) return sent;
  const { request, result } = sent.value;
  if ('refund' in result) return fail('payment-refunded', result.refund.message);
  const { receipt } = result;
  if (!verify(p, receipt.body.payeeKey, receipt)) throw new Error('receipt signature');
  return { ok: true, value: { receipt, sessionKey: request.sessionKey, request } };
}

/** The `Authorization` header proving `purchase` for `offer`'s resource and challenge. */
export function authorization(p: CryptoProvider, purchase: Purchase, offer: Offer): string {
  return formatAuthorization(proofFor(p, purchase, offer));
}

/** The access proof of `purchase` for `offer`'s resource and challenge (both header forms). */
function proofFor(p: CryptoProvider, purchase: Purchase, offer: Offer) {
  const tid = purchase.receipt.body.tid;
  const proof = accessProof(
    p,
    fromB64u(purchase.sessionKey)!,
    tid,
    offer.body.resource,
    offer.body.challenge,
  );
  return { tid, challenge: offer.body.challenge, proof };
}

/**
 * `Authorization: Payment …` (the HTTP Payment scheme) proving `purchase`, built from nothing but
 * the `Payment` challenge of a 402's `WWW-Authenticate`, as a generic 402 client would.
 */
export function paymentAuthorization(
  p: CryptoProvider,
  purchase: Purchase,
  wwwAuthenticate: string,
): string {
  const found = parseChallenges(wwwAuthenticate).find((c) => c.scheme.toLowerCase() === 'payment');
  if (found === undefined) throw new Error('no Payment challenge');
  const challenge = unwrap(decode(PaymentChallenge, found.params));
  const { offer } = unwrap(chargeRequestOf(challenge)).methodDetails;
  return formatPaymentCredential(challenge, proofFor(p, purchase, offer));
}
