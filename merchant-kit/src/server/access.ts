/**
 * The access check (PROTOCOL §6, SPEC §5 step 5): a request for a paid resource carrying
 *
 *   Authorization: NetCash tid="…", challenge="…", proof="…"
 *
 * is let through when this merchant issued the challenge for this resource and it is still fresh,
 * T_id names a receipt whose S_id is this resource's, the proof is the HMAC under that receipt's
 * K_ses (compared in constant time), and the challenge was not used before. A proof is thus bound
 * to one transaction, one resource and one challenge, and good for one request: a copied header
 * opens nothing (`challenge-used`). A revisit or a reload gets a new challenge and needs a new
 * proof, not a payment.
 */
import {
  checkAccessProof,
  fail,
  fromB64u,
  ok,
  parseAuthorization,
  type Result,
} from '@netcash/protocol';
import { checkChallenge } from './challenge.ts';
import type { Resource } from './config.ts';
import type { MerchantContext } from './context.ts';
import type { StoredReceipt } from './store/types.ts';

export async function checkAccess(
  ctx: MerchantContext,
  resource: Resource,
  resourceUrl: string,
  header: string,
): Promise<Result<StoredReceipt>> {
  const parsed = parseAuthorization(header);
  if (!parsed.ok) return parsed;
  const proof = parsed.value;
  const fresh = checkChallenge(ctx.p, ctx.keys.macKey, resourceUrl, proof.challenge, ctx.now());
  if (!fresh.ok) return fresh;
  const receipt = await ctx.store.receipt(proof.tid);
  if (receipt === undefined) return fail('unknown-transaction', 'no payment with this tid');
  if (receipt.sid !== resource.sid)
    return fail('bad-proof', 'this payment was for another resource');
  const sessionKey = fromB64u(receipt.sessionKey);
  if (sessionKey === null || !checkAccessProof(ctx.p, sessionKey, resourceUrl, proof)) {
    return fail('bad-proof');
  }
  // Spent only once the proof is good: a forged header can't use up the reader's challenge.
  if (!(await ctx.store.spendChallenge(proof.challenge, fresh.value, ctx.now()))) {
    return fail('challenge-used', 'this challenge was already used');
  }
  return ok(receipt);
}
