/**
 * The payee's side of a payment (paper figure 4, PROTOCOL §5), with figure 5's rule: the merchant
 * exchanges the coins at a currency server *before* it answers, so a double-spent coin is caught
 * while the shopper still waits.
 *
 *   1a → 1b   the payee's keys (or a fresh pair per session) sealed to the wallet's K_AN
 *   1c → 2    open, verify the coins offline (either scheme, SPEC §7: nc1 coins under their
 *             certificates, blind-rsa coins under their denomination keys — from the insurer or
 *             sent along), journal, exchange at the merchant's own CS (which
 *             converts coins of another CS at their issuer), store K_ses under T_id, answer with
 *             the signed receipt sealed with SK_AN1
 *
 * A payment made only of triplet coins C_B locked to this payee (SPEC §6) is taken offline
 * instead (payment-locked.ts): checked, answered at once, and its coins redeemed at their issuer
 * in the background before their window closes (redemption.ts).
 *
 * Crash safety, the wallet's way: the 1c and the exact CS requests it causes (request ids, reply
 * keys, the signed receipt) are journaled before any of them leaves. A retry of the 1c, the
 * re-drive (redrive.ts) or a restart sends the same requests again; the CS answers a repeat with its
 * stored reply, so no payment is lost and no coin is exchanged twice. Idempotent by request id:
 * a repeat gets the stored message 2 (or drives its journal entry), whatever has expired since —
 * 1b session keys, the offer, the coins — since only a new request id is checked against those;
 * a different payment under a used id is `request-id-reused`; a refusal from the CS
 * (`double-spent`, …) is passed on and nothing is stored.
 */
import {
  type AnyCoin,
  type CoinInstrument,
  CryptoError,
  callCs,
  convertRequestId,
  decompose,
  digest,
  fail,
  fromB64u,
  isNc1,
  type Message1a,
  type Message1b,
  type Message1c,
  type Message2,
  NetCashError,
  ok,
  openPayment,
  type PaymentReceipt,
  type PaymentRequest,
  type Result,
  randomId,
  randomKey,
  sealPayeeKeys,
  sign,
  signerIdOf,
  toB64u,
  totalValue,
  verifyCoins,
  withRetry,
} from '@netcash/protocol';
import type { MerchantContext } from './context.ts';
import type { OwnCs } from './cs-link.ts';
import { freshPayeeKeys, type PayeeKeyPair } from './keys.ts';
import { allLocked, checkLocks, takeOffline } from './payment-locked.ts';
import { settlePayment } from './payment-settle.ts';
import type { JournalExchange, PendingPayment } from './store/types.ts';

/** 1a → 1b: the payee keys for `sid`, sealed to the wallet's anonymous key K_AN. */
export async function answerKeyRequest(ctx: MerchantContext, m: Message1a): Promise<Message1b> {
  if (!ctx.bySid.has(m.sid)) throw new NetCashError('unknown-offer', `${m.sid} is not on sale`);
  const expires = ctx.now() + ctx.offerLifetime;
  const keys: PayeeKeyPair = ctx.anonymous ? freshPayeeKeys(ctx.p) : ctx.keys;
  // Signed with the offer's key, so the wallet knows the session keys come from this payee.
  const signed = sign(ctx.p, ctx.keys.signSecret, {
    type: 'payee-keys',
    sid: m.sid,
    signKey: keys.signKey,
    encKey: keys.encKey,
    expires,
  });
  // Sealed before anything is stored: a small-order K_AN (an all-zero DH, RFC 9180 §7.1.4) is
  // refused here and leaves no session keys behind.
  let sealed: Message1b;
  try {
    sealed = sealPayeeKeys(ctx.p, m.kan, signed);
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
    throw new NetCashError('weak-key', 'K_AN is of small order: no key can be agreed with it');
  }
  if (ctx.anonymous) {
    await ctx.store.putSessionKeys({
      encPublic: keys.encKey,
      encSecret: toB64u(keys.encSecret),
      signPublic: keys.signKey,
      signSecret: toB64u(keys.signSecret),
      sid: m.sid,
      expires,
    });
  }
  return sealed;
}

interface Recipient {
  readonly keys: PayeeKeyPair;
  /** Set for a 1b session: the only sid it may pay for. */
  readonly sid: string | undefined;
  /** Set for a 1b session: when its keys stop taking *new* payments. */
  readonly expires: number | undefined;
}

/**
 * The key pair a 1c is sealed to: the offer's, or a 1b session's — expired or not, since a retry of
 * a payment made before the expiry must still be opened to be answered from its record. Expiry is
 * checked only for a new request id (`plan`).
 */
