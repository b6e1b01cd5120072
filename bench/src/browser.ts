/**
 * `npm run bench:browser`: click-to-article time of a paid article in Chromium with the built
 * wallet, paying silently within the site's allowance (SPEC §5, §10), beside the same article
 * fetched from a plain site without a paywall in the same run (browser/sites.ts) — the ratio.
 *
 * Setup: the federation (insurer, bank, cs1, cs2) in this process; Chromium with the extension
 * (lib/chromium.ts); the wallet trusts the insurer, opens a demo account, buys 20.00 NCD from
 * cs1 and allows each publisher 1,000.00 NCD. Two demo publishers sell N+5 distinct articles
 * each (2–7 ¢): one banking at cs2 (the demo's setup: every payment crosses currency servers,
 * the payee's CS converts the coins at cs1 and deposits a check) and one at cs1.
 *
 * Each sample opens the article in a new tab, waits for the button (Pay / Read), then times in
 * the page, from the click event's timestamp to the article text inserted (a MutationObserver
 * records performance.now()). Plain, cross-CS and same-CS samples alternate, so all three see the
 * same machine; after each payment the bench waits for the wallet to finish its background work
 * (the refresh of its coin spread) so payments don't queue behind it. The first 5 of each are
 * warm-up. No approval window may open (counted).
 *
 * Options: --payments N (default 50). Never fails on a time.
 */
import { parseArgs } from 'node:util';
import type { Article } from '@netcash/demo';
import { DEFAULTS, startFederation } from '@netcash/server';
import type { Page } from '@playwright/test';
import { benchArticles, startPlainSite, startPublisher } from './browser/sites.ts';
import { launchWallet, type WalletBrowser } from './lib/chromium.ts';
import { load, machine, ms, num, percentile, table } from './lib/stats.ts';

const { values: opts } = parseArgs({ options: { payments: { type: 'string', default: '50' } } });
const N = Number(opts.payments);
const WARMUP = 5;

/** Installed in the page before the click: click timestamp, and when the article shows. */
const PROBE = `(function () {
  var bench = (window.__bench = {});
  document.addEventListener('click', function (e) {
    if (bench.clickAt === undefined) bench.clickAt = e.timeStamp;
  }, true);
  // The paywall's re-fetch with the access proof: when the wallet's answer came back.
  var fetch0 = window.fetch;
  window.fetch = function (input, init) {
    var headers = (init && init.headers) || {};
    var t = performance.now();
    var reply = fetch0.apply(this, arguments);
    if (headers.authorization && bench.proofAt === undefined) {
      bench.proofAt = t;
      reply.then(function () { bench.fetchedAt = performance.now(); });
    }
    return reply;
  };
  new MutationObserver(function () {
    if (bench.shownAt === undefined && document.querySelector('.netcash-content') !== null) {
      bench.shownAt = performance.now();
    }
    var error = document.querySelector('.netcash-error');
    if (bench.error === undefined && error !== null && error.textContent) bench.error = error.textContent;
  }).observe(document, { childList: true, subtree: true, characterData: true });
})()`;

const DONE = `(function () {
  var b = window.__bench;
  return b && (b.shownAt !== undefined || b.error !== undefined) ? b : false;
})()`;

interface Probe {
  readonly clickAt?: number;
  /** The paid page re-fetches the article with the proof (the wallet has answered). */
  readonly proofAt?: number;
  /** Response headers of that fetch arrived. */
  readonly fetchedAt?: number;
  readonly shownAt?: number;
  readonly error?: string;
}

interface Timing {
  readonly total: number;
  /** Click → the wallet's answer (bridge, journal, payment, the payee's exchange, receipt). */
  readonly wallet?: number;
  /** The re-fetch with the access proof, to its response headers. */
  readonly fetch?: number;
}

/** One click-to-article time (ms) on `url`, clicking `button`. */
async function sample(w: WalletBrowser, url: string, button: string): Promise<Timing> {
  const page: Page = await w.context.newPage();
  try {
    await page.goto(url);
    const target = page.locator(button);
    await target.waitFor({ state: 'visible', timeout: 30_000 });
    await page.evaluate(PROBE);
    await target.click();
    const handle = await page.waitForFunction(DONE, undefined, { timeout: 30_000 });
    const probe = (await handle.jsonValue()) as Probe;
    if (probe.error !== undefined || probe.shownAt === undefined || probe.clickAt === undefined) {
      throw new Error(`${url}: ${probe.error ?? 'no article'}`);
    }
    const { clickAt, proofAt, fetchedAt, shownAt } = probe;
    return {
      total: shownAt - clickAt,
      ...(proofAt === undefined ? {} : { wallet: proofAt - clickAt }),
      ...(proofAt === undefined || fetchedAt === undefined ? {} : { fetch: fetchedAt - proofAt }),
    };
  } finally {
    await page.close();
  }
}

