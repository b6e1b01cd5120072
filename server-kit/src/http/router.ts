/**
 * A small router for fetch-standard handlers: method + path patterns with `:params`, the
 * server's CORS policy on the routes marked public, 404/405 with error codes, and a catch-all
 * that turns a thrown NetCashError into its refusal and anything else into `internal` (logged,
 * never leaked).
 */
import { asNetCashError, NetCashError } from '@netcash/protocol';
import type { Logger } from '../log.ts';
import { type CorsPolicy, corsHeaders } from './cors.ts';
import { refusal } from './responses.ts';

export type RouteHandler = (
  request: Request,
  params: Record<string, string>,
) => Response | Promise<Response>;

interface Route {
  readonly method: string;
  readonly parts: readonly string[];
  readonly handler: RouteHandler;
  readonly cors: boolean;
}

export class Router {
  private readonly routes: Route[] = [];
  private readonly cors: Readonly<Record<string, string>>;

  /** `cors`: the policy of the routes marked `cors` (browsers may call them). */
  constructor(
    private readonly log: Logger,
    cors: CorsPolicy,
  ) {
    this.cors = corsHeaders(cors);
  }

  /** `cors`: callable from browsers (extension, pages). Admin routes are not. */
  on(
    method: 'GET' | 'POST',
    pattern: string,
    handler: RouteHandler,
    options: { cors?: boolean } = {},
  ): this {
    this.routes.push({ method, parts: pattern.split('/'), handler, cors: options.cors ?? false });
    return this;
  }

  private match(path: string): { route: Route; params: Record<string, string> }[] {
    const parts = path.split('/');
    const found: { route: Route; params: Record<string, string> }[] = [];
    for (const route of this.routes) {
      if (route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const want = route.parts[i]!;
        const got = parts[i]!;
        if (want.startsWith(':')) {
          try {
            params[want.slice(1)] = decodeURIComponent(got);
          } catch {
            ok = false;
          }
          ok &&= got.length > 0;
        } else ok = want === got;
      }
      if (ok) found.push({ route, params });
    }
    return found;
  }

  /** Routes one request (the request log is a piece of its own: request-log.ts). */
  readonly handle = (request: Request): Promise<Response> => this.route(request);

  private async route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const matches = this.match(url.pathname);
    const cors = matches.some((m) => m.route.cors) ? this.cors : {};
    if (request.method === 'OPTIONS' && matches.length > 0) {
      return new Response(null, { status: 204, headers: cors });
    }
    const hit = matches.find((m) => m.route.method === request.method);
    if (hit === undefined) {
      const error =
        matches.length > 0
          ? new NetCashError(
              'method-not-allowed',
              `${request.method} not allowed on ${url.pathname}`,
            )
          : new NetCashError('not-found', `no endpoint ${url.pathname}`);
      return refusal(error, cors);
    }
    try {
      const response = await hit.route.handler(request, hit.params);
      if (hit.route.cors)
        for (const [k, v] of Object.entries(this.cors)) response.headers.set(k, v);
      return response;
    } catch (thrown) {
      const error = asNetCashError(thrown);
      if (error.code === 'internal') {
        this.log.error('unhandled error', {
          path: url.pathname,
          error: String(thrown),
          stack: thrown instanceof Error ? thrown.stack : undefined,
        });
        return refusal(new NetCashError('internal'), cors);
      }
      return refusal(error, cors);
    }
  }
}