async function recipientOf(ctx: MerchantContext, to: string): Promise<Result<Recipient>> {
  if (to === ctx.keys.encKey) return ok({ keys: ctx.keys, sid: undefined, expires: undefined });
  const session = await ctx.store.sessionKeys(to);
  if (session === undefined) return fail('decrypt-failed', 'not a key of this payee');
  const encSecret = fromB64u(session.encSecret);
  const signSecret = fromB64u(session.signSecret);
  if (encSecret === null || signSecret === null) return fail('internal', 'damaged session keys');
  return ok({
    keys: { signKey: session.signPublic, encKey: session.encPublic, encSecret, signSecret },
    sid: session.sid,
    expires: session.expires,
  });
}

export class PaymentDesk {
  /** One driver per request id in this process; other processes are kept apart by the store. */
  private readonly inflight = new Map<
    string,
    { digest: string; done: Promise<Result<Message2>> }
  >();

  constructor(
    private readonly ctx: MerchantContext,
    private readonly onPaid: () => void,
    /** A payment of C_B coins was taken offline: redeem them (redemption.ts). */
    private readonly onTaken: () => void = () => undefined,
  ) {}

  /** 1c → 2. */
  async pay(m: Message1c): Promise<Result<Message2>> {
    const { ctx } = this;
    const recipient = await recipientOf(ctx, m.to);
    if (!recipient.ok) return recipient;
    const opened = openPayment(ctx.p, recipient.value.keys.encSecret, m);
    if (!opened.ok) return opened;
    const request = opened.value;
    const requestDigest = digest(ctx.p, request);
    const running = this.inflight.get(request.requestId);
    if (running !== undefined) {
      if (running.digest !== requestDigest) return fail('request-id-reused');
      return running.done;
    }
    const done = this.accept(request, requestDigest, recipient.value).finally(() => {
      this.inflight.delete(request.requestId);
    });
    this.inflight.set(request.requestId, { digest: requestDigest, done });
    return done;
  }

  private async accept(
    request: PaymentRequest,
    requestDigest: string,
    recipient: Recipient,
  ): Promise<Result<Message2>> {
    const { ctx } = this;
    // A known request id is answered from its record, whatever has expired since it was made
    // (session keys, offer, coins, lock windows): only a new payment is checked against them.
    const earlier = await ctx.store.completedPayment(request.requestId);
    if (earlier !== undefined) {
      return earlier.digest === requestDigest ? ok(earlier.reply) : fail('request-id-reused');
    }
    const journaled = await ctx.store.pendingPayment(request.requestId);
    if (journaled !== undefined) {
      return journaled.digest === requestDigest ? this.drive(journaled) : fail('request-id-reused');
    }
    const planned = await this.plan(request, requestDigest, recipient);
    if (!planned.ok) return planned;
    const { pending, offline } = planned.value;
    if (offline) {
      const taken = await takeOffline(ctx, pending, request.coins);
      if (taken.ok) this.onTaken();
      return taken;
    }
    const begun = await ctx.store.beginPayment(pending);
    switch (begun.kind) {
      case 'journaled':
        return this.drive(pending);
      case 'pending':
        if (begun.payment.digest !== requestDigest) return fail('request-id-reused');
        return this.drive(begun.payment);
      case 'completed':
        if (begun.payment.digest !== requestDigest) return fail('request-id-reused');
        return ok(begun.payment.reply);
    }
  }

  /** Checks the payment offline and plans the CS exchanges; nothing is stored or sent yet. */
  private async plan(
    request: PaymentRequest,
    requestDigest: string,
    recipient: Recipient,
  ): Promise<Result<{ pending: PendingPayment; offline: boolean }>> {
    const { ctx } = this;
    const now = ctx.now();
    // The receipt is dated `now`, before the session keys expire: so the keys, kept until
    // `expires` + the reply retention, outlive the stored reply (store `prune`).
    if (recipient.expires !== undefined && now >= recipient.expires) {
      return fail('expired', 'the session keys have expired');
    }
    const resource = ctx.bySid.get(request.sid);
    if (resource === undefined || (recipient.sid !== undefined && recipient.sid !== request.sid)) {
      return fail('unknown-offer', `${request.sid} is not on sale here`);
    }
    // Coins all locked to this payee are taken offline: don't wait on a CS to plan them.
    const own = await (allLocked(request.coins) ? ctx.link.ownCsNow() : ctx.link.ownCs());
    if (!own.ok) return own;
    // What the wallet sent along and was refused (an untrusted insurer's signature, a bad one):
    // a coin naming it is refused for that reason, not as merely unknown.
    const refused = new Map<string, NetCashError>();
    for (const cert of request.certificates) {
      const added = ctx.link.trust.addCertificate(cert);
      if (!added.ok) refused.set(cert.body.certId, added.error);
    }
    for (const key of request.denominationKeys ?? []) {
      const added = ctx.link.trust.addDenominationKey(key);
      if (!added.ok) refused.set(key.body.keyId, added.error);
    }
    const check = { now, currency: own.value.currency };
    let verified = verifyCoins(ctx.p, ctx.link.trust, request.coins, check);
    if (!verified.ok && verified.error.code === 'unknown-cert') {
      await ctx.link.refreshTrust();
      verified = verifyCoins(ctx.p, ctx.link.trust, request.coins, check);
    }
    if (!verified.ok && verified.error.code === 'unknown-cert') {
      const why = request.coins.map((c) => refused.get(signerIdOf(c.body))).find((e) => e);
      if (why !== undefined) return { ok: false, error: why };
    }
    if (!verified.ok) return verified;
    const accept = ctx.acceptCs;
    const stranger = verified.value.find((c) => accept !== undefined && !accept.includes(c.cs));
    if (stranger !== undefined)
      return fail('not-accepted', `coins of ${stranger.cs} are not taken`);
    const total = totalValue(verified.value);
    if (total !== resource.price) {
      return fail('wrong-amount', `paid ${total}, the price is ${resource.price}`);
    }
    const locks = checkLocks(ctx, request.coins, recipient.keys, now);
    if (!locks.ok) return locks;
    const exchanges = this.exchanges(request.coins, own.value, recipient.keys);
    if (!exchanges.ok) return exchanges;
    const receipt: PaymentReceipt = sign(ctx.p, recipient.keys.signSecret, {
      type: 'payment-receipt',
      tid: randomId(ctx.p),
      sid: request.sid,
      amount: resource.price,
      currency: own.value.currency,
      date: now,
      payeeKey: recipient.keys.signKey,
    });
    return ok({
      pending: {
        requestId: request.requestId,
        digest: requestDigest,
        receipt,
        sessionKey: request.sessionKey,
        replyKey: request.replyKey,
        exchanges: exchanges.value,
        created: now,
      },
      offline: locks.value.offline,
    });
  }

