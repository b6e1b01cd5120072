/**
 * The paywall script, served by the payee handler itself (`<script src="/netcash/paywall.js">`):
 * the publisher builds nothing. The package ships the bundle at `dist/netcash-paywall.js` (built
 * by `src/browser/build.ts`); from `src/server/` and from `dist/server/` alike it is two folders
 * up. Read once and compressed once (brotli and gzip); each coding is its own representation
 * with its own strong ETag (RFC 9110 §8.8.3), so a browser revalidates with `If-None-Match` and
 * gets a bodiless 304, and a shared cache keeps one copy per `Accept-Encoding`.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type Coding, chooseCoding, ifNoneMatchHolds } from './conditional.ts';

export const PAYWALL_SCRIPT_FILE = fileURLToPath(
  new URL('../../dist/netcash-paywall.js', import.meta.url),
);

/** Fresh for 5 minutes, then revalidated (a 304 costs headers only); a new release shows soon. */
export const SCRIPT_CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=86400';

interface Representation {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly etag: string;
}

type Bundle = Readonly<Record<Coding, Representation>>;

let loading: Promise<Bundle | null> | null = null;

function load(): Promise<Bundle | null> {
  loading ??= readFile(PAYWALL_SCRIPT_FILE).then(
    (plain) => {
      const tag = createHash('sha256').update(plain).digest('base64url').slice(0, 22);
      const br = brotliCompressSync(plain, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
        },
      });
      return {
        identity: { body: new Uint8Array(plain), etag: `"${tag}"` },
        gzip: { body: new Uint8Array(gzipSync(plain, { level: 9 })), etag: `"${tag}-gz"` },
        br: { body: new Uint8Array(br), etag: `"${tag}-br"` },
      };
    },
    () => {
      loading = null; // not built yet (a development tree): look again next time
      return null;
    },
  );
  return loading;
}

export async function paywallScript(request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  const bundle = await load();
  if (bundle === null) {
    return new Response(
      'netcash: the paywall script is not built (npm run build -w merchant-kit)',
      {
        status: 503,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      },
    );
  }
  const coding = chooseCoding(request.headers.get('accept-encoding'), ['br', 'gzip']);
  const chosen = bundle[coding];
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': SCRIPT_CACHE_CONTROL,
    etag: chosen.etag,
    vary: 'accept-encoding',
    'access-control-allow-origin': '*',
    'x-content-type-options': 'nosniff',
  };
  if (coding !== 'identity') headers['content-encoding'] = coding;
  // RFC 9110 §13.1.2: If-None-Match matches the selected representation (weak comparison).
  if (!ifNoneMatchHolds(request.headers.get('if-none-match'), chosen.etag)) {
    return new Response(null, { status: 304, headers });
  }
  headers['content-length'] = String(chosen.body.length);
  return new Response(request.method === 'HEAD' ? null : chosen.body, { headers });
}
