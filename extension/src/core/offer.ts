/**
 * Checking an offer before showing or paying it (SPEC §3 `offer`, §5 step 1): signed by its
 * payee key, not expired, paid in coins of an insurer the shopper trusts. And where the money
 * would go: the page that asks is `origin` (the browser's word, never the page's); an offer whose
 * `payUrl` or `resource` is elsewhere is *cross-origin* and may never be paid under an allowance.
 */
import { NetCashError, type Offer, type OfferBody, verify } from '@netcash/protocol';
import type { Core } from './context.ts';

export interface CheckedOffer {
  readonly body: OfferBody;
  /** Origins the offer involves other than the page's (payUrl, resource); empty when none. */
  readonly foreignOrigins: readonly string[];
}

export function checkOffer(core: Core, offer: Offer, origin: string): CheckedOffer {
  const { body } = offer;
  if (!verify(core.p, body.payeeSignKey, offer)) {
    throw new NetCashError('bad-signature', 'The offer is not signed by its seller.');
  }
  if (core.now() >= body.expires) {
    throw new NetCashError('expired', 'The offer has expired; reload the page.');
  }
  if (!body.accepts.insurers.some((k) => core.trust.trustsInsurer(k))) {
    throw new NetCashError(
      'not-accepted',
      'This site takes coins from an insurer your wallet does not trust.',
    );
  }
  const foreign = new Set<string>();
  for (const url of [body.payUrl, body.resource]) {
    const o = new URL(url).origin;
    if (o !== origin) foreign.add(o);
  }
  return { body, foreignOrigins: [...foreign] };
}
