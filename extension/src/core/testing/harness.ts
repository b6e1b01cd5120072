/**
 * Test harness for the wallet core against the real reference federation (server-mock's
 * `startFederation`: insurer, bank, cs1, cs2 on loopback with SQLite) and a real payee
 * (merchant-kit's `createPaywall` on loopback). IndexedDB is fake-indexeddb; every wallet gets
 * its own database name, and `reopen` closes a wallet and opens a fresh instance on the same
 * database — what a restarted service worker does.
 */
import 'fake-indexeddb/auto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPaywall,
  type Listening,
  listen,
  openMerchantStore,
  type Paywall,
  type PaywallOptions,
  silentLogger,
} from '@netcash/merchant-kit';
import { decodeJson, type FetchFn, type Offer, PaymentRequired } from '@netcash/protocol';
import { nobleProvider } from '@netcash/protocol/noble';
import { type Federation, startFederation } from '@netcash/server';
import type { NetPolicy } from '../context.ts';
import type { Faults } from '../faults.ts';
import { Wallet } from '../wallet.ts';

let counter = 0;

export interface TestWallet {
  wallet: Wallet;
  readonly dbName: string;
}

export async function openWallet(
  dbName = `wallet-${process.pid}-${++counter}`,
  faults: Faults = {},
  extra: {
    now?: () => number;
    net?: Partial<NetPolicy>;
    fetch?: FetchFn;
    onSchedule?: (atMs: number | null) => void;
  } = {},
): Promise<TestWallet> {
  const wallet = await Wallet.open({
    provider: nobleProvider,
    fetch: extra.fetch ?? ((input, init) => fetch(input, init)),
    ...(extra.onSchedule === undefined ? {} : { onSchedule: extra.onSchedule }),
    dbName,
    faults,
    // Short waits: a test sees "pending" after 200 ms of an unreachable server, not 8 s.
    net: { timeoutMs: 5_000, patienceMs: 200, retry: { baseMs: 20, maxMs: 200 }, ...extra.net },
    ...(extra.now === undefined ? {} : { now: extra.now }),
  });
  return { wallet, dbName };
}

/** The same database in a new wallet instance (a restarted service worker), no faults. */
export async function reopen(
  t: TestWallet,
  faults: Faults = {},
  extra: Parameters<typeof openWallet>[2] = {},
): Promise<Wallet> {
  t.wallet.close();
  t.wallet = (await openWallet(t.dbName, faults, extra)).wallet;
  return t.wallet;
}

/** A wallet that trusts the federation's insurer and has a demo bank account. */
export async function readyWallet(
  fed: Federation,
  faults: Faults = {},
  extra: Parameters<typeof openWallet>[2] = {},
): Promise<TestWallet> {
  const t = await openWallet(undefined, faults, extra);
  await t.wallet.trustInsurer(fed.insurer.signKey, fed.insurer.url);
  await t.wallet.connectBank(fed.bank.url, 'Test shopper');
  return t;
}

export interface TestShop {
  /** The shop as wallets reach it: through a proxy that `setDown` can cut. */
  readonly url: string;
  readonly paywall: Paywall;
  /** While down, every connection to `url` is dropped (the payee is unreachable). */
  setDown(down: boolean): void;
  /** A fresh 402 offer for `/articles/{name}` (price from `prices`). */
  offer(name: string): Promise<Offer>;
  /** GET the resource with an Authorization header: the status the merchant answers. */
  access(resource: string, authorization: string): Promise<number>;
  close(): Promise<void>;
}

export const PRICES: Readonly<Record<string, number>> = {
  cheap: 7,
  dear: 130,
  odd: 333,
  other: 25,
};

/**
 * A publisher selling /articles/{cheap,dear,odd,other}, banking at `csUrl`; its books in a
 * throwaway SQLite file, or in `options.store` (kept open and closed by the shop).
 */
