/** JSON responses and refusals with the stable error codes of protocol/src/errors.ts. */
import { NetCashError } from '@netcash/protocol';

/**
 * Public NetCash endpoints are called from the wallet's extension origin and from pages, with no
 * cookies: `*` without credentials is the least the browser needs and grants nothing else.
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, authorization',
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

export function errorResponse(error: NetCashError, headers: Record<string, string> = {}): Response {
  return json(error.status, { error: error.toBody() }, headers);
}

export function refuse(...args: ConstructorParameters<typeof NetCashError>): Response {
  return errorResponse(new NetCashError(...args));
}
