/**
 * The zero-code paywall: a reverse proxy in front of an existing site (GNU Taler's Paivana and
 * Lightning's Aperture do the same for their money). Paid paths go through the paywall's gate —
 * a browser navigating there gets the paywall page, pays, and sees the page the upstream serves;
 * NetCash's own routes (pay URL, script, install, admin) are answered here; everything else is
 * streamed to the upstream and back untouched: method, path, query, headers, body, status,
 * WebSocket upgrades. Only hop-by-hop headers are dropped and `X-Forwarded-*` added (RFC 9110
 * §7.6.1), and a paid response's caching is made private.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import { nodePaywall } from '../adapters/node.ts';
import type { PaywallOptions } from '../server/config.ts';
import { createPaywall, type Paywall } from '../server/paywall.ts';

export interface ProxyOptions {
  /** The site behind the paywall, e.g. `http://127.0.0.1:8080`. */
  readonly upstream: string;
  readonly paywall: PaywallOptions;
  readonly host?: string;
  /** Default 0: the OS picks a free port. */
  readonly port?: number;
}

export interface PaywallProxy {
  /** `http://HOST:PORT` */
  readonly url: string;
  readonly paywall: Paywall;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardedHeaders(req: IncomingMessage, upstream: URL, paid: boolean): IncomingHttpHeaders {
  const named = new Set(
    (req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
  );
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (HOP_BY_HOP.has(name) || named.has(name)) continue;
    // A paid path's Authorization is NetCash's proof, not the upstream's business.
    if (paid && name === 'authorization') continue;
    headers[name] = value;
  }
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior === undefined ? client : `${String(prior)}, ${client}`;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'encrypted' in req.socket ? 'https' : 'http';
  headers.host = upstream.host;
  return headers;
}

/** Streams one request to the upstream and its answer back. */
function forwarder(upstream: URL) {
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  return (req: IncomingMessage, res: ServerResponse & { locals?: Record<string, unknown> }) => {
    const paid = res.locals?.['netcash'] !== undefined;
    const out = send(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: forwardedHeaders(req, upstream, paid),
      },
      (answer) => {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name)) continue;
          // Content someone paid for is never stored by shared caches (set by the gate).
          if (paid && (name === 'cache-control' || name === 'expires')) continue;
          headers[name] = value;
        }
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('netcash-paywall: the upstream site did not answer');
      } else res.destroy();
    });
    req.pipe(out);
  };
}

/** A WebSocket (or any Upgrade) on a free path: the raw bytes both ways. */
function tunnel(upstream: URL, paywall: Paywall) {
  return (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (paywall.isPaid(path) || paywall.ownsPath(path)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n');
      return;
    }
    const port = Number(upstream.port || 80);
    const out = connect(port, upstream.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i]!;
        lines.push(
          `${name}: ${name.toLowerCase() === 'host' ? upstream.host : req.rawHeaders[i + 1]}`,
        );
      }
      out.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) out.write(head);
      out.pipe(socket);
      socket.pipe(out);
    });
    const drop = () => {
      out.destroy();
      socket.destroy();
    };
    out.on('error', drop);
    socket.on('error', drop);
  };
}

export async function startPaywallProxy(options: ProxyOptions): Promise<PaywallProxy> {
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
    throw new TypeError(`upstream ${options.upstream} must be an http(s) URL`);
  }
  const paywall = await createPaywall(options.paywall);
  const server = createServer(nodePaywall(paywall, forwarder(upstream)));
  server.on('upgrade', tunnel(upstream, paywall));
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    paywall,
    async close() {
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
      await paywall.close();
    },
  };
}