export async function startShop(
  fed: Federation,
  csUrl: string,
  now?: () => number,
  /**
   * The payee's store (default a SQLite file of its own), its own `fetch` (to cut it off from
   * currency servers) and triplet windows — off unless given, so the wallet pays the ordinary
   * way (a price above its `protectFrom` would otherwise be protected by a triplet:
   * triplets/triplets.test.ts).
   */
  options: { store?: Exclude<Parameters<typeof openMerchantStore>[0], string> } & Pick<
    PaywallOptions,
    'fetch' | 'triplets'
  > = {},
): Promise<TestShop> {
  const dir = mkdtempSync(join(tmpdir(), 'netcash-shop-'));
  const store =
    options.store === undefined ? join(dir, 'shop.sqlite') : await openMerchantStore(options.store);
  const paywall = await createPaywall({
    cs: csUrl,
    insurers: [fed.insurer.signKey],
    insurer: fed.insurer.url,
    bank: { url: fed.bank.url },
    store,
    resources: Object.entries(PRICES).map(([name, price]) => ({
      path: `/articles/${name}`,
      price,
      description: `Article ${name}`,
    })),
    redrive: false,
    log: silentLogger(),
    ...(now === undefined ? {} : { now }),
    triplets: options.triplets ?? false,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  const server: Listening = await listen(
    paywall.wrap(() => new Response('the full article', { status: 200 })),
  );
  // A cuttable proxy in front, so offers name its address and a test can take the payee away.
  let down = false;
  const proxy = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const upstream = httpRequest(
      `${server.url}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    url,
    paywall,
    setDown(value) {
      down = value;
    },
    async offer(name) {
      const response = await fetch(`${url}/articles/${name}`);
      const decoded = decodeJson(PaymentRequired, await response.text());
      if (response.status !== 402 || !decoded.ok) throw new Error(`no offer (${response.status})`);
      return decoded.value.offer;
    },
    async access(resource, authorization) {
      const response = await fetch(resource, { headers: { authorization } });
      await response.text();
      return response.status;
    },
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((done) => proxy.close(() => done()));
      await server.close();
      await paywall.close();
      if (typeof store !== 'string') await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { type Federation, startFederation };

/**
 * The `tallies` store must count exactly the spendable coin rows (db/tally.ts): every write to
 * `coins` keeps it in step. Throws, naming the difference, when it does not.
 */
export async function checkTallies(wallet: Wallet): Promise<void> {
  const recount = new Map<string, number>();
  for (const row of await wallet.core.db.getAll('coins')) {
    if (row.state !== 'spendable') continue;
    const id = JSON.stringify([row.currency, row.cs, row.value, row.expires, row.coin.body.scheme]);
    recount.set(id, (recount.get(id) ?? 0) + 1);
  }
  const tallied = new Map<string, number>();
  for (const t of await wallet.core.db.getAll('tallies')) {
    tallied.set(JSON.stringify([t.currency, t.cs, t.value, t.expires, t.scheme]), t.coins);
  }
  const want = JSON.stringify([...recount].sort());
  const got = JSON.stringify([...tallied].sort());
  if (want !== got) throw new Error(`tallies ${got} do not count the coins held ${want}`);
}

/** Spendable value in NCD (and the tallies checked against the coin rows). */
export async function spendable(wallet: Wallet): Promise<number> {
  await checkTallies(wallet);
  return (await wallet.balances()).find((b) => b.currency === 'NCD')?.spendable ?? 0;
}

/** Reserved value in NCD. */
export async function reserved(wallet: Wallet): Promise<number> {
  return (await wallet.balances()).find((b) => b.currency === 'NCD')?.reserved ?? 0;
}

/**
 * A `fetch` that can cut the wallet off from some servers (a frozen or dead server, as the
 * wallet sees it): requests to a down origin fail like a refused connection.
 */
export function cuttableFetch(): { fetch: FetchFn; down: Set<string> } {
  const down = new Set<string>();
  return {
    down,
    fetch: (input, init) =>
      down.has(new URL(input).origin)
        ? Promise.reject(new TypeError(`fetch failed: ${new URL(input).origin} is down`))
        : fetch(input, init),
  };
}

/** The insurer's operator revokes a certificate or denomination key (`netcash insurer revoke`). */
export async function revoke(fed: Federation, id: string): Promise<void> {
  const response = await fetch(`${fed.insurer.url}/v1/admin/revocations`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${fed.insurer.adminToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ certId: id, reason: 'key compromised (test)' }),
  });
  if (response.status !== 200) throw new Error(`revocation refused: ${await response.text()}`);
}
