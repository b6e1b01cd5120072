/**
 * Fetch-standard handlers (`Request → Response`) on Node's `http` or `https` server.
 *
 * Every NetCash server — insurer, bank, currency server, and a publisher's payee handler — is a
 * fetch handler (handler.ts). This adapter is the one place that turns Node's IncomingMessage into
 * a Request: it counts the body's bytes as they arrive and answers 413 `too-large` at the limit
 * (no handler ever sees an oversize body), tells the handler the peer's address (for rate limits),
 * and answers 500 `internal` — logged, never leaked — when the handler throws. `listen` adds the
 * connection deadlines of timeouts.ts and, given a certificate and key, TLS.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.ts';
import { type DirectRoute, directRoutes, serveDirect } from './direct.ts';
import type { ClientInfo, FetchHandler } from './handler.ts';
import { isHost, jsonError, readBody, targetOf, tooLarge } from './node-io.ts';
import {
  applyTimeouts,
  checkingInterval,
  resolveTimeouts,
  type ServerTimeouts,
} from './timeouts.ts';

export type { ClientInfo, FetchHandler } from './handler.ts';

export interface NodeAdapterOptions {
  /** Largest request body in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Where a handler's unexpected errors are reported (it answers 500 `internal` regardless). */
  readonly log?: Logger;
  /** Endpoints served without fetch objects (direct.ts), before the fetch handler. */
  readonly direct?: readonly DirectRoute[];
}

/** A certificate chain and its private key, PEM (as read from `--tls-cert` / `--tls-key`). */
export interface TlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

export interface ListenOptions extends NodeAdapterOptions {
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Default 0: the OS picks a free port. */
  readonly port?: number;
  /** Connection deadlines (timeouts.ts); defaults are explicit, never Node's minutes. */
  readonly timeouts?: ServerTimeouts;
  /** Serve HTTPS with this certificate and key instead of plain HTTP. */
  readonly tls?: TlsOptions;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * The request's URL: this server's scheme and Host, and the path as sent. Built by joining, not
 * by resolving the path against a base — a target like `//evil.example/x` is a path here, not
 * another host — and null for a Host that is not a host (`a/b?`) or a target no URL can be made of.
 */
function requestUrl(req: IncomingMessage): URL | null {
  const target = targetOf(req);
  const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  const host = req.headers.host ?? 'localhost';
  if (!isHost(host)) return null;
  const origin = `${scheme}://${host}`;
  try {
    if (target.startsWith('/')) return new URL(origin + target);
    // The absolute form (RFC 9112 §3.2.2), as proxies send it: its path and query only.
    const absolute = new URL(target);
    return new URL(origin + absolute.pathname + absolute.search);
  } catch {
    return null;
  }
}

/** Sends a fetch `Response` on a Node response (status, headers, the whole body). */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // A 304 or 204 has no content to measure; a HEAD answer keeps the length a GET would get.
  const stated = res.req?.method === 'HEAD' && response.headers.has('content-length');
  if (response.status !== 304 && response.status !== 204 && !stated) {
    headers['content-length'] = String(payload.length);
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** A Node `request` listener that runs `handler`. Also usable as Express middleware. */
export function toNodeListener(
  handler: FetchHandler,
  options: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const directRoute = directRoutes(options.direct);
  return (req, res) => {
    const route = directRoute(req);
    if (route !== undefined) {
      void serveDirect(req, res, route, limit, options.log);
      return;
    }
    void (async () => {
      try {
        const method = req.method ?? 'GET';
        const hasBody = method !== 'GET' && method !== 'HEAD';
        const body = hasBody ? await readBody(req, limit) : undefined;
        if (body === 'too-large') {
          tooLarge(res, limit);
          return;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
        }
        const url = requestUrl(req);
        if (url === null) {
          jsonError(res, 400, 'malformed', 'not a request target or host this server answers');
          return;
        }
        const request = new Request(
          url,
          body === undefined
            ? { method, headers }
            : { method, headers, body: new Uint8Array(body) },
        );
        const client: ClientInfo = { address: req.socket.remoteAddress };
        await writeResponse(res, await handler(request, client));
      } catch (error) {
        options.log?.error('unhandled error', {
          path: req.url,
          error: String(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
        jsonError(res, 500, 'internal', 'internal error');
      }
    })();
  };
}

export interface Listening {
  readonly server: Server;
  /** `http://127.0.0.1:PORT` (or `https://…` with TLS) */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts an HTTP(S) server for `handler` (loopback and an OS-chosen port by default). */
export function listen(handler: FetchHandler, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  const timeouts = resolveTimeouts(options.timeouts);
  const listener = toNodeListener(handler, options);
  const serverOptions = { connectionsCheckingInterval: checkingInterval(timeouts) };
  const server: Server =
    options.tls === undefined
      ? createHttpServer(serverOptions, listener)
      : createHttpsServer(
          {
            ...serverOptions,
            cert: options.tls.cert,
            key: options.tls.key,
            // A TLS handshake gets no longer than the request headers would.
            handshakeTimeout: timeouts.headersMs,
          },
          listener,
        );
  applyTimeouts(server, timeouts);
  const scheme = options.tls === undefined ? 'http' : 'https';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port,
        url: `${scheme}://${shown}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
