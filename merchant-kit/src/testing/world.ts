/**
 * The federation, shopper and merchants all the tests of one file share, started before them and
 * stopped after them (vitest beforeAll/afterAll), as the wallet core's tests have theirs
 * (extension/src/core/testing/world.ts). Read them inside the tests: `world.fed`,
 * `world.shopper`, `world.merchant()`.
 */
import {
  type FaultProxy,
  type Federation,
  type FederationOptions,
  type RunningCs,
  startFederation,
  startProxiedCs,
  TestClient,
} from '@netcash/server';
import { afterAll, beforeAll } from 'vitest';
import { type MerchantOptions, startMerchant, type TestMerchant } from './merchant.ts';

export interface WorldOptions extends FederationOptions {
  /** Payee handlers to start once the federation is up, by name (`world.merchant(name)`). */
  readonly merchants?: Readonly<Record<string, MerchantOptions>>;
  /** One more currency server of this name, certified at a fault proxy's address. */
  readonly proxiedCs?: string;
}

/** What `useFederation` started. */
export interface MerchantWorld {
  readonly fed: Federation;
  /** A bank customer who buys coins (on the federation's clock, if it has one). */
  readonly shopper: TestClient;
  /** The `proxiedCs` server and the fault proxy in front of it. */
  readonly proxied: { readonly cs: RunningCs; readonly link: FaultProxy };
  /** The merchant of that name; without a name, the only one. */
  merchant(name?: string): TestMerchant;
}

export function useFederation(options: WorldOptions = {}): MerchantWorld {
  const { merchants: merchantOptions = {}, proxiedCs, ...federation } = options;
  let fed: Federation | undefined;
  let shopper: TestClient | undefined;
  let proxied: MerchantWorld['proxied'] | undefined;
  const merchants = new Map<string, TestMerchant>();
  beforeAll(async () => {
    fed = await startFederation(federation);
    if (proxiedCs !== undefined) proxied = await startProxiedCs(fed, proxiedCs);
    for (const [name, o] of Object.entries(merchantOptions)) {
      merchants.set(name, await startMerchant(fed, o));
    }
    shopper = await TestClient.open(
      fed.bank.url,
      federation.now === undefined ? {} : { now: federation.now },
    );
  });
  afterAll(async () => {
    for (const merchant of [...merchants.values()].reverse()) await merchant.close();
    await proxied?.cs.close();
    await proxied?.link.close();
    await fed?.stop();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what}: not started (useFederation, beforeAll)`);
    return value;
  };
  return {
    get fed() {
      return started(fed, 'the federation');
    },
    get shopper() {
      return started(shopper, 'the shopper');
    },
    get proxied() {
      return started(proxied, 'no proxied CS: pass `proxiedCs`');
    },
    merchant(name) {
      const names = [...merchants.keys()];
      if (name === undefined && names.length !== 1) {
        throw new Error(`name the merchant: ${names.join(', ') || 'none started'}`);
      }
      return started(merchants.get(name ?? names[0]!), `merchant ${name}`);
    },
  };
}
