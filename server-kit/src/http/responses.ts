/**
 * JSON responses and refusals with the stable codes of protocol/src/errors.ts: the body of a
 * refusal is `{ error: { code, message, detail? } }` and its status is the code's (PROTOCOL §9).
 * Answers are never cached: every one is about money or keys of this moment.
 */
import { type ErrorCode, NetCashError } from '@netcash/protocol';
import type { DirectAnswer } from './handler.ts';

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' } as const;

export function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** `json` for a direct route (handler.ts): the same status, headers and body. */
export function jsonAnswer(
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): DirectAnswer {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body };
}

/** `refusal` for a direct route. */
export function refusalAnswer(
  error: NetCashError,
  headers: Readonly<Record<string, string>> = {},
): DirectAnswer {
  return jsonAnswer(error.status, JSON.stringify({ error: error.toBody() }), headers);
}

export function refusal(
  error: NetCashError,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return json(error.status, { error: error.toBody() }, headers);
}

export function refuse(
  code: ErrorCode,
  message?: string,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return refusal(new NetCashError(code, message), headers);
}
