/**
 * A minimal payor (the paper's A) built from protocol functions only, for integration tests of
 * the payee handler against a real federation: opens a demo bank account, buys coins from a
 * currency server with a check, reads a 402 offer, pays it (1a/1b optional, 1c → 2), verifies
 * the receipt and makes access proofs. It keeps no journal: it is a test client, not a wallet.
 */
import {
  accessProof,
  BankInfo,
  type Certificate,
  type Coin,
  type CryptoProvider,
  CsInfo,
  callCs,
  decode,
  endpoint,
  formatAuthorization,
  fromB64u,
  getJson,
  Message1b,
  Message2,
  nowSeconds,
  type Offer,
  OpenAccountReply,
  openPayeeKeys,
  openPaymentResult,
  PATHS,
  type PaymentReceipt,
  type PaymentRequest,
  PaymentRequired,
  postJson,
  type Result,
  randomId,
  randomKey,
  sealPayment,
  toB64u,
  unwrap,
  verify,
  writeCheck,
} from '@netcash/protocol';

export interface Purchase {
  readonly receipt: PaymentReceipt;
  /** K_ses, b64u: kept by the payor to prove the purchase later. */
  readonly sessionKey: string;
  readonly request: PaymentRequest;
}

export class TestPayor {
  coins: Coin[] = [];

  private constructor(
    readonly p: CryptoProvider,
    readonly bankUrl: string,
    readonly bankName: string,
    readonly account: string,
    private readonly secretKey: Uint8Array,
  ) {}

  static async open(p: CryptoProvider, bankUrl: string): Promise<TestPayor> {
    const info = unwrap(await getJson(endpoint(bankUrl, PATHS.bank.info), BankInfo));
    const keys = p.ed25519.keygen();
    const opened = unwrap(
      await postJson(
        endpoint(bankUrl, PATHS.bank.accounts),
        { signKey: toB64u(keys.publicKey), holder: 'test payor' },
        OpenAccountReply,
      ),
    );
    return new TestPayor(p, bankUrl, info.name, opened.account, keys.secretKey);
  }

  /** Buys coins of `values` from the CS at `csUrl` with a check on this payor's account. */
  async buy(csUrl: string, values: number[]): Promise<Coin[]> {
    const info = unwrap(await getJson(endpoint(csUrl, PATHS.cs.info), CsInfo));
    const cert = info.certificates[0]!.body;
    const now = nowSeconds();
    const check = writeCheck(this.p, this.secretKey, {
      bank: cert.bank,
      drawer: this.account,
      payee: cert.account,
      amount: values.reduce((a, b) => a + b, 0),
      currency: cert.currency,
      checkNo: randomId(this.p).replace(/[^A-Za-z0-9]/g, 'x'),
      issued: now,
      expires: now + 86_400,
      memo: 'coins',
    });
    const reply = unwrap(
      await callCs(this.p, cert, {
        requestId: randomId(this.p),
        op: 'buy',
        instruments: [{ kind: 'check', check }],
        want: { values },
        replyKey: randomKey(this.p),
      }),
    );
    this.coins.push(...reply.coins);
    return reply.coins;
  }

  /** Takes coins summing exactly to `amount` (test purses are bought to fit). */
  take(amount: number): Coin[] {
    const out: Coin[] = [];
    let left = amount;
    for (const coin of [...this.coins].sort((a, b) => b.body.value - a.body.value)) {
      if (coin.body.value <= left) {
        out.push(coin);
        left -= coin.body.value;
      }
    }
    if (left !== 0) throw new Error(`no exact coins for ${amount}`);
    this.coins = this.coins.filter((c) => !out.includes(c));
    return out;
  }
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
}

/** The 1c message body (sealed) and its plaintext, without sending it. */
export async function paymentMessage(
  p: CryptoProvider,
  offer: Offer,
  coins: Coin[],
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
    replyKey: options.replyKey ?? randomKey(p),
    sessionKey: options.sessionKey ?? randomKey(p),
  };
  return { request, message: sealPayment(p, to, request) };
}

/** Pays `offer` with `coins` (1c → 2) and verifies the receipt. */
export async function pay(
  p: CryptoProvider,
  offer: Offer,
  coins: Coin[],
  options: PayOptions = {},
): Promise<Result<Purchase>> {
  const { request, message } = await paymentMessage(p, offer, coins, options);
  const m2 = await postJson(offer.body.payUrl, message, Message2);
  if (!m2.ok) return m2;
  const opened = openPaymentResult(p, request.replyKey, request.requestId, m2.value);
  if (!opened.ok) return opened;
  const { receipt } = opened.value;
  if (!verify(p, receipt.body.payeeKey, receipt)) throw new Error('receipt signature');
  return { ok: true, value: { receipt, sessionKey: request.sessionKey, request } };
}

/** The `Authorization` header proving `purchase` for `offer`'s resource and challenge. */
export function authorization(p: CryptoProvider, purchase: Purchase, offer: Offer): string {
  const tid = purchase.receipt.body.tid;
  const proof = accessProof(
    p,
    fromB64u(purchase.sessionKey)!,
    tid,
    offer.body.resource,
    offer.body.challenge,
  );
  return formatAuthorization({ tid, challenge: offer.body.challenge, proof });
}
