/**
 * The shape every NetCash server has: a fetch-standard handler (`Request → Response`), so it runs
 * on Node (http/node.ts), in Express, Hono or a Worker alike — and the pieces that wrap one.
 * A piece (body limit, rate limit, request log, …) takes the next handler and returns a handler;
 * a server lists the pieces it uses, outermost first:
 *
 *   const handler = compose(router.handle, rateLimit({ perSecond: 50 }), logRequests(log));
 *
 * Direct routes: on Node, a server may also serve a hot endpoint straight from Node's request —
 * the body's bytes in, a status and text out — without building a WHATWG Request or Response
 * (direct.ts; the currency server's sealed requests, where that adaptation cost more than the
 * request's own cryptography). So that no safeguard is lost on that path, every piece has a
 * direct face doing the same thing there: `composeDirect` takes the same pieces as `compose`.
 */

/** Who sent a request, as far as the transport knows (the Node adapter fills it in). */
export interface ClientInfo {
  /** The peer's IP address (`127.0.0.1`, `::1`, …). */
  readonly address?: string;
}

export type FetchHandler = (request: Request, client?: ClientInfo) => Response | Promise<Response>;

/** What a piece may look at before the body: the method, the path and the headers. */
export interface RequestHead {
  readonly method: string;
  /** The path of the request target, without its query. */
  readonly path: string;
  /** A request header (name in lower case), or null. */
  header(name: string): string | null;
}

/** A request on a direct route: its head, its client and its whole body (already size-limited). */
export interface DirectCall {
  readonly head: RequestHead;
  readonly client: ClientInfo;
  readonly body: Uint8Array;
}

/** The answer of a direct route: a status, headers and a text or bytes body. */
export interface DirectAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export type DirectHandler = (call: DirectCall) => Promise<DirectAnswer>;

/** Wraps a handler with one concern; `direct` is the same concern for direct routes. */
export interface Piece {
  (next: FetchHandler): FetchHandler;
  readonly direct: (next: DirectHandler) => DirectHandler;
}

/** A piece from its two faces. */
export function piece(
  fetch: (next: FetchHandler) => FetchHandler,
  direct: (next: DirectHandler) => DirectHandler,
): Piece {
  return Object.assign((next: FetchHandler) => fetch(next), { direct });
}

/** The head of a fetch Request, for the pieces that look at it. */
export function headOf(request: Request): RequestHead {
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    header: (name) => request.headers.get(name),
  };
}

/** `handler` wrapped in `pieces`, the first one outermost (it sees each request first). */
export function compose(handler: FetchHandler, ...pieces: readonly Piece[]): FetchHandler {
  return pieces.reduceRight<FetchHandler>((next, p) => p(next), handler);
}

/** A direct route's handler wrapped in the same pieces, in the same order, as `compose`. */
export function composeDirect(handler: DirectHandler, ...pieces: readonly Piece[]): DirectHandler {
  return pieces.reduceRight<DirectHandler>((next, p) => p.direct(next), handler);
}
