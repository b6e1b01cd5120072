/**
 * The shape every NetCash server has: a fetch-standard handler (`Request → Response`), so it runs
 * on Node (http/node.ts), in Express, Hono or a Worker alike — and the pieces that wrap one.
 * A piece (body limit, rate limit, request log, …) takes the next handler and returns a handler;
 * a server lists the pieces it uses, outermost first:
 *
 *   const handler = compose(router.handle, rateLimit({ perSecond: 50 }), logRequests(log));
 */

/** Who sent a request, as far as the transport knows (the Node adapter fills it in). */
export interface ClientInfo {
  /** The peer's IP address (`127.0.0.1`, `::1`, …). */
  readonly address?: string;
}

export type FetchHandler = (request: Request, client?: ClientInfo) => Response | Promise<Response>;

/** Wraps a handler with one concern. */
export type Piece = (next: FetchHandler) => FetchHandler;

/** `handler` wrapped in `pieces`, the first one outermost (it sees each request first). */
export function compose(handler: FetchHandler, ...pieces: readonly Piece[]): FetchHandler {
  return pieces.reduceRight<FetchHandler>((next, piece) => piece(next), handler);
}
