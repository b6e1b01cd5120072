/**
 * The paywall as Hono middleware (Hono is fetch-standard: its context carries the `Request`):
 *
 *   app.use(honoPaywall(paywall));
 *
 * NetCash's routes are answered here; a paid path reaches the next handler only once its proof
 * checks out (its response then gets private caching and `Payment-Receipt`), otherwise the 402 is
 * returned. Typed structurally, so merchant-kit does not depend on Hono.
 */
import type { Paywall } from '../server/paywall.ts';

/** What this middleware uses of Hono's `Context`. */
export interface HonoContextLike {
  readonly req: { readonly raw: Request };
  readonly res: Response;
}

export function honoPaywall(
  paywall: Paywall,
): (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | undefined> {
  return async (c, next) => {
    const request = c.req.raw;
    const path = new URL(request.url).pathname;
    const answered = paywall.own(request);
    if (answered !== undefined) return answered;
    if (!paywall.isPaid(path) || request.method === 'OPTIONS') {
      await next();
      return undefined;
    }
    const access = await paywall.authorize(request);
    if (!access.granted) return access.response;
    await next();
    for (const [name, value] of Object.entries(paywall.releaseHeaders(access.receipt))) {
      c.res.headers.set(name, value);
    }
    c.res.headers.append('vary', 'authorization');
    return undefined;
  };
}
