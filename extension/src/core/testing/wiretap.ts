/**
 * What a currency server reads of a wallet's requests: a fetch for the wallet that opens every
 * request to a CS of the federation with that CS's own key, as the CS opens it, and keeps it —
 * for the privacy tests, which assert on what each party learns.
 */
import {
  type CsRequest,
  CsRequestEnvelope,
  decodeJson,
  type FetchFn,
  openCsRequest,
  unwrap,
} from '@netcash/protocol';
import { nobleProvider as p } from '@netcash/protocol/noble';
import type { Federation } from './harness.ts';

/** One request as the CS `cs` opened it, and the bytes a wire observer saw. */
export interface Seen {
  readonly cs: string;
  readonly body: string;
  readonly request: CsRequest;
}

export function csWiretap(fed: Federation): { fetch: FetchFn; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchFn: FetchFn = async (input, init) => {
    const cs = fed.cs.find((c) => input === `${c.url}/v1/requests`);
    if (cs !== undefined && typeof init?.body === 'string') {
      const envelope = unwrap(decodeJson(CsRequestEnvelope, init.body));
      const key = cs.context.keys.byCertId(envelope.certId)!.enc.secretKey;
      seen.push({
        cs: cs.name,
        body: init.body,
        request: unwrap(openCsRequest(p, key, envelope)).request,
      });
    }
    return fetch(input, init);
  };
  return { fetch: fetchFn, seen };
}

/** What `cs` read, in the order sent. */
export const readBy = (seen: readonly Seen[], cs: string): CsRequest[] =>
  seen.flatMap((s) => (s.cs === cs ? [s.request] : []));

/** The requests of operation `op` that `cs` read. */
export const ofOp = <Op extends CsRequest['op']>(seen: readonly Seen[], cs: string, op: Op) =>
  readBy(seen, cs).filter((r): r is Extract<CsRequest, { op: Op }> => r.op === op);
