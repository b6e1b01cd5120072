/**
 * `npm run bench:wallet`: the wallet with 10,000 coins (SPEC §5, §8).
 *
 *   core (Node)  the platform-free wallet core on fake-indexeddb, filled by its own `buy` against
 *                an in-process federation; at 61, 1,000 and 10,000 coins: the balance
 *                (`balances()`, what the popup shows), coin selection for a payment
 *                (`choosePlan(offer)`: read the CS's spendable coins from IndexedDB and plan an
 *                exact payment, as `pay` does; and `planPayment` alone on the rows in memory),
 *                and the approval window's `quote` — median of repeated runs, and the ratio of
 *                10,000 coins to 61;
 *   popup        Chromium with the built extension (wallet/popup.ts), filled through the
 *                extension's own `buy` command, then the popup's first render: navigation to
 *                the balance shown, at 61 and 10,000 coins.
 *
 * Options: --coins N (default 10,000), --runs N, --no-browser. Never fails on a time.
 */
import 'fake-indexeddb/auto';
import { parseArgs } from 'node:util';
import { planPayment } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { DEFAULTS, type Federation, startFederation } from '@netcash/server';
import { spendableOf } from '../../extension/src/core/coins.ts';
import { DEFAULT_POLICY, Wallet } from '../../extension/src/core/index.ts';
import { choosePlan } from '../../extension/src/core/pay.ts';
import { startShop } from '../../extension/src/core/testing/harness.ts';
import { load, machine, median, ms, num, table } from './lib/stats.ts';
import { measurePopup } from './wallet/popup.ts';

const { values: opts } = parseArgs({
  options: {
    coins: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '15' },
    'no-browser': { type: 'boolean', default: false },
  },
});
const TARGET = Number(opts.coins);
const RUNS = Number(opts.runs);
/** With the spread covering up to this, one buy of it gives 61 coins (policy.ts `spread`). */
export const BUY = 200_000;
export const POLICY = { ...DEFAULT_POLICY, coverUpTo: BUY };

async function time<T>(fn: () => Promise<T> | T): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function medianOf(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await time(fn));
  return median(times);
}

interface CorePoint {
  readonly coins: number;
  readonly balance: number;
  readonly choose: Readonly<Record<string, number>>;
  readonly plan: number;
  readonly quote: number;
}

async function coreBench(fed: Federation): Promise<CorePoint[]> {
  const shop = await startShop(fed, fed.cs[0]!.url);
  const wallet = await Wallet.open({
    provider: nodeProvider,
    fetch: (input, init) => fetch(input, init),
    dbName: 'bench-wallet',
  });
  const points: CorePoint[] = [];
  try {
    await wallet.trustInsurer(fed.insurer.signKey, fed.insurer.url);
    await wallet.connectBank(fed.bank.url, 'bench shopper');
    await wallet.setSettings({ policy: POLICY });
    const offers = { '7 ¢': await shop.offer('cheap'), '3.33': await shop.offer('odd') };
    const count = async () => (await wallet.balances())[0]?.coins ?? 0;
    const fill = performance.now();
    for (const goal of [1, 1_000, TARGET]) {
      while ((await count()) < goal) await wallet.buy(BUY);
      const coins = await count();
      const rows = await spendableOf(wallet.core, 'cs1');
      const denominations = wallet.servers()[0]!.denominations;
      const choose: Record<string, number> = {};
      for (const [name, offer] of Object.entries(offers)) {
        choose[name] = await medianOf(() => choosePlan(wallet.core, offer));
      }
      points.push({
        coins,
        balance: await medianOf(() => wallet.balances()),
        choose,
        plan: await medianOf(() => planPayment(rows, 7, denominations)),
        quote: await medianOf(() => wallet.quote(offers['7 ¢'], shop.url)),
      });
      console.log(
        `  core: ${num(coins)} coins (filled in ${num((performance.now() - fill) / 1000, 1)} s); ${load()}`,
      );
    }
  } finally {
    wallet.close();
    await shop.close();
  }
  return points;
}

async function main(): Promise<void> {
  console.log(`bench:wallet — ${machine()}`);
  console.log(
    `median of ${RUNS} runs per figure; the wallet buys ${num(BUY)} ¢ at a time (61 coins)\n`,
  );
  const fed = await startFederation({
    csCount: 1,
    demoBalance: 100_000_000,
    revocationRefresh: DEFAULTS.revocationRefresh,
  });
  let core: CorePoint[] = [];
  let popup: Awaited<ReturnType<typeof measurePopup>> = [];
  try {
    core = await coreBench(fed);
    if (!opts['no-browser']) popup = await measurePopup(fed, TARGET, BUY, RUNS);
  } finally {
    await fed.stop();
  }
  console.log('\nWallet core on fake-indexeddb (Node), ms:');
  table(
    ['coins', 'balances()', 'choosePlan 7 ¢', 'choosePlan 3.33', 'planPayment only', 'quote'],
    core.map((p) => [
      num(p.coins),
      ms(p.balance),
      ms(p.choose['7 ¢'] ?? Number.NaN),
      ms(p.choose['3.33'] ?? Number.NaN),
      ms(p.plan),
      ms(p.quote),
    ]),
  );
  const first = core[0];
  const last = core.at(-1);
  if (first !== undefined && last !== undefined && last !== first) {
    console.log(
      `ratio ${num(last.coins)} ÷ ${num(first.coins)} coins: balances ${num(last.balance / first.balance, 1)}×, ` +
        `choosePlan ${num((last.choose['7 ¢'] ?? 0) / (first.choose['7 ¢'] ?? 1), 1)}×`,
    );
  }
  if (popup.length > 0) {
    console.log('\nPopup first render in Chromium (navigation → balance shown), ms:');
    table(
      ['coins', 'service worker', 'p50', 'min', 'max', 'DOM ready p50', '`state` command p50'],
      popup.map((p) => [
        num(p.coins),
        p.mode,
        ms(p.p50),
        ms(p.min),
        ms(p.max),
        ms(p.domReadyP50),
        ms(p.stateP50),
      ]),
    );
    for (const mode of ['warm', 'cold'] as const) {
      const of = popup.filter((p) => p.mode === mode);
      const a = of[0];
      const b = of.at(-1);
      if (a !== undefined && b !== undefined && a !== b) {
        console.log(
          `ratio ${num(b.coins)} ÷ ${num(a.coins)} coins, ${mode}: ${num(b.p50 / a.p50, 1)}×`,
        );
      }
    }
  }
  console.log(
    `\ntargets at 10,000 coins: coin selection ≤ 5 ms; popup first render ≤ 300 ms. ${load()}`,
  );
}

await main();
