/**
 * Offers (PROTOCOL §3.9): what the 402 carries and the wallet shows and pays — the resource's
 * absolute URL, S_id, price, the payee's keys, where to pay, which coins are taken, a fresh
 * stateless challenge that the access proof will be bound to, and the terms on which it takes
 * triplet coins C_B (SPEC §6: its key and windows). Signed with the payee's key.
 */
import { type Offer, sign } from '@netcash/protocol';
import { issueChallenge } from './challenge.ts';
import type { Resource } from './config.ts';
import type { MerchantContext } from './context.ts';
import type { OwnCs } from './cs-link.ts';

export function makeOffer(
  ctx: MerchantContext,
  own: OwnCs,
  resource: Resource,
  resourceUrl: string,
  payUrl: string,
): Offer {
  const expires = ctx.now() + ctx.offerLifetime;
  return sign(ctx.p, ctx.keys.signSecret, {
    type: 'offer',
    sid: resource.sid,
    resource: resourceUrl,
    description: resource.description,
    amount: resource.price,
    currency: own.currency,
    payeeSignKey: ctx.keys.signKey,
    payeeEncKey: ctx.keys.encKey,
    payUrl,
    accepts:
      ctx.acceptCs === undefined
        ? { insurers: [...ctx.link.trust.insurerKeys] }
        : { insurers: [...ctx.link.trust.insurerKeys], cs: [...ctx.acceptCs] },
    expires,
    challenge: issueChallenge(ctx.p, ctx.keys.macKey, resourceUrl, expires),
    // C_B is locked to the offer's own key: prepaid triplets, made before any 1a, can name it.
    ...(ctx.triplets === null ? {} : { triplets: { key: ctx.keys.signKey, ...ctx.triplets } }),
  });
}

/** `WWW-Authenticate` of a 402 (PROTOCOL §5), with an RFC 6750-style `error` when one applies. */
export function wwwAuthenticate(sid: string, error?: string): string {
  return error === undefined ? `NetCash sid="${sid}"` : `NetCash sid="${sid}", error="${error}"`;
}
