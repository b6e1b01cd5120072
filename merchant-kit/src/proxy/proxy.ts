/**
 * The zero-code paywall: a reverse proxy in front of an existing site (GNU Taler's Paivana and
 * Lightning's Aperture do the same for their money). Paid paths go through the paywall's gate —
 * a browser navigating there gets the paywall page, pays, and sees the page the upstream serves;
 * NetCash's own routes (pay URL, script, install, admin) are answered here; everything else is
 * streamed to the upstream and back untouched: method, path, query, headers, body, status, and
 * WebSocket or other upgrades (upgrade.ts). Only hop-by-hop headers are dropped and
 * `X-Forwarded-*` added (headers.ts), and a paid response's caching is made private.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { nodePaywall } from '../adapters/node.ts';
import type { PaywallOptions } from '../server/config.ts';
import { createPaywall, type Paywall } from '../server/paywall.ts';
import { forwardedHeaders, HOP_BY_HOP } from './headers.ts';
import { upgrader } from './upgrade.ts';

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

export async function startPaywallProxy(options: ProxyOptions): Promise<PaywallProxy> {
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') {
    throw new TypeError(`upstream ${options.upstream} must be an http(s) URL`);
  }
  const paywall = await createPaywall(options.paywall);
  const server = createServer(nodePaywall(paywall, forwarder(upstream)));
  // Upgraded connections leave the server's own bookkeeping: closing ends them here.
  const tunnels = new Set<Duplex>();
  server.on('upgrade', upgrader(upstream, paywall, tunnels));
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
        server.close(() => done());
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
      });
      await paywall.close();
    },
  };
}