  /**
   * One `exchange` per issuer (a CS refuses a request mixing its own and another's coins); coins
   * of another CS are converted by the merchant's CS at their issuer (PROTOCOL §4.3).
   */
  private exchanges(
    coins: readonly AnyCoin[],
    own: OwnCs,
    recipient: PayeeKeyPair,
  ): Result<JournalExchange[]> {
    const { p } = this.ctx;
    const byIssuer = new Map<string, AnyCoin[]>();
    for (const coin of coins)
      byIssuer.set(coin.body.cs, [...(byIssuer.get(coin.body.cs) ?? []), coin]);
    const out: JournalExchange[] = [];
    for (const [issuer, group] of byIssuer) {
      const values = decompose(totalValue(group.map((c) => c.body)), own.denominations);
      if (values === null || values.length === 0 || values.length > 64) {
        return fail('bad-denomination', `${own.csName} cannot mint this amount`);
      }
      const requestId = randomId(p);
      // A foreign locked coin travels on in the CS's derived convert: its spend names that id.
      const spendId = issuer === own.csName ? requestId : convertRequestId(p, requestId, issuer);
      const instruments: CoinInstrument[] = group.map((coin) =>
        !isNc1(coin) || coin.body.lock === undefined
          ? { kind: 'coin', coin }
          : {
              kind: 'coin',
              coin,
              // Signed by the key the coin is locked to: the 1b session's or the offer's.
              spend: sign(p, this.secretFor(coin.body.lock.owner, recipient), {
                type: 'coin-spend',
                serial: coin.body.serial,
                requestId: spendId,
              }),
            },
      );
      out.push({
        issuer,
        target: own.target,
        request: {
          requestId,
          op: 'exchange',
          instruments,
          want: { values },
          replyKey: randomKey(p),
        },
      });
    }
    return ok(out);
  }

  private secretFor(owner: string, recipient: PayeeKeyPair): Uint8Array {
    return owner === recipient.signKey ? recipient.signSecret : this.ctx.keys.signSecret;
  }

  /**
   * Sends the journaled exchanges (again), each retried with the same request id while its
   * failure is transient (the retry policy), and settles the payment by what the CS answered
   * (payment-settle.ts: receipt, refund, refusal, or still open).
   */
  private async drive(pending: PendingPayment): Promise<Result<Message2>> {
    const { ctx } = this;
    const http = ctx.fetch === undefined ? {} : { fetch: ctx.fetch };
    const outcomes = await Promise.all(
      pending.exchanges.map((x) =>
        withRetry(ctx.retry, () => callCs(ctx.p, x.target, x.request, http)),
      ),
    );
    const settled = await settlePayment(ctx, pending, outcomes);
    if (settled.paid) this.onPaid();
    return settled.reply;
  }

  /** Re-drives every journaled payment (at start, and by redrive.ts while any stays open). */
  async redrive(): Promise<void> {
    for (const pending of await this.ctx.store.pendingPayments()) {
      if (this.inflight.has(pending.requestId)) continue;
      const done = this.drive(pending).finally(() => this.inflight.delete(pending.requestId));
      this.inflight.set(pending.requestId, { digest: pending.digest, done });
      await done; // a payment still open says so in the log (payment-settle.ts)
    }
  }
}
