/**
 * JSON responses, refusals with the stable codes of protocol/src/errors.ts, and CORS for the
 * payee endpoints (PROTOCOL §5): the wallet posts 1a/1c from its extension origin without host
 * permissions, so the pay URL answers preflights and sends `Access-Control-Allow-Origin: *`
 * (no credentials: nothing here rides on cookies).
 */
import { type ErrorCode, fail, NetCashError, type Result } from '@netcash/protocol';

export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization',
  'access-control-expose-headers': 'www-authenticate',
  'access-control-max-age': '600',
};

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

export function refusal(error: NetCashError, headers: Record<string, string> = {}): Response {
  return json(error.status, { error: error.toBody() }, headers);
}

export function refuse(code: ErrorCode, message?: string, headers: Record<string, string> = {}) {
  return refusal(new NetCashError(code, message), headers);
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}

/** Reads a body of at most `maxBytes` as UTF-8 text; never throws. */
export async function readText(request: Request, maxBytes: number): Promise<Result<string>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return fail('too-large', `body over ${maxBytes} bytes`);
  let bytes: ArrayBuffer;
  try {
    bytes = await request.arrayBuffer();
  } catch {
    return fail('malformed', 'unreadable body');
  }
  if (bytes.byteLength > maxBytes) return fail('too-large', `body over ${maxBytes} bytes`);
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return fail('malformed', 'body is not UTF-8');
  }
}
