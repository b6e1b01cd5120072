/**
 * One process measuring the crypto-only limit of an exchange (../crypto-limit.ts) on one core,
 * for limit.ts: forked once per core the server uses and kept for the whole benchmark; each `go`
 * runs one short round for a shape (all processes start it together) and answers its wall rate
 * and CPU time per exchange.
 */
import { nodeProvider } from '../../../protocol/src/crypto/node-provider.ts';
import {
  buildExchangeFixture,
  cryptoRound,
  type ExchangeFixture,
  type ExchangeShape,
  exchangeCrypto,
} from '../crypto-limit.ts';

export type ToCryptoWorker =
  | { readonly type: 'go'; readonly shape: ExchangeShape; readonly ms: number }
  | { readonly type: 'exit' };
export type FromCryptoWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'round';
      readonly ops: number;
      readonly wallMs: number;
      readonly cpuUs: number;
    };

const fixtures = new Map<string, ExchangeFixture>();

/** The fixture of `shape`, made and warmed (JIT, key caches) on first use. */
function fixtureOf(shape: ExchangeShape): ExchangeFixture {
  const key = `${shape.coinsIn}/${shape.coinsOut}`;
  let fixture = fixtures.get(key);
  if (fixture === undefined) {
    fixture = buildExchangeFixture(nodeProvider, shape);
    const end = performance.now() + 300;
    while (performance.now() < end) exchangeCrypto(nodeProvider, fixture);
    fixtures.set(key, fixture);
  }
  return fixture;
}

process.on('message', (m: ToCryptoWorker) => {
  if (m.type === 'exit') {
    process.disconnect?.();
    return;
  }
  const round = cryptoRound(nodeProvider, fixtureOf(m.shape), m.ms);
  process.send?.({ type: 'round', ...round } satisfies FromCryptoWorker);
});
process.send?.({ type: 'ready' } satisfies FromCryptoWorker);
