/**
 * A loopback HTTP proxy that records every request the browser sends through it — method, URL and
 * the headers exactly as they arrive — and forwards it unchanged: the test server of
 * privacy-requests.spec.ts. Chromium is pointed at it with `--proxy-server` and
 * `--proxy-bypass-list=<-loopback>` (it bypasses proxies for loopback addresses otherwise), so
 * page loads and the wallet's own requests alike pass here. Plain HTTP only, as every server of
 * the tests speaks.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Captured {
  readonly method: string;
  /** The absolute URL asked for. */
  readonly url: string;
  /** Header names in lower case, as received. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface CaptureProxy {
  /** `http://127.0.0.1:PORT`, for `--proxy-server`. */
  readonly url: string;
  readonly requests: readonly Captured[];
  close(): Promise<void>;
}

/** Headers about this hop only, not forwarded. */
const HOP = new Set(['proxy-connection', 'connection', 'keep-alive', 'transfer-encoding']);

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

export async function startCaptureProxy(): Promise<CaptureProxy> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const target = new URL(req.url ?? '/');
    const headers = flat(req.headers);
    requests.push({ method: req.method ?? 'GET', url: target.href, headers });
    const forward = Object.fromEntries(Object.entries(headers).filter(([n]) => !HOP.has(n)));
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: forward,
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
