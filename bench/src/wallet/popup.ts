/**
 * The popup's first render with a big wallet, in Chromium with the built extension (part of
 * bench:wallet). The wallet is filled through the extension's own code path — the `buy` command
 * the popup's "Add funds" sends, so coins are bought, verified with the noble provider and
 * stored by the service worker's wallet core — then popup.html is opened in a fresh tab again
 * and again, timing navigation start → the balance element rendered (a MutationObserver in the
 * page records `performance.now()`, which counts from navigation start).
 *
 * Warm: the service worker is running (a command page keeps it busy). Cold: the service worker
 * is stopped first (CDP Target.closeTarget, as after its idle timeout), so the time includes its
 * start, opening IndexedDB and re-driving the journal.
 */
import type { Federation } from '@netcash/server';
import { launchWallet, type WalletBrowser } from '../lib/chromium.ts';
import { median } from '../lib/stats.ts';

/**
 * Records when the balance first appears. A string, not a function: tsx's transform would wrap
 * named functions in a `__name` helper that does not exist in the page.
 */
const BALANCE_OBSERVER = `new MutationObserver(function () {
  if (window.__balanceAt === undefined && document.querySelector('[data-testid="balance"]') !== null) {
    window.__balanceAt = performance.now();
  }
}).observe(document, { childList: true, subtree: true });`;

declare global {
  interface Window {
    /** performance.now() when the balance first appeared (set by the init script). */
    __balanceAt?: number;
  }
}

export interface PopupPoint {
  readonly coins: number;
  readonly mode: 'warm' | 'cold';
  readonly p50: number;
  readonly min: number;
  readonly max: number;
  /** DOMContentLoaded of the same openings (the page and its script, before any wallet data). */
  readonly domReadyP50: number;
  /** The `state` command alone (service worker: IndexedDB reads and balances), warm. */
  readonly stateP50: number;
}

async function stopServiceWorker(w: WalletBrowser): Promise<void> {
  const browser = w.context.browser();
  if (browser === null) throw new Error('no browser for CDP');
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = await cdp.send('Target.getTargets');
  for (const t of targetInfos) {
    if (t.type === 'service_worker' && t.url.startsWith(`${w.base}/`)) {
      await cdp.send('Target.closeTarget', { targetId: t.targetId });
    }
  }
  await cdp.detach();
}

const DOM_READY = `(function () {
  var n = performance.getEntriesByType('navigation')[0];
  return n ? n.domContentLoadedEventEnd : NaN;
})()`;

interface Opening {
  /** Navigation start → balance shown. */
  readonly at: number;
  /** Navigation start → DOMContentLoaded. */
  readonly domReady: number;
}

/** One popup opening, timed in the page from navigation start. */
async function openPopup(w: WalletBrowser): Promise<Opening> {
  const page = await w.context.newPage();
  try {
    await page.goto(`${w.base}/popup.html`);
    const at = await page.waitForFunction(() => window.__balanceAt, undefined, {
      timeout: 60_000,
    });
    return {
      at: (await at.jsonValue()) as number,
      domReady: (await page.evaluate(DOM_READY)) as number,
    };
  } finally {
    await page.close();
  }
}

async function sample(w: WalletBrowser, runs: number, cold: boolean): Promise<Opening[]> {
  const times: Opening[] = [];
  for (let i = 0; i < runs; i++) {
    if (cold) await stopServiceWorker(w);
    times.push(await openPopup(w));
  }
  return times;
}

export async function measurePopup(
  fed: Federation,
  target: number,
  buy: number,
  runs: number,
): Promise<PopupPoint[]> {
  const w = await launchWallet();
  const points: PopupPoint[] = [];
  try {
    await w.context.addInitScript(BALANCE_OBSERVER);
    await w.command('trustInsurer', { key: fed.insurer.signKey, url: fed.insurer.url });
    await w.command('connectBank', { url: fed.bank.url, holder: 'bench shopper' });
    await w.command('setSettings', { coverUpTo: buy });
    let coins = 0;
    const fill = performance.now();
    for (const goal of [1, target]) {
      while (coins < goal) {
        await w.command('buy', { amount: buy });
        coins += 61;
        if (coins >= goal) coins = (await w.command('state', {})).balances[0]?.coins ?? 0;
      }
      const stateTimes: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await w.command('state', {});
        stateTimes.push(performance.now() - t);
      }
      console.log(
        `  popup: ${coins} coins in the extension (filled in ${((performance.now() - fill) / 1000).toFixed(1)} s)`,
      );
      for (const cold of [false, true]) {
        const openings = await sample(w, cold ? Math.min(runs, 5) : runs, cold);
        const times = openings.map((o) => o.at);
        points.push({
          coins,
          mode: cold ? 'cold' : 'warm',
          p50: median(times),
          min: Math.min(...times),
          max: Math.max(...times),
          domReadyP50: median(openings.map((o) => o.domReady)),
          stateP50: median(stateTimes),
        });
      }
    }
  } finally {
    await w.close();
  }
  return points;
}
