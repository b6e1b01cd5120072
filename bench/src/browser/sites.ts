/**
 * The two sites bench:browser compares, serving the same articles:
 *
 *   - the demo publisher (@netcash/demo) with a catalogue of bench articles: the paywall
 *     element, 402 + offer, the wallet pays (within the site's allowance), the element re-fetches
 *     with the access proof and shows the article;
 *   - a plain site on the same Node HTTP adapter (merchant-kit `listen`), no paywall: the same
 *     article page, whose button fetches the same article fragment and shows it the same way
 *     (a `.netcash-content` element in place of the teaser). Its click-to-article time is the
 *     floor: one HTTP round trip and a DOM update.
 */

import {
  ARTICLES,
  type Article,
  articleFragment,
  articlePage,
  html,
  startDemoPublisher,
} from '@netcash/demo';
import { listen, silentLogger } from '@netcash/merchant-kit';
import type { Federation } from '@netcash/server';

/** Prices cycle through these (cents): within the allowance, paid from the wallet's spread. */
const PRICES = [2, 3, 5, 7];

/** `count` distinct articles (each bought once), with the demo's words. */
export function benchArticles(count: number): Article[] {
  return Array.from({ length: count }, (_, i) => {
    const model = ARTICLES[i % ARTICLES.length]!;
    return {
      slug: `bench-${i}`,
      title: `${model.title} (${i})`,
      price: PRICES[i % PRICES.length]!,
      teaser: model.teaser,
      body: model.body,
    };
  });
}

/**
 * The plain page: the article page without the paywall. A string (not a function) so that no
 * build step rewrites it; the button does what the paywall does once access is granted.
 */
function plainPage(a: Article): string {
  const reader = `<script>
document.addEventListener('DOMContentLoaded', function () {
  var box = document.querySelector('plain-article');
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'plain-read';
  button.textContent = 'Read the article';
  button.addEventListener('click', function () {
    fetch(box.getAttribute('resource'), { headers: { accept: 'text/html' }, cache: 'no-store' })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var content = document.createElement('div');
        content.className = 'netcash-content';
        content.innerHTML = text;
        box.replaceChildren(content);
      });
  });
  box.append(button);
});
</script>`;
  return articlePage(a)
    .replace('<script src="/netcash-paywall.js"></script>', reader)
    .replace('<netcash-paywall ', '<plain-article ')
    .replace('</netcash-paywall>', '</plain-article>');
}

export interface PlainSite {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPlainSite(articles: readonly Article[]): Promise<PlainSite> {
  const bySlug = new Map(articles.map((a) => [a.slug, a]));
  const server = await listen((request) => {
    const match = /^\/articles\/([a-z0-9-]+)(\/full)?$/.exec(new URL(request.url).pathname);
    const article = match === null ? undefined : bySlug.get(match[1]!);
    if (article === undefined) return html('<h1>Not found</h1>', 404);
    return html(match![2] === undefined ? plainPage(article) : articleFragment(article));
  });
  return { url: server.url, close: () => server.close() };
}

/** The demo publisher selling `articles`, banking at `cs` (cs2: every payment crosses CSs). */
export function startPublisher(fed: Federation, cs: string, articles: readonly Article[]) {
  return startDemoPublisher({
    cs,
    insurers: [fed.insurer.signKey],
    insurer: fed.insurer.url,
    bank: fed.bank.url,
    articles,
    log: silentLogger(),
  });
}
