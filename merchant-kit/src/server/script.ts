/**
 * The paywall script, served by the payee handler itself (`<script src="/netcash/paywall.js">`):
 * the publisher builds nothing. The package ships the bundle at `dist/netcash-paywall.js` (built
 * by `src/browser/build.ts`); from `src/server/` and from `dist/server/` alike it is two folders
 * up. Read once, gzipped once, with an ETag so browsers revalidate cheaply.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const PAYWALL_SCRIPT_FILE = fileURLToPath(
  new URL('../../dist/netcash-paywall.js', import.meta.url),
);

interface Bundle {
  readonly plain: Uint8Array<ArrayBuffer>;
  readonly gzip: Uint8Array<ArrayBuffer>;
  readonly etag: string;
}

let loading: Promise<Bundle | null> | null = null;

function load(): Promise<Bundle | null> {
  loading ??= readFile(PAYWALL_SCRIPT_FILE).then(
    (plain) => ({
      plain: new Uint8Array(plain),
      gzip: new Uint8Array(gzipSync(plain, { level: 9 })),
      etag: `"${createHash('sha256').update(plain).digest('base64url').slice(0, 22)}"`,
    }),
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
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': 'public, max-age=300',
    etag: bundle.etag,
    vary: 'accept-encoding',
    'access-control-allow-origin': '*',
  };
  if (request.headers.get('if-none-match') === bundle.etag) {
    return new Response(null, { status: 304, headers });
  }
  const gzip = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
  const body = gzip ? bundle.gzip : bundle.plain;
  if (gzip) headers['content-encoding'] = 'gzip';
  headers['content-length'] = String(body.length);
  return new Response(request.method === 'HEAD' ? null : body, { headers });
}
