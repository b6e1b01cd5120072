/**
 * The federation (and shop) all the tests of one file share, started before them and stopped
 * after them (vitest beforeAll/afterAll) — kept apart from harness.ts, which the wallet benchmark
 * (bench/src/wallet.ts) also runs outside vitest.
 */
import type { FederationOptions } from '@netcash/server';
import { afterAll, beforeAll } from 'vitest';
import { type Federation, startFederation, startShop, type TestShop } from './harness.ts';

/** What `startShop` takes besides the federation, the CS and the clock. */
export type ShopOptions = NonNullable<Parameters<typeof startShop>[3]>;

/** What `useFederation` started. */
export interface TestWorld {
  readonly fed: Federation;
  /** The publisher; only when `useFederation` was given `shop`. */
  readonly shop: TestShop;
}

/**
 * Starts a federation before a file's tests and stops it after them (vitest beforeAll/afterAll),
 * with `shop` also a publisher banking at cs2 while wallets buy at cs1 — so every payment
 * crosses servers — on the federation's clock. Read `fed` and `shop` inside the tests.
 */
export function useFederation(
  options: FederationOptions & { shop?: true | ShopOptions } = {},
): TestWorld {
  const { shop: shopOptions, ...federation } = options;
  let fed: Federation | undefined;
  let shop: TestShop | undefined;
  beforeAll(async () => {
    fed = await startFederation(federation);
    if (shopOptions !== undefined) {
      shop = await startShop(
        fed,
        fed.cs[1]!.url,
        federation.now,
        shopOptions === true ? {} : shopOptions,
      );
    }
  });
  afterAll(async () => {
    await shop?.close();
    await fed?.stop();
  });
  return {
    get fed() {
      if (fed === undefined) throw new Error('the federation starts in beforeAll');
      return fed;
    },
    get shop() {
      if (shop === undefined) throw new Error('no shop: pass `shop` to useFederation');
      return shop;
    },
  };
}
