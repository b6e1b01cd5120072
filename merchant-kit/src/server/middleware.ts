/**
 * Connect/Express-style middleware for a paywall: `app.use(paywallMiddleware(paywall))` before the
 * routes that serve paid content. The pay URL is answered here; a request for a paid resource
 * goes on to `next()` only once its access proof checks out (the receipt is left on
 * `res.locals.netcash`), otherwise the 402 or the refusal is sent; everything else goes on as is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeListener, writeResponse } from '@netcash/server-kit';
import type { Paywall } from './paywall.ts';

type Next = (error?: unknown) => void;
type Locals = { locals?: Record<string, unknown> };

export function paywallMiddleware(
  paywall: Paywall,
): (req: IncomingMessage, res: ServerResponse & Locals, next: Next) => void {
  const notHere = () => new Response(null, { status: 404 });
  const payEndpoint = toNodeListener(paywall.wrap(notHere), { maxBodyBytes: 256 * 1024 });
  return (req, res, next) => {
    const raw = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const url = new URL(raw, `http://${req.headers.host ?? 'localhost'}`);
    if (url.pathname === paywall.payPath) {
      payEndpoint(req, res);
      return;
    }
    if (!paywall.paths.has(url.pathname) || req.method === 'OPTIONS') {
      next();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(name, value);
    }
    paywall
      .authorize(new Request(url, { method: 'GET', headers }))
      .then(async (access) => {
        if (!access.granted) return writeResponse(res, access.response);
        res.setHeader('cache-control', 'private, no-store');
        res.setHeader('vary', 'authorization');
        res.locals = { ...res.locals, netcash: access.receipt };
        next();
      })
      .catch(next);
  };
}
