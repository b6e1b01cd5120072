/**
 * JSON responses and refusals with the stable error codes of protocol/src/errors.ts — the same
 * helpers as the payee's (merchant-kit), with the currency servers' CORS policy.
 */
import { json, refusal } from '@netcash/merchant-kit/http';
import { NetCashError } from '@netcash/protocol';

export { json, refusal as errorResponse };

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

export function refuse(...args: ConstructorParameters<typeof NetCashError>): Response {
  return refusal(new NetCashError(...args));
}
