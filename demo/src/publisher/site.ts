/**
 * The demo publisher's own pages — plain server-rendered HTML, nothing NetCash-specific except the
 * two lines of browser integration in `articlePage` (the script tag and the `<netcash-paywall>`
 * element). The paid fragments at `/articles/<slug>/full` are only reached through the paywall.
 */
import { formatAmount } from '@netcash/protocol';
import type { Article } from './articles.ts';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const price = (cents: number) => formatAmount(cents, 'NCD');

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · The NetCash Gazette</title>
<style>
body{font:17px/1.55 Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}
header a{color:inherit;text-decoration:none}h1{line-height:1.2}
ul.articles{list-style:none;padding:0}ul.articles li{margin:1rem 0}.price{color:#666;font-size:.9em}
.netcash-pay{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid #335;background:#335;color:#fff;cursor:pointer}
.netcash-pay:disabled{opacity:.6}.netcash-error{color:#a22}
</style></head>
<body><header><a href="/"><strong>The NetCash Gazette</strong></a> — articles for a few cents, paid anonymously</header>
<main>${main}</main></body></html>`;
}

export function indexPage(articles: readonly Article[]): string {
  const items = articles
    .map(
      (a) =>
        `<li><a href="/articles/${a.slug}">${esc(a.title)}</a> <span class="price">${price(a.price)}</span><br>${esc(a.teaser)}</li>`,
    )
    .join('\n');
  return page('Articles', `<h1>Articles</h1><ul class="articles">${items}</ul>`);
}

export function articlePage(a: Article): string {
  // Browser integration: the script tag and the element — 2 lines.
  return page(
    a.title,
    `<article><h1>${esc(a.title)}</h1>
<script src="/netcash/paywall.js"></script>
<netcash-paywall resource="/articles/${a.slug}/full" install-url="/install"><p class="teaser">${esc(a.teaser)}</p></netcash-paywall>
</article>`,
  );
}

/** The paid resource: the whole article as an HTML fragment. */
export function articleFragment(a: Article): string {
  return [`<p class="teaser">${esc(a.teaser)}</p>`, ...a.body.map((p) => `<p>${esc(p)}</p>`)].join(
    '\n',
  );
}

export function installPage(): string {
  return page(
    'Get the NetCash wallet',
    `<h1>Get the NetCash wallet</h1>
<p>NetCash is anonymous electronic cash for the web. The wallet is a browser extension:</p>
<ol><li>Run <code>npm ci &amp;&amp; npm start</code> in the NetCash repository; it builds the wallet into <code>dist/extension/</code>.</li>
<li>Open <code>chrome://extensions</code>, turn on <em>Developer mode</em>, choose <em>Load unpacked</em> and pick <code>dist/extension/</code>.</li>
<li>In the wallet, connect a demo bank account, trust the insurer key <code>npm start</code> printed, and add funds.</li>
<li>Come back to the article and pay.</li></ol>`,
  );
}

export function html(body: string, status = 200): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  });
}
