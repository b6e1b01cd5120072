/**
 * NetCash in the HTTP `Payment` authentication scheme (draft-ryan-httpauth-payment-01, since
 * renamed draft-httpauth-payment): the wire forms both ends share, so a generic 402 client can
 * discover a NetCash offer and answer it (PROTOCOL §6.1).
 *
 *   402  WWW-Authenticate: Payment id="…", realm="host", method="netcash", intent="charge",
 *          expires="RFC 3339", description="…", request=b64u(JCS({amount, currency, recipient,
 *          description, externalId: S_id, methodDetails: {offer}}))
 *        (the wallet pays the offer as in §5: 1a/1b, 1c → 2 at its payUrl)
 *   GET  Authorization: Payment b64u(JSON({challenge: the echoed parameters,
 *          payload: {tid, challenge, proof}}))          (the §6 access proof)
 *   200  Payment-Receipt: b64u(JCS({status: "success", method: "netcash", timestamp, reference: tid}))
 *
 * The challenge `id` binds the parameters (the merchant's HMAC, checked there); the NetCash
 * challenge inside the offer binds the proof to the resource, as for `Authorization: NetCash`.
 */
import * as v from 'valibot';
import { AccessProof } from './access.ts';
import { fromB64u, toB64u } from './encoding/base64url.ts';
import { canonicalize } from './encoding/jcs.ts';
import { fromUtf8, utf8 } from './encoding/utf8.ts';
import { fail, type Result } from './errors.ts';
import { decode } from './schema/decode.ts';
import { Offer } from './schema/objects.ts';
import { Token } from './schema/primitives.ts';

/** The payment method identifier NetCash uses in the scheme. */
export const PAYMENT_METHOD = 'netcash';
/** One payment for one resource: the draft's "charge" intent. */
export const PAYMENT_INTENT = 'charge';
/** Credentials are at most this long (the draft asks servers for at least 4 KB). */
export const MAX_PAYMENT_CREDENTIAL = 8192;

const Param = v.pipe(v.string(), v.maxLength(4096));

/** The parameters of a `Payment` challenge, as sent and as echoed in the credential. */
export const PaymentChallenge = v.object({
  id: v.pipe(Param, v.minLength(1)),
  realm: Param,
  method: Param,
  intent: Param,
  request: Param,
  expires: v.optional(Param),
  description: v.optional(Param),
  digest: v.optional(Param),
  opaque: v.optional(Param),
});
export type PaymentChallenge = v.InferOutput<typeof PaymentChallenge>;

/** The `request` of a NetCash charge: the draft's shared fields, the signed offer as details. */
export const NetCashChargeRequest = v.object({
  amount: v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/)),
  currency: v.string(),
  recipient: v.string(),
  description: v.string(),
  externalId: Token,
  methodDetails: v.object({ offer: Offer }),
});
export type NetCashChargeRequest = v.InferOutput<typeof NetCashChargeRequest>;

export const PaymentCredential = v.object({
  challenge: PaymentChallenge,
  source: v.optional(Param),
  payload: AccessProof,
});
export type PaymentCredential = v.InferOutput<typeof PaymentCredential>;

export interface PaymentReceiptHeader {
  readonly status: 'success';
  readonly method: string;
  readonly timestamp: string;
  readonly reference: string;
}

/** RFC 3339 date-time of Unix seconds, in UTC (`2026-12-03T10:00:00Z`). */
export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** b64u(JCS(value)): how the draft encodes `request`, `opaque` and receipts. */
export const b64uJson = (value: unknown) => toB64u(utf8(canonicalize(value)));

function decodeB64uJson(text: string): unknown {
  const bytes = fromB64u(text);
  if (bytes === null) return undefined;
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch {
    return undefined;
  }
}

const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** `Payment id="…", realm="…", …` — the parameters in the draft's order, quoted. */
export function formatPaymentChallenge(c: PaymentChallenge): string {
  const names = ['id', 'realm', 'method', 'intent', 'request', 'expires', 'description'] as const;
  const params = names.flatMap((n) => (c[n] === undefined ? [] : [`${n}=${quote(c[n])}`]));
  return `Payment ${params.join(', ')}`;
}

export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Every challenge in a `WWW-Authenticate` value (RFC 9110 §11.6.1: several may share one field,
 * separated by commas): `NetCash sid="a", Payment id="b", realm="c"` → two challenges.
 */
export function parseChallenges(header: string): Challenge[] {
  const out: { scheme: string; params: Record<string, string> }[] = [];
  const token = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/y;
  const param =
    /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[!#$%&'*+.^_`|~0-9A-Za-z-]+)/y;
  let at = 0;
  while (at < header.length) {
    param.lastIndex = at;
    const p = param.exec(header);
    if (p !== null && out.length > 0) {
      const raw = p[2]!;
      out.at(-1)!.params[p[1]!.toLowerCase()] = raw.startsWith('"')
        ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
        : raw;
      at = param.lastIndex;
    } else {
      token.lastIndex = at;
      const t = token.exec(header);
      if (t === null) break;
      out.push({ scheme: t[1]!, params: {} });
      at = token.lastIndex;
    }
    const comma = /\s*,?/y;
    comma.lastIndex = at;
    comma.exec(header);
    at = comma.lastIndex;
  }
  return out;
}

/** The NetCash charge request inside a challenge (a client reads the offer from it). */
export function chargeRequestOf(challenge: PaymentChallenge): Result<NetCashChargeRequest> {
  return decode(NetCashChargeRequest, decodeB64uJson(challenge.request));
}

/** `Authorization: Payment …` answering `challenge` with a NetCash access proof. */
export function formatPaymentCredential(challenge: PaymentChallenge, proof: AccessProof): string {
  return `Payment ${toB64u(utf8(JSON.stringify({ challenge, payload: proof })))}`;
}

/** Parses an `Authorization: Payment …` value; only the form and types are checked here. */
export function parsePaymentCredential(header: string): Result<PaymentCredential> {
  if (header.length > MAX_PAYMENT_CREDENTIAL) return fail('malformed', 'credential too long');
  const match = /^\s*Payment\s+([A-Za-z0-9_-]+)\s*$/i.exec(header);
  if (match === null) return fail('malformed', 'not a Payment credential');
  const json = decodeB64uJson(match[1]!);
  if (json === undefined) return fail('malformed', 'the credential is not base64url JSON');
  return decode(PaymentCredential, json);
}

export function formatPaymentReceipt(tid: string, date: number): string {
  const receipt: PaymentReceiptHeader = {
    status: 'success',
    method: PAYMENT_METHOD,
    timestamp: rfc3339(date),
    reference: tid,
  };
  return b64uJson(receipt);
}

export function parsePaymentReceipt(header: string): PaymentReceiptHeader | undefined {
  const value = decodeB64uJson(header.trim());
  const parsed = v.safeParse(
    v.object({
      status: v.literal('success'),
      method: v.string(),
      timestamp: v.string(),
      reference: v.string(),
    }),
    value,
  );
  return parsed.success ? parsed.output : undefined;
}
