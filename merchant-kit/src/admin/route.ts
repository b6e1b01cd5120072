/**
 * `/netcash/admin`: the publisher's books in a page (and `/netcash/admin/books.json` for tools;
 * `/netcash/admin/holdings.json` is what it holds, for `netcash audit --merchant`), behind the publisher's admin token — the HTTP Basic password (any user name), so a browser asks
 * for it, or `Authorization: Bearer <token>`. Read-only: cash-outs are `netcash-merchant cashout`.
 * Without a token configured there is no admin page at all (404).
 */
import { equalBytes, type MerchantHoldings, utf8 } from '@netcash/protocol';
import { json, refuse } from '@netcash/server-kit';
import type { Catalogue } from '../server/catalogue.ts';
import type { MerchantStore } from '../server/store/types.ts';
import { publisherBooks } from './books.ts';
import { booksPage } from './page.ts';

export const ADMIN_PATH = '/netcash/admin';

export interface AdminSources {
  readonly store: MerchantStore;
  readonly catalogue: Catalogue;
  readonly holdings: () => Promise<MerchantHoldings>;
}

const PATHS = new Set([ADMIN_PATH, `${ADMIN_PATH}/books.json`, `${ADMIN_PATH}/holdings.json`]);

/** Does the request carry the token? Compared in constant time (over SHA-256-free equal-length bytes). */
export function hasToken(request: Request, token: string): boolean {
  const header = request.headers.get('authorization') ?? '';
  let given: string | null = null;
  const bearer = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  const basic = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (bearer !== null) given = bearer[1]!;
  else if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    given = decoded.slice(decoded.indexOf(':') + 1);
  }
  if (given === null) return false;
  const a = utf8(given);
  const b = utf8(token);
  return a.length === b.length && equalBytes(a, b);
}

/** The handler for an admin path, or undefined when `path` is not one (or there is no token). */
export function adminRoute(
  token: string | undefined,
  sources: AdminSources,
): (path: string) => ((request: Request) => Promise<Response>) | undefined {
  if (token !== undefined && token.length < 16) {
    throw new TypeError('adminToken must be at least 16 characters');
  }
  return (path) => {
    if (token === undefined) return undefined;
    if (!PATHS.has(path)) return undefined;
    return async (request) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return refuse('method-not-allowed', 'the admin page is read-only');
      }
      if (!hasToken(request, token)) {
        return refuse('unauthorized', 'the admin token is required', {
          'www-authenticate': 'Basic realm="NetCash publisher", charset="UTF-8"',
        });
      }
      if (path.endsWith('/holdings.json')) {
        return json(200, await sources.holdings(), { 'cache-control': 'no-store' });
      }
      const books = await publisherBooks(sources.store, sources.catalogue);
      if (path.endsWith('.json')) return json(200, books, { 'cache-control': 'no-store' });
      return new Response(booksPage(books), {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          'x-frame-options': 'DENY',
        },
      });
    };
  };
}
