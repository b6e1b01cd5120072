/**
 * The coins bench:exchange spends, and how it keeps the client's cryptography out of the
 * measured path. Method: *pre-sealed batches of outstanding coins, recycled between runs.*
 *
 *   1. buy a pool of 1-cent coins (64 per `buy`);
 *   2. before a run, seal `n` exchange requests (`coinsIn` coins from the pool each, asking for
 *      `coinsOut` 1-cent coins) and write their bodies to a file — all HPKE sealing happens here;
 *   3. the load generator sends them (no crypto), and writes the replies to a file;
 *   4. after the run, open the replies: the fresh coins go back into the pool, and the coins of
 *      requests never sent go back as they were (still outstanding). A request that failed loses
 *      its coins for the benchmark (counted, reported).
 *
 * So every request of every run spends coins that are outstanding at that moment, each coin is
 * spent once, and the server does the full work of a real exchange.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  type Coin,
  CsReplyEnvelope,
  type CsTarget,
  decodeJson,
  openCsReply,
  randomId,
  randomKey,
  sealCsRequest,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import type { TestClient } from '@netcash/server';
import type { ExchangeShape } from '../crypto-limit.ts';
import { within } from '../lib/proc.ts';

const p = nodeProvider;

interface Sealed {
  readonly requestId: string;
  readonly replyKey: string;
  readonly coins: readonly Coin[];
}

export interface Batch {
  readonly shape: ExchangeShape;
  readonly requests: readonly Sealed[];
  readonly bodiesFile: string;
}

export class CoinPool {
  private coins: Coin[] = [];
  /** Coins of requests that failed (not answered 200): the benchmark no longer uses them. */
  lost = 0;
  /** Milliseconds spent sealing and opening (outside every measured window). */
  clientCryptoMs = 0;

  constructor(
    private readonly client: TestClient,
    private readonly csUrl: string,
    private readonly target: CsTarget,
    /**
     * Ask for a restore tag on the outputs, as wallets do (docs/PROTOCOL.md §4.8): a fresh one
     * per request — the most distinct tags the CS could be asked to keep.
     */
    private readonly tags = false,
  ) {}

  get size(): number {
    return this.coins.length;
  }

  /** Buys at least `count` 1-cent coins, 64 per request, a few requests at a time. */
  async buy(count: number): Promise<void> {
    const requests = Math.ceil(count / 64);
    let done = 0;
    const worker = async () => {
      while (done < requests) {
        done++;
        const coins = await within(
          60_000,
          `buying 64 coins at ${this.csUrl}`,
          this.client.buy(this.csUrl, new Array<number>(64).fill(1)),
        );
        this.coins.push(...coins);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  /** Seals `n` requests of `shape` from the pool (buying first if it is short). */
  async seal(shape: ExchangeShape, n: number, bodiesFile: string): Promise<Batch> {
    const need = n * shape.coinsIn - this.coins.length;
    if (need > 0) await this.buy(need);
    const t = performance.now();
    const requests: Sealed[] = [];
    const bodies: string[] = [];
    const values = new Array<number>(shape.coinsOut).fill(1);
    for (let i = 0; i < n; i++) {
      const coins = this.coins.splice(this.coins.length - shape.coinsIn, shape.coinsIn);
      const requestId = randomId(p);
      const replyKey = randomKey(p);
      const envelope = sealCsRequest(p, this.target, {
        requestId,
        op: 'exchange',
        instruments: coins.map((coin) => ({ kind: 'coin' as const, coin })),
        want: this.tags ? { values, tag: randomId(p) } : { values },
        replyKey,
      });
      requests.push({ requestId, replyKey, coins });
      bodies.push(JSON.stringify(envelope));
    }
    writeFileSync(bodiesFile, bodies.join('\n'));
    this.clientCryptoMs += performance.now() - t;
    return { shape, requests, bodiesFile };
  }

  /**
   * Takes back the outcome of a run: fresh coins in, unsent coins back, failures lost. Returns
   * the coins the server accepted (spent by this run).
   */
  settle(batch: Batch, repliesFile: string, taken: number): Coin[] {
    const spent: Coin[] = [];
    const t = performance.now();
    const answered = new Map<number, { status: number; body: string }>();
    for (const line of readFileSync(repliesFile, 'utf8').split('\n')) {
      if (line === '') continue;
      const [index, status, ...rest] = line.split('\t');
      answered.set(Number(index), { status: Number(status), body: rest.join('\t') });
    }
    batch.requests.forEach((request, i) => {
      if (i >= taken) {
        this.coins.push(...request.coins);
        return;
      }
      const answer = answered.get(i);
      const envelope =
        answer?.status === 200 ? decodeJson(CsReplyEnvelope, answer.body) : undefined;
      const result =
        envelope?.ok === true
          ? openCsReply(p, request.replyKey, request.requestId, envelope.value)
          : undefined;
      if (result?.ok === true && result.value.op === 'exchange') {
        this.coins.push(...result.value.coins);
        spent.push(...request.coins);
      } else {
        this.lost += request.coins.length;
      }
    });
    this.clientCryptoMs += performance.now() - t;
    return spent;
  }
}
