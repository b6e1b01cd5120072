/**
 * The access proof (SPEC §5 step 5, PROTOCOL.md §6) and repurchase detection.
 *
 * K_ses stays in the wallet; the page gets only `HMAC(K_ses, tid, resource, challenge)` for the
 * offer's resource and fresh challenge. A receipt is found by what was bought — the offer's payee
 * key and `sid` — and proved only to the site that paid for it, so one site can't learn what the
 * shopper bought elsewhere by replaying another site's offer.
 */
import {
  type AccessResult,
  accessProof,
  formatAuthorization,
  fromB64u,
  NetCashError,
  type Offer,
} from '@netcash/protocol';
import type { Core } from './context.ts';
import type { ReceiptRow } from './db/schema.ts';

/** The receipt for this offer's payee and sid bought from `origin`, if any (newest first). */
export async function findReceipt(
  core: Core,
  offer: Offer,
  origin: string,
): Promise<ReceiptRow | undefined> {
  const rows = await core.db.getAllFromIndex('receipts', 'bySid', [
    offer.body.payeeSignKey,
    offer.body.sid,
  ]);
  return rows.filter((r) => r.origin === origin).sort((a, b) => b.date - a.date)[0];
}

/** The proof for `offer`'s resource and challenge under the receipt's K_ses. */
export function accessFor(
  core: Core,
  row: ReceiptRow,
  offer: Offer,
  repeat: boolean,
): AccessResult {
  const key = fromB64u(row.sessionKey);
  if (key === null) throw new NetCashError('internal', 'stored session key is damaged');
  const { resource, challenge } = offer.body;
  const proof = accessProof(core.p, key, row.tid, resource, challenge);
  return {
    tid: row.tid,
    resource,
    challenge,
    proof,
    authorization: formatAuthorization({ tid: row.tid, challenge, proof }),
    repeat,
    receipt: row.receipt,
  };
}

/** Proves an earlier purchase of `offer` from `origin`; never pays. */
export async function prove(core: Core, offer: Offer, origin: string): Promise<AccessResult> {
  const row = await findReceipt(core, offer, origin);
  if (row === undefined) {
    throw new NetCashError('unknown-transaction', 'This wallet has not bought this yet.');
  }
  return accessFor(core, row, offer, true);
}