/** Waits until the wallet has no operation in flight (its refresh after a payment). */
async function idle(w: WalletBrowser): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await w.command('state', {})).pending > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 100));
}

interface Series {
  readonly name: string;
  readonly times: Timing[];
}

async function main(): Promise<void> {
  console.log(`bench:browser — ${machine()}`);
  const articles: Article[] = benchArticles(N + WARMUP);
  // Revocation lists re-read every 30 s, as `netcash cs` does (the harness default of 0 re-reads
  // them on every request, which suits tests, not a measure of latency).
  const fed = await startFederation({ revocationRefresh: DEFAULTS.revocationRefresh });
  const cross = await startPublisher(fed, fed.cs[1]!.url, articles);
  const same = await startPublisher(fed, fed.cs[0]!.url, articles);
  const plain = await startPlainSite(articles);
  const w = await launchWallet();
  let approvals = 0;
  w.context.on('page', (p) => {
    p.once('domcontentloaded', () => {
      if (p.url().includes('/approval.html')) approvals++;
    });
  });
  const series: Series[] = [
    { name: 'plain fetch, no paywall', times: [] },
    { name: 'paid, cross-CS (publisher at cs2)', times: [] },
    { name: 'paid, same CS (publisher at cs1)', times: [] },
  ];
  try {
    await w.command('trustInsurer', { key: fed.insurer.signKey, url: fed.insurer.url });
    await w.command('connectBank', { url: fed.bank.url, holder: 'bench reader' });
    await w.command('buy', { amount: 2_000 });
    for (const site of [cross, same]) {
      await w.command('setAllowance', { origin: site.url, currency: 'NCD', limit: 100_000 });
    }
    await idle(w);
    console.log(`${N} measured samples of each after ${WARMUP} warm-up; ${load()}\n`);
    for (let i = 0; i < articles.length; i++) {
      const slug = articles[i]!.slug;
      const runs: [Series, () => Promise<Timing>][] = [
        [series[0]!, () => sample(w, `${plain.url}/articles/${slug}`, '.plain-read')],
        [
          series[1]!,
          () => sample(w, `${cross.url}/articles/${slug}`, 'netcash-paywall .netcash-pay'),
        ],
        [
          series[2]!,
          () => sample(w, `${same.url}/articles/${slug}`, 'netcash-paywall .netcash-pay'),
        ],
      ];
      for (const [s, run] of runs) {
        const t = await run();
        if (i >= WARMUP) s.times.push(t);
        await idle(w);
      }
      if ((i + 1) % 10 === 0) process.stderr.write(`  … ${i + 1} of each; ${load()}\n`);
    }
  } finally {
    await w.close();
    await plain.close();
    await same.close();
    await cross.close();
    await fed.stop();
  }
  const totals = (s: Series) => s.times.map((t) => t.total);
  const part = (s: Series, key: 'wallet' | 'fetch') =>
    s.times.flatMap((t) => (t[key] === undefined ? [] : [t[key]]));
  const base = percentile(totals(series[0]!), 50);
  table(
    [
      'click → article shown, ms',
      'n',
      'p50',
      'p95',
      'min',
      'max',
      'p50 ÷ plain',
      'wallet p50',
      'proof fetch p50',
    ],
    series.map((s) => [
      s.name,
      String(s.times.length),
      ms(percentile(totals(s), 50)),
      ms(percentile(totals(s), 95)),
      ms(Math.min(...totals(s))),
      ms(Math.max(...totals(s))),
      `${num(percentile(totals(s), 50) / base, 1)}×`,
      ms(percentile(part(s, 'wallet'), 50)),
      ms(percentile(part(s, 'fetch'), 50)),
    ]),
  );
  console.log(
    '(wallet: click → the paywall re-fetches with the access proof — bridge, journal, payment,\n' +
      " the payee's exchange at its CS, receipt; proof fetch: that request to its response headers)",
  );
  console.log(
    `\napproval windows opened: ${approvals} (0 expected: every payment within the allowance)`,
  );
  console.log(`target: paid p50 ≤ 150 ms on loopback. ${load()}`);
}

await main();
