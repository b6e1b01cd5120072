/**
 * The read-only requests that rebuild a wallet from its recovery phrase (docs/PROTOCOL.md §4.8):
 *
 *   restore  the unlocked nc1 coins outstanding under the tags of the secrets given, rebuilt
 *            from their rows (the certificate's address and key, the coin's expiry = the row's −
 *            redeemFor; Ed25519 is deterministic, so each is byte for byte the coin minted), the
 *            blind signatures kept with the withdrawal records of the blinded messages given, and
 *            the replies stored for the request ids given (a wallet's triplet requests: sealed
 *            with its reply key, which only it can derive again);
 *   status   whether each of the CS's own coins is still owed (an nc1 serial outstanding, a
 *            blind-rsa serial not on the spent list).
 *
 * Neither changes anything nor is stored as an idempotency record: each is answered afresh.
 */
import {
  type AnyCoinBody,
  type Coin,
  type CoinBody,
  type CoinStatusRequest,
  CsReplyEnvelope,
  type CsResult,
  decodeJson,
  fromB64u,
  MAX_INSTRUMENTS,
  NetCashError,
  type RestoreRequest,
  restoreTag,
  sealCsReply,
  sign,
  spendIdOf,
  unwrap,
  verifyRedeemable,
  withdrawalHash,
} from '@netcash/protocol';
import type { CsContext } from './context.ts';
import type { OutstandingRow } from './store.ts';

function reply(ctx: CsContext, replyKey: string, result: CsResult): string {
  return JSON.stringify(sealCsReply(ctx.p, replyKey, result));
}

/** The coin minted for `row`, rebuilt; null if its key is gone (never for a row still here). */
function rebuild(ctx: CsContext, row: OutstandingRow): Coin | null {
  const cert = ctx.trust.store.certificate(row.certId);
  const entry = ctx.keys.byCertId(row.certId);
  if (cert === undefined || entry === undefined) return null;
  const body: CoinBody = {
    type: 'coin',
    scheme: 'nc1',
    cs: ctx.name,
    addr: cert.addresses[0]!,
    certId: cert.certId,
    serial: row.serial,
    value: row.value,
    currency: ctx.currency,
    // mint() keeps a row until the coin's expiry + the certificate's redemption window.
    expires: row.expires - cert.redeemFor,
  };
  return sign(ctx.p, entry.sign.secretKey, body);
}

/** Blind signatures kept for the blinded messages (null for one not signed here). */
async function storedSigs(
  ctx: CsContext,
  blinded: NonNullable<RestoreRequest['want']['blinded']>,
): Promise<(string | null)[]> {
  if (ctx.blind === null) {
    throw new NetCashError('unsupported-scheme', `${ctx.name} does not mint blind-rsa coins`);
  }
  const hashes = blinded.map((b) => {
    const msg = fromB64u(b.msg);
    return msg === null ? '' : withdrawalHash(ctx.p, msg);
  });
  const byKey = new Map<string, string[]>();
  blinded.forEach((b, i) => {
    byKey.set(b.keyId, [...(byKey.get(b.keyId) ?? []), hashes[i]!]);
  });
  const found = new Map<string, string>();
  for (const [keyId, list] of byKey) {
    for (const [hash, sig] of await ctx.store.withdrawalSigs(keyId, list)) {
      found.set(`${keyId} ${hash}`, sig);
    }
  }
  return blinded.map((b, i) => found.get(`${b.keyId} ${hashes[i]}`) ?? null);
}

/**
 * Stored replies answered in one restore at most (JSON characters; the first always goes): with
 * a page of coins and blind signatures, the sealed answer stays under MAX_SEALED_BYTES.
 */
const REPLIES_BUDGET = 160 * 1024;

/**
 * The replies stored for `ids`, as sent (null for an id not held: never used, refused, or
 * pruned after the retention); stops short of the list past the size budget.
 */
async function storedReplies(
  ctx: CsContext,
  ids: readonly string[],
): Promise<(CsReplyEnvelope | null)[]> {
  const out: (CsReplyEnvelope | null)[] = [];
  let size = 0;
  for (const id of ids) {
    const held = await ctx.store.stored(id);
    if (held !== null && out.length > 0 && size + held.reply.length > REPLIES_BUDGET) break;
    size += held?.reply.length ?? 0;
    out.push(held === null ? null : unwrap(decodeJson(CsReplyEnvelope, held.reply)));
  }
  return out;
}

export async function restore(ctx: CsContext, request: RestoreRequest): Promise<string> {
  const { want } = request;
  let coins: Coin[] = [];
  let more = false;
  if (want.secrets !== undefined) {
    const tags = want.secrets.map((s) => restoreTag(ctx.p, s));
    const rows = await ctx.store.tagged(tags, want.after, MAX_INSTRUMENTS + 1);
    more = rows.length > MAX_INSTRUMENTS;
    coins = rows.slice(0, MAX_INSTRUMENTS).flatMap((row) => rebuild(ctx, row) ?? []);
  }
  const blindSigs = want.blinded === undefined ? undefined : await storedSigs(ctx, want.blinded);
  const replies = want.requests === undefined ? undefined : await storedReplies(ctx, want.requests);
  return reply(ctx, request.replyKey, {
    requestId: request.requestId,
    op: 'restore',
    coins,
    more,
    ...(blindSigs === undefined ? {} : { blindSigs }),
    ...(replies === undefined ? {} : { replies }),
  });
}

export async function status(ctx: CsContext, request: CoinStatusRequest): Promise<string> {
  await ctx.trust.ensureSignersOf(request.instruments.map((i) => i.coin));
  await ctx.trust.refreshRevocations();
  const now = ctx.now();
  const bodies: AnyCoinBody[] = request.instruments.map(
    (i) =>
      unwrap(
        verifyRedeemable(ctx.p, ctx.trust.store, i.coin, {
          now,
          currency: ctx.currency,
          cs: ctx.name,
        }),
      ).body,
  );
  const held = await ctx.store.standing(
    bodies.flatMap((b) => (b.scheme === 'nc1' ? [spendIdOf(b)] : [])),
    bodies.flatMap((b) => (b.scheme === 'blind-rsa' ? [spendIdOf(b)] : [])),
  );
  const states = bodies.map((b) =>
    (b.scheme === 'nc1' ? held.outstanding.has(spendIdOf(b)) : !held.spent.has(spendIdOf(b)))
      ? ('outstanding' as const)
      : ('spent' as const),
  );
  return reply(ctx, request.replyKey, { requestId: request.requestId, op: 'status', states });
}
