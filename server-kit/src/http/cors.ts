/**
 * CORS, one mechanism for every server: a server declares its policy — which methods and request
 * headers browsers may use, which response headers they may read — and gets the headers for its
 * answers and its preflight reply. Policies allow any origin and never credentials: NetCash
 * endpoints are called from the wallet's extension origin and from pages, nothing rides on
 * cookies, so `*` is the least the browser needs and grants nothing else.
 */

export interface CorsPolicy {
  /** Methods a browser may use (`OPTIONS` is always answered). */
  readonly methods: readonly string[];
  /** Request headers a page may set. */
  readonly headers: readonly string[];
  /** Response headers a page may read beyond the CORS-safelisted ones. */
  readonly expose?: readonly string[];
  /** Seconds a browser may cache the preflight reply (default 600). */
  readonly maxAge?: number;
}

/** The headers that let a browser read an answer under `policy`. */
export function corsHeaders(policy: CorsPolicy): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': [...policy.methods, 'OPTIONS'].join(', '),
    'access-control-allow-headers': policy.headers.join(', '),
    'access-control-max-age': String(policy.maxAge ?? 600),
  };
  if (policy.expose !== undefined && policy.expose.length > 0) {
    headers['access-control-expose-headers'] = policy.expose.join(', ');
  }
  return headers;
}

/** The answer to a preflight (`OPTIONS`) under `policy`. */
export function preflight(policy: CorsPolicy): Response {
  return new Response(null, { status: 204, headers: corsHeaders(policy) });
}
