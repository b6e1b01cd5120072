/**
 * Transient or permanent: the one answer every NetCash client gives to "may I send this again?".
 *
 * A *transient* failure says nothing about the outcome — the server may not have received the
 * request, may have acted and lost the reply, or is briefly overloaded — so the requester sends
 * the *same* request again later (same request id: servers answer a repeat with their stored
 * reply, PROTOCOL.md §4.4). A *permanent* refusal is the server's final word on that request and
 * changed nothing (bad input, double spend, expired…): sending it again cannot help.
 */
import type { ErrorCode, NetCashError } from '../errors.ts';

/** Codes that leave the outcome open: retry with the same request id. */
export const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'upstream-unavailable',
  'timeout',
  'internal',
  'rate-limited',
  'busy',
]);

export type Transience = 'transient' | 'permanent';

/** Whether a refusal (or its code) leaves the outcome open. */
export function isTransient(error: NetCashError | ErrorCode): boolean {
  return TRANSIENT_CODES.has(typeof error === 'string' ? error : error.code);
}

export function classify(error: NetCashError | ErrorCode): Transience {
  return isTransient(error) ? 'transient' : 'permanent';
}

/**
 * The registry code for an HTTP status that came without a NetCash error body (a proxy's page,
 * a bare status): 408 → `timeout`, 429 → `rate-limited`, any 5xx → `upstream-unavailable`
 * (transient); anything else that is not a success → `malformed` (permanent: the answer is not
 * one a NetCash server gives).
 */
export function codeOfStatus(status: number): ErrorCode {
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'upstream-unavailable';
  return 'malformed';
}
