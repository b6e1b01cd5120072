/**
 * Starts a payee handler on loopback against a test federation, for merchant-kit's integration
 * tests: a tiny site whose paid resources answer `paid: <path>`, a SQLite store in a temp folder,
 * the merchant's CS being cs2 unless told otherwise (so payments with cs1 coins cross servers).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Federation } from '@netcash/server';
import { listen, silentLogger } from '@netcash/server-kit';
import type { PaidResource, PaywallOptions } from '../server/config.ts';
import { createPaywall, type Paywall } from '../server/paywall.ts';

export const RESOURCES: readonly PaidResource[] = [
  { path: '/articles/a', price: 5, description: 'Article A' },
  { path: '/articles/b', price: 7, description: 'Article B' },
  { path: '/articles/c', price: 25, description: 'Article C' },
];

export interface TestMerchant {
  readonly paywall: Paywall;
  readonly url: string;
  readonly store: string;
  resource(path: string): string;
  close(): Promise<void>;
}

/** The payee handler's options, and the index of its CS in the federation (default cs2). */
export type MerchantOptions = Partial<PaywallOptions> & { csIndex?: number };

export async function startMerchant(
  fed: Federation,
  options: MerchantOptions = {},
): Promise<TestMerchant> {
  const store =
    typeof options.store === 'string'
      ? options.store
      : join(mkdtempSync(join(tmpdir(), 'netcash-merchant-')), 'merchant.sqlite');
  const paywall = await createPaywall({
    cs: fed.cs[options.csIndex ?? 1]!.url,
    insurers: [fed.insurer.signKey],
    insurer: fed.insurer.url,
    bank: { url: fed.bank.url },
    resources: RESOURCES,
    redrive: false,
    log: silentLogger(),
    ...options,
    store: options.store ?? store,
  });
  const server = await listen(
    paywall.wrap(async (request) => {
      const path = new URL(request.url).pathname;
      return new Response(`paid: ${path}`, { headers: { 'content-type': 'text/plain' } });
    }),
  );
  return {
    paywall,
    url: server.url,
    store,
    resource: (path) => new URL(path, server.url).href,
    async close() {
      await server.close();
      await paywall.close();
    },
  };
}
