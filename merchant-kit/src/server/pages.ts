/**
 * The HTML the payee handler serves by itself, so a site needs nothing but its own pages:
 *
 * - `paywallPage`: a browser that *navigates* to a paid resource (Sec-Fetch-Mode: navigate: a
 *   link, the address bar, a site behind the paywall proxy) gets, with the 402, a page holding the
 *   `<netcash-paywall page>` element; once paid, the element replaces the page with the resource.
 *   Scripts and the wallet see the same offer as in the JSON 402.
 * - `installPage`: where "Get the NetCash wallet" leads by default (`/netcash/install`).
 */
import { formatPrice } from '../price.ts';

export const INSTALL_PATH = '/netcash/install';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title>
<style>body{font:17px/1.55 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}
.netcash-pay{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid #335;background:#335;color:#fff;cursor:pointer}
.netcash-error{color:#a22}</style></head>
<body>${body}</body></html>`;
}

export interface PaywallPage {
  readonly path: string;
  readonly description: string;
  readonly amount: number;
  readonly currency: string;
  readonly scriptPath: string;
}

export function paywallPage(p: PaywallPage): string {
  const price = formatPrice(p.amount, p.currency);
  return page(
    p.description,
    `<h1>${esc(p.description)}</h1>
<p>This page costs ${esc(price)}, paid anonymously with NetCash.</p>
<script src="${esc(p.scriptPath)}"></script>
<netcash-paywall resource="${esc(p.path)}" page></netcash-paywall>
<noscript><p>Paying needs JavaScript and the NetCash wallet.</p></noscript>`,
  );
}

export function installPage(): string {
  return page(
    'Get the NetCash wallet',
    `<h1>Get the NetCash wallet</h1>
<p>NetCash is anonymous electronic cash for the web: you pay a few cents for an article from a
wallet in your browser, and nobody learns who paid.</p>
<p>The wallet is a browser extension. Install it, trust an insurer, add funds from your bank, then
come back and pay.</p>
<p><a href="javascript:history.back()">Back to the article</a></p>`,
  );
}

export function htmlResponse(
  body: string,
  status: number,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return new Response(body, {
    status,
    headers: {
      ...headers,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    },
  });
}
