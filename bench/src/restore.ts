/**
 * `npm run bench:restore`: how long a wallet of N coins (default 1,000) takes to come back from
 * its recovery phrase (SPEC §13, docs/PROTOCOL.md §4.8), per coin scheme.
 *
 *   1. an in-process federation (loopback, OS-chosen ports, SQLite), coins of 1 cent only, so a
 *      wallet holds exactly N coins; blind-rsa keys for that value in the blind-rsa run;
 *   2. a wallet core (fake-indexeddb, the extension's noble provider) buys N coins, ≤ 64 a buy;
 *   3. a new wallet adopts its phrase, trusts the insurer, reconnects the bank account, and runs
 *      `recovery.restore()`: timed as a whole (nc1 restore pages, blind-rsa counter scan and
 *      status, the purse written, the refresh after), and checked to give the same balance.
 *
 * Options: --coins N, --scheme nc1|blind-rsa|both. Prints figures; never fails on a time.
 */
import 'fake-indexeddb/auto';
import { parseArgs } from 'node:util';
import { nobleProvider } from '@netcash/protocol/noble';
import { startFederation } from '@netcash/server';
import { Wallet } from '../../extension/src/core/index.ts';
import { load, machine, ms, num, table } from './lib/stats.ts';

const { values: opts } = parseArgs({
  options: { coins: { type: 'string' }, scheme: { type: 'string', default: 'both' } },
});
const N = Number(opts.coins ?? 1_000);
const schemes = opts.scheme === 'both' ? ['nc1', 'blind-rsa'] : [opts.scheme ?? 'nc1'];

let dbs = 0;
const open = () =>
  Wallet.open({
    provider: nobleProvider,
    fetch: (input, init) => fetch(input, init),
    dbName: `bench-restore-${++dbs}`,
  });

interface Row {
  scheme: string;
  coins: number;
  buyMs: number;
  restoreMs: number;
  restored: number;
  perCoinMs: number;
}

async function run(scheme: string): Promise<Row> {
  const blind = scheme === 'blind-rsa';
  const fed = await startFederation({
    denominations: [1],
    demoBalance: N + 100,
    ...(blind ? { blindRsa: { denominations: [1] } } : {}),
  });
  try {
    const lost = await open();
    await lost.trustInsurer(fed.insurer.signKey, fed.insurer.url);
    await lost.connectBank(fed.bank.url, 'bench');
    await lost.setSettings({ blindCoins: blind });
    const phrase = (await lost.recovery.phrase()).words.join(' ');
    const t0 = performance.now();
    // 64 coins to a buy (a request's most outputs), the last buy the rest.
    for (let left = N; left > 0; left -= 64) await lost.buy(Math.min(64, left), 'cs1');
    const buyMs = performance.now() - t0;
    const held = (await lost.balances())[0]?.spendable ?? 0;
    lost.close();

    const fresh = await open();
    await fresh.recovery.adopt(phrase);
    await fresh.trustInsurer(fed.insurer.signKey, fed.insurer.url);
    await fresh.connectBank(fed.bank.url, 'bench');
    const t1 = performance.now();
    await fresh.recovery.restore();
    const restoreMs = performance.now() - t1;
    const restored = (await fresh.balances())[0]?.spendable ?? 0;
    if (restored !== held) throw new Error(`restored ${restored}, held ${held}`);
    fresh.close();
    return { scheme, coins: N, buyMs, restoreMs, restored, perCoinMs: restoreMs / N };
  } finally {
    await fed.stop();
  }
}

console.log(`bench:restore — ${machine()}`);
console.log(`a wallet of ${num(N)} coins of 1 cent restored from its recovery phrase\n`);
const rows: Row[] = [];
for (const scheme of schemes) {
  rows.push(await run(scheme));
  console.log(`  ${scheme} done; ${load()}`);
}
table(
  ['scheme', 'coins', 'buying them (ms)', 'restore (ms)', 'per coin (ms)', 'restored = held'],
  rows.map((r) => [
    r.scheme,
    num(r.coins),
    ms(r.buyMs),
    ms(r.restoreMs),
    ms(r.perCoinMs),
    `${num(r.restored)} ¢ yes`,
  ]),
);
