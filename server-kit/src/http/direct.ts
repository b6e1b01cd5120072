/**
 * Direct routes on Node (handler.ts): `POST /v1/requests` of a currency server is served from
 * Node's request without a WHATWG Request or Response — the body's bytes go to the route's
 * handler, its status, headers and text go to the socket. Everything else about the request is
 * as on the fetch path: the body is read under the same size limit (413 `too-large`), a Host that
 * names no host is 400 `malformed`, the connection deadlines are the server's, the pieces
 * (rate limit, request log) run through their direct faces (`composeDirect`), and a handler that
 * throws is a logged 500 `internal`.
 *
 * A route matches an origin-form target with exactly its path (a query is ignored, as the router
 * does); anything else — another spelling of the path, an absolute-form target — takes the fetch
 * path, where the router serves the same endpoint.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import type { DirectHandler, RequestHead } from './handler.ts';
import { isHost, jsonError, readBody, targetOf, tooLarge } from './node-io.ts';

export interface DirectRoute {
  readonly method: 'POST' | 'PUT';
  /** The exact path served (`/v1/requests`). */
  readonly path: string;
  /** The route's handler, already wrapped in the server's pieces (`composeDirect`). */
  readonly handler: DirectHandler;
}

/** Finds a request's direct route, if any. */
export function directRoutes(
  routes: readonly DirectRoute[] = [],
): (req: IncomingMessage) => DirectRoute | undefined {
  if (routes.length === 0) return () => undefined;
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return (req) => {
    const target = targetOf(req);
    if (!target.startsWith('/')) return undefined;
    const q = target.indexOf('?');
    return byKey.get(`${req.method} ${q < 0 ? target : target.slice(0, q)}`);
  };
}

function headOf(req: IncomingMessage, route: DirectRoute): RequestHead {
  return {
    method: route.method,
    path: route.path,
    header(name) {
      const value = req.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** Serves one request on its direct route. */
export async function serveDirect(
  req: IncomingMessage,
  res: ServerResponse,
  route: DirectRoute,
  limit: number,
  log: Logger | undefined,
): Promise<void> {
  try {
    if (!isHost(req.headers.host ?? 'localhost')) {
      jsonError(res, 400, 'malformed', 'not a request target or host this server answers');
      return;
    }
    const body = await readBody(req, limit);
    if (body === 'too-large') {
      tooLarge(res, limit);
      return;
    }
    const answer = await route.handler({
      head: headOf(req, route),
      client: { address: req.socket.remoteAddress },
      body,
    });
    const length =
      typeof answer.body === 'string' ? Buffer.byteLength(answer.body) : answer.body.byteLength;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': length });
    res.end(answer.body);
  } catch (error) {
    log?.error('unhandled error', {
      path: route.path,
      error: String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    jsonError(res, 500, 'internal', 'internal error');
  }
}
