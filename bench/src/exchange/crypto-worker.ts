/**
 * One process measuring the crypto-only limit of an exchange (../crypto-limit.ts) on one core,
 * for limit.ts: forked once per core the server uses, all started together on a `go` message.
 */
import { nodeProvider } from '../../../protocol/src/crypto/node-provider.ts';
import { type ExchangeShape, type MeasureOptions, measureExchangeCrypto } from '../crypto-limit.ts';

export type ToCryptoWorker = {
  readonly type: 'go';
  readonly shape: ExchangeShape;
  readonly options: MeasureOptions;
};
export type FromCryptoWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'rate'; readonly opsPerSecond: number };

process.once('message', (m: ToCryptoWorker) => {
  const rate = measureExchangeCrypto(nodeProvider, m.shape, m.options);
  process.send?.({ type: 'rate', opsPerSecond: rate.opsPerSecond } satisfies FromCryptoWorker);
  process.disconnect?.();
});
process.send?.({ type: 'ready' } satisfies FromCryptoWorker);
