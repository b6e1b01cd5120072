/** What every part of the payee handler shares: keys, store, the CS link, resources, the clock. */
import type { CryptoProvider, FetchFn, RetryPolicy } from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import type { Lookup, Resource } from './catalogue.ts';
import type { TripletWindows } from './config.ts';
import type { CsLink } from './cs-link.ts';
import type { MerchantKeys } from './keys.ts';
import type { MerchantStore } from './store/types.ts';

export interface MerchantContext {
  readonly p: CryptoProvider;
  readonly store: MerchantStore;
  readonly keys: MerchantKeys;
  readonly link: CsLink;
  /** Paid resources by path, and by S_id. */
  readonly byPath: Lookup<Resource>;
  readonly bySid: Lookup<Resource>;
  readonly anonymous: boolean;
  readonly offerLifetime: number;
  readonly acceptCs: readonly string[] | undefined;
  /** The windows C_B coins are taken offline in (published in offers); null: not at all. */
  readonly triplets: TripletWindows | null;
  readonly fetch: FetchFn | undefined;
  /** How a request to the CS is sent again while its failure is transient (same request id). */
  readonly retry: RetryPolicy;
  readonly now: () => number;
  /** The publisher's log (publisher-log.ts words its lines). */
  readonly log: Logger;
}
