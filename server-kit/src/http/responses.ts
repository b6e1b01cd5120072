/**
 * JSON responses and refusals with the stable codes of protocol/src/errors.ts: the body of a
 * refusal is `{ error: { code, message, detail? } }` and its status is the code's (PROTOCOL §9).
 * Answers are never cached: every one is about money or keys of this moment.
 */
import { type ErrorCode, NetCashError } from '@netcash/protocol';

export function json(
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
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
