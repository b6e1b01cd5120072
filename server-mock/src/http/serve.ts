/**
 * How each server of the federation goes on the network: its handler behind the pieces all of
 * them use — the request log and, unless turned off, the per-client rate limit (with the
 * federation's CORS headers on a 429, so a wallet page can read it) — on server-kit's listener,
 * with explicit connection deadlines and, given a certificate, TLS. A server's direct routes
 * (the currency server's sealed requests) get the same pieces through their direct faces.
 */
import {
  compose,
  composeDirect,
  corsHeaders,
  type DirectRoute,
  type FetchHandler,
  type Listening,
  type Logger,
  listen,
  logRequests,
  type Piece,
  type RateLimitOptions,
  rateLimit,
  type ServerTimeouts,
  type TlsOptions,
} from '@netcash/server-kit';
import { FEDERATION_CORS } from './cors.ts';

/** What every server's config says about serving. */
export interface Serving {
  readonly host?: string;
  /** 0 (default) lets the OS pick. */
  readonly port?: number;
  /** Serve HTTPS with this certificate and key. */
  readonly tls?: TlsOptions;
  /** Connection deadlines (default: server-kit's DEFAULT_TIMEOUTS). */
  readonly timeouts?: ServerTimeouts;
  /**
   * Requests per client address (default: server-kit's DEFAULT_RATE_LIMIT); `false` turns the
   * limit off — the test harness and benchmarks, which send everything from one address.
   */
  readonly rateLimit?: RateLimitOptions | false;
}

export function serve(
  handler: FetchHandler,
  log: Logger,
  serving: Serving & { readonly maxBodyBytes: number },
  direct: readonly DirectRoute[] = [],
): Promise<Listening> {
  const pieces: Piece[] = [logRequests(log)];
  if (serving.rateLimit !== false) {
    pieces.push(rateLimit({ ...serving.rateLimit, headers: corsHeaders(FEDERATION_CORS) }));
  }
  return listen(compose(handler, ...pieces), {
    host: serving.host,
    port: serving.port,
    maxBodyBytes: serving.maxBodyBytes,
    direct: direct.map((route) => ({ ...route, handler: composeDirect(route.handler, ...pieces) })),
    tls: serving.tls,
    timeouts: serving.timeouts,
    log,
  });
}
