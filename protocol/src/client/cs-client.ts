/**
 * Client side of paper figure 3: seal a request to a currency server's certificate, post it to
 * the first address that answers, open the sealed reply. Retrying with the *same* request object
 * (same requestId and replyKey) is always safe: the CS returns its stored reply.
 */
import type { CryptoProvider } from '../crypto/provider.ts';
import { toB64u } from '../encoding/base64url.ts';
import { utf8 } from '../encoding/utf8.ts';
import { fail, type Result } from '../errors.ts';
import { endpoint, PATHS } from '../paths.ts';
import type { CsOp, CsRequest, CsResultOf } from '../schema/cs-messages.ts';
import { CsReplyEnvelope } from '../schema/cs-messages.ts';
import { openCsReply, sealCsRequest } from '../seal.ts';
import { type HttpOptions, postJson } from './http.ts';

/** The parts of a certificate a requester needs. */
export interface CsTarget {
  readonly certId: string;
  readonly encKey: string;
  readonly addresses: readonly string[];
}

export async function callCs<Op extends CsOp>(
  p: CryptoProvider,
  target: CsTarget,
  request: Extract<CsRequest, { op: Op }>,
  options: HttpOptions = {},
): Promise<Result<CsResultOf<Op>>> {
  const envelope = sealCsRequest(p, target, request);
  let last: Result<CsResultOf<Op>> = fail('upstream-unavailable', 'no address');
  for (const address of target.addresses) {
    const reply = await postJson(
      endpoint(address, PATHS.cs.requests),
      envelope,
      CsReplyEnvelope,
      options,
    );
    if (!reply.ok) {
      last = reply;
      // Only an unreachable address is worth trying the next one; a refusal is final.
      if (reply.error.code === 'upstream-unavailable') continue;
      return reply;
    }
    const opened = openCsReply(p, request.replyKey, request.requestId, reply.value);
    if (!opened.ok) return opened;
    if (opened.value.op !== request.op) return fail('malformed', 'reply for another operation');
    return { ok: true, value: opened.value as CsResultOf<Op> };
  }
  return last;
}

/**
 * The `requestId` of the `convert` a CS sends to `issuer` on behalf of request `requestId`
 * (docs/PROTOCOL.md §4.5): the first 16 bytes of SHA-256("NetCash-v1 convert\n" ‖ requestId ‖
 * "\n" ‖ issuer), ids as their base64url text. Deterministic, so a retry after a crash repeats
 * the same convert; a presenter of a foreign locked coin signs its `coin-spend` for this id.
 */
export function convertRequestId(p: CryptoProvider, requestId: string, issuer: string): string {
  return toB64u(p.sha256(utf8(`NetCash-v1 convert\n${requestId}\n${issuer}`)).subarray(0, 16));
}
