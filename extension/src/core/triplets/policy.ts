/**
 * When a payment is made with triplet coins (SPEC §6; docs/PROTOCOL.md §5.2 says why):
 *
 *   prepaid    the site was prepaid and unused C_B for its key sum exactly to the price: always
 *              (the value already left the purse; the payment needs no currency server)
 *   protected  the site publishes triplet terms and the price is at least the shopper's
 *              `protectFrom` (default 1.00): a triplet costs one request to the currency server
 *              and up to `lead + protectWindow` of waiting before a silent payee's coins can be
 *              claimed back, which is worth it where a lost payment would hurt, not for cents
 *   neither    an ordinary payment (reclaimed by exchange if the payee stays silent)
 */
import type { Offer } from '@netcash/protocol';
import type { Core } from '../context.ts';
import { choosePrepaid } from './prepay.ts';

export type PaymentProtection = 'protected' | 'prepaid';

/** The default `protectFrom`: payments of 1.00 and more are protected (in minor units). */
export const PROTECT_FROM = 100;

/** The stored setting, or the default when absent or not a whole amount. */
export function protectFromSetting(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    ? value
    : PROTECT_FROM;
}

/** Whether an ordinary payment of `offer` would be protected under the shopper's setting. */
export function protects(offer: Offer, protectFrom: number): boolean {
  return offer.body.triplets !== undefined && offer.body.amount >= protectFrom;
}

/** How a payment of `offer` would be made now (what the approval window says). */
export async function protectionFor(
  core: Core,
  offer: Offer,
  protectFrom: number,
): Promise<PaymentProtection | undefined> {
  if (offer.body.triplets === undefined) return undefined;
  const ops = await core.db.getAllFromIndex('ops', 'byStatus', 'pending');
  if (choosePrepaid(ops, offer, core.now()) !== null) return 'prepaid';
  return protects(offer, protectFrom) ? 'protected' : undefined;
}
