/**
 * The paywall in Next.js route handlers (App Router: `route.ts` files export GET, POST, … taking
 * a `Request`). Two files:
 *
 *   // app/netcash/[...netcash]/route.js — NetCash's own routes (pay URL, script, install, admin)
 *   export const { GET, POST, OPTIONS } = nextRoutes(paywall);
 *
 *   // app/articles/[slug]/full/route.js — a paid resource: `handler` runs only once paid
 *   export const GET = nextPaywall(paywall, async (request, context) => new Response(…));
 *
 * `paywall` may be the promise `createPaywall` returns, so a shared module needs no top-level
 * await. Nothing here imports Next.js.
 */
import type { Paywall } from '../server/paywall.ts';

export type RouteHandler<C> = (request: Request, context: C) => Response | Promise<Response>;

const notFound = () =>
  new Response(JSON.stringify({ error: { code: 'not-found', message: 'No such resource.' } }), {
    status: 404,
    headers: { 'content-type': 'application/json' },
  });

/** GET/POST/OPTIONS/HEAD for a catch-all route under `/netcash/`. */
export function nextRoutes(paywall: Paywall | Promise<Paywall>) {
  const route = async (request: Request) => (await paywall).own(request) ?? notFound();
  return { GET: route, POST: route, OPTIONS: route, HEAD: route };
}

/** Wraps a route handler of a paid path: 402 until the request proves payment. */
export function nextPaywall<C>(
  paywall: Paywall | Promise<Paywall>,
  handler: RouteHandler<C>,
): (request: Request, context: C) => Promise<Response> {
  return async (request, context) => {
    const pw = await paywall;
    const access = await pw.authorize(request);
    if (!access.granted) return access.response;
    const response = await handler(request, context);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(pw.releaseHeaders(access.receipt))) {
      headers.set(name, value);
    }
    headers.append('vary', 'authorization');
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}
