/**
 * The crypto-only limit of a currency server (SPEC §10), measured *interleaved* with the load
 * runs: the exchange's own cryptography (../crypto-limit.ts) in a tight loop, in `cores`
 * processes at once (one per core the server may use for its crypto), one short round after each
 * load run, so the limit sees the machine in the state the run saw. Each round gives two figures:
 *
 *   wall rate     exchanges per second summed over the processes — the denominator of the
 *                 throughput ratio; it moves with whatever else the machine runs
 *   CPU per exch  CPU µs per exchange (process CPU counters) — the denominator of the CPU-time
 *                 ratio, far less sensitive to other load
 *
 * The benchmark takes the median of the rounds of a shape.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExchangeShape } from '../crypto-limit.ts';
import type { FromCryptoWorker, ToCryptoWorker } from './crypto-worker.ts';

const ENTRY = fileURLToPath(new URL('./crypto-worker.ts', import.meta.url));

export interface LimitRound {
  /** Exchanges per second the crypto alone allows on the meter's cores (sum). */
  readonly rate: number;
  /** CPU µs per exchange (all processes' CPU over all their exchanges). */
  readonly cpuUs: number;
}

export interface CryptoMeter {
  readonly cores: number;
  round(shape: ExchangeShape, ms?: number): Promise<LimitRound>;
  close(): Promise<void>;
}

function nextMessage(child: ChildProcess): Promise<FromCryptoWorker> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`crypto worker exited ${code}`));
    child.once('exit', onExit);
    child.once('message', (m: FromCryptoWorker) => {
      child.off('exit', onExit);
      resolve(m);
    });
  });
}

/** Starts `cores` measuring processes (kept until `close`). */
export async function startCryptoMeter(cores: number): Promise<CryptoMeter> {
  const children = Array.from({ length: cores }, () =>
    fork(ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const ready = await Promise.all(children.map(nextMessage));
  if (ready.some((m) => m.type !== 'ready')) throw new Error('a crypto worker did not start');
  return {
    cores,
    async round(shape, ms = 400) {
      const answers = children.map(nextMessage);
      for (const child of children) child.send({ type: 'go', shape, ms } satisfies ToCryptoWorker);
      let rate = 0;
      let ops = 0;
      let cpuUs = 0;
      for (const m of await Promise.all(answers)) {
        if (m.type !== 'round') throw new Error('unexpected message from a crypto worker');
        rate += m.ops / (m.wallMs / 1000);
        ops += m.ops;
        cpuUs += m.cpuUs;
      }
      return { rate, cpuUs: cpuUs / ops };
    },
    async close() {
      await Promise.all(
        children.map((child) => {
          if (child.exitCode !== null) return undefined;
          const exited = new Promise((r) => child.once('exit', r));
          child.send({ type: 'exit' } satisfies ToCryptoWorker);
          return exited;
        }),
      );
    },
  };
}
