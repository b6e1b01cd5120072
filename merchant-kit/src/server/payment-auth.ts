/**
 * The payee's side of the HTTP `Payment` scheme (draft-ryan-httpauth-payment; PROTOCOL §6.1),
 * beside `WWW-Authenticate: NetCash`: each 402 also carries a `Payment` challenge whose `request`
 * holds the signed offer, so a generic 402 client discovers the price, the currency and where to
 * pay; a credential `Authorization: Payment …` carries the same access proof as
 * `Authorization: NetCash …`.
 *
 * The challenge `id` is the draft's recommended stateless binding: HMAC-SHA256 over
 * `realm|method|intent|request|expires|digest|opaque` under a key derived from the merchant's
 * challenge secret, so an echoed challenge whose parameters were changed is refused.
 */
import {
  type AccessProof,
  b64uJson,
  chargeRequestOf,
  equalBytes,
  fromB64u,
  type NetCashChargeRequest,
  type Offer,
  PAYMENT_INTENT,
  PAYMENT_METHOD,
  type PaymentChallenge,
  parsePaymentCredential,
  rfc3339,
  toB64u,
  utf8,
} from '@netcash/protocol';
import type { MerchantContext } from './context.ts';

/** Problem types of the draft (RFC 9457 `type` URIs under its base). */
export type PaymentProblem =
  | 'payment-required'
  | 'malformed-credential'
  | 'invalid-challenge'
  | 'payment-expired'
  | 'verification-failed';

const PROBLEM_BASE = 'https://paymentauth.org/problems/';

const TITLES: Record<PaymentProblem, string> = {
  'payment-required': 'Payment Required',
  'malformed-credential': 'Malformed credential',
  'invalid-challenge': 'Invalid challenge',
  'payment-expired': 'Payment expired',
  'verification-failed': 'Verification failed',
};

function bindingId(ctx: MerchantContext, c: Omit<PaymentChallenge, 'id'>): string {
  const key = ctx.p.hmacSha256(ctx.keys.macKey, utf8('NetCash-v1 payment-auth'));
  const slots = [
    c.realm,
    c.method,
    c.intent,
    c.request,
    c.expires ?? '',
    c.digest ?? '',
    c.opaque ?? '',
  ];
  return toB64u(ctx.p.hmacSha256(key, utf8(slots.join('|'))));
}

/** The `Payment` challenge of a 402 for `offer` (realm: the site's host). */
export function paymentChallenge(
  ctx: MerchantContext,
  offer: Offer,
  realm: string,
): PaymentChallenge {
  const o = offer.body;
  const request: NetCashChargeRequest = {
    amount: String(o.amount),
    currency: o.currency,
    recipient: o.payeeSignKey,
    description: o.description,
    externalId: o.sid,
    methodDetails: { offer },
  };
  const unbound = {
    realm,
    method: PAYMENT_METHOD,
    intent: PAYMENT_INTENT,
    request: b64uJson(request),
    expires: rfc3339(o.expires),
  };
  return { id: bindingId(ctx, unbound), ...unbound, description: o.description };
}

export interface PaymentRefusal {
  readonly problem: PaymentProblem;
  readonly detail: string;
}

/**
 * The NetCash access proof inside `Authorization: Payment …`, once the echoed challenge is one
 * this merchant issued for this realm, unchanged and unexpired. The proof itself is checked by
 * the caller, as for `Authorization: NetCash`.
 */
export function proofOfCredential(
  ctx: MerchantContext,
  header: string,
  realm: string,
):
  | { readonly ok: true; readonly value: AccessProof }
  | { readonly ok: false; readonly error: PaymentRefusal } {
  const refuse = (problem: PaymentProblem, detail: string) => ({
    ok: false as const,
    error: { problem, detail },
  });
  const credential = parsePaymentCredential(header);
  if (!credential.ok) return refuse('malformed-credential', credential.error.message);
  const { challenge, payload } = credential.value;
  const { id, description: _shown, ...bound } = challenge;
  const expected = fromB64u(bindingId(ctx, bound));
  const given = fromB64u(id);
  if (
    expected === null ||
    given === null ||
    !equalBytes(expected, given) ||
    challenge.realm !== realm ||
    challenge.method !== PAYMENT_METHOD ||
    challenge.intent !== PAYMENT_INTENT
  ) {
    return refuse('invalid-challenge', 'this challenge was not issued here or was changed');
  }
  const expires = challenge.expires === undefined ? Number.NaN : Date.parse(challenge.expires);
  if (!(expires > ctx.now() * 1000)) return refuse('payment-expired', 'the challenge has expired');
  const request = chargeRequestOf(challenge);
  if (!request.ok || request.value.methodDetails.offer.body.challenge !== payload.challenge) {
    return refuse('invalid-challenge', 'the proof answers another challenge');
  }
  return { ok: true, value: payload };
}

/** An RFC 9457 problem body for a 402, with NetCash's own error beside it. */
export function problemBody(problem: PaymentProblem, detail: string, code?: string) {
  return {
    type: PROBLEM_BASE + problem,
    title: TITLES[problem],
    status: 402,
    detail,
    ...(code === undefined ? {} : { error: { code, message: detail } }),
  };
}
