/**
 * The paywall on Node's own `http` server and in Connect/Express, in front of a site that is a
 * Node request listener (req, res): NetCash's routes (pay URL, script, install and admin pages)
 * are answered here; a request for a paid path goes on only once its proof checks out — with
 * private caching and `Payment-Receipt` set, and the receipt on `res.locals.netcash` — otherwise
 * the 402 is sent; everything else goes on untouched (its body unread).
 *
 *   createServer(nodePaywall(paywall, site)).listen(8080);   // Node http
 *   app.use(expressPaywall(paywall));                         // Express / Connect, before routes
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeListener, writeResponse } from '@netcash/server-kit';
import { MAX_PAYMENT_BODY } from '../server/config.ts';
import type { Paywall } from '../server/paywall.ts';

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void;
type Next = (error?: unknown) => void;
type Locals = { locals?: Record<string, unknown> };

/** Headers of a Node request as fetch `Headers` (repeated ones joined, as fetch does). */
export function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  return headers;
}

function gate(paywall: Paywall) {
  const notHere = () => new Response(null, { status: 404 });
  const ownRoutes = toNodeListener(paywall.wrap(notHere), { maxBodyBytes: MAX_PAYMENT_BODY });
  return (req: IncomingMessage, res: ServerResponse & Locals, next: Next): void => {
    const raw = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const url = new URL(raw, `http://${req.headers.host ?? 'localhost'}`);
    if (paywall.ownsPath(url.pathname)) {
      ownRoutes(req, res);
      return;
    }
    if (!paywall.isPaid(url.pathname) || req.method === 'OPTIONS') {
      next();
      return;
    }
    const method = req.method === 'HEAD' ? 'HEAD' : 'GET';
    paywall
      .authorize(new Request(url, { method, headers: headersOf(req) }))
      .then(async (access) => {
        if (!access.granted) return writeResponse(res, access.response);
        for (const [name, value] of Object.entries(paywall.releaseHeaders(access.receipt))) {
          res.setHeader(name, value);
        }
        res.setHeader('vary', 'authorization');
        res.locals = { ...res.locals, netcash: access.receipt };
        next();
      })
      .catch(next);
  };
}

/** Connect/Express middleware: `app.use(expressPaywall(paywall))` before the content routes. */
export function expressPaywall(
  paywall: Paywall,
): (req: IncomingMessage, res: ServerResponse & Locals, next: Next) => void {
  return gate(paywall);
}

/** A Node request listener: the paywall, then `site` for everything it lets through. */
export function nodePaywall(paywall: Paywall, site: NodeListener): NodeListener {
  const check = gate(paywall);
  return (req, res) =>
    check(req, res, (error) => {
      if (error === undefined) {
        site(req, res);
        return;
      }
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal error');
    });
}
