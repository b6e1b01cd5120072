/**
 * The crypto-only limit of a currency server on `cores` cores (SPEC §10): the exchange's own
 * cryptography (../crypto-limit.ts) in a tight loop, in `cores` processes at once — one per core
 * the server's processes use, since a CS process runs its crypto on one thread. Measured by the
 * benchmark between its load runs, so it sees the same machine in the same state.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ExchangeShape, MeasureOptions } from '../crypto-limit.ts';
import type { FromCryptoWorker, ToCryptoWorker } from './crypto-worker.ts';

const ENTRY = fileURLToPath(new URL('./crypto-worker.ts', import.meta.url));

/** Exchanges per second the crypto alone allows on `cores` cores (sum of the processes). */
export async function cryptoLimit(
  shape: ExchangeShape,
  cores: number,
  options: MeasureOptions = { warmupMs: 300, durationMs: 1500, rounds: 5 },
): Promise<number> {
  const children = Array.from({ length: cores }, () =>
    fork(ENTRY, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const messages = children.map(
    (child) =>
      new Promise<FromCryptoWorker[]>((resolve, reject) => {
        const got: FromCryptoWorker[] = [];
        child.on('message', (m: FromCryptoWorker) => {
          got.push(m);
          if (m.type === 'ready') ready.push(child);
          if (m.type === 'rate') resolve(got);
        });
        child.once('exit', (code) => {
          if (!got.some((m) => m.type === 'rate'))
            reject(new Error(`crypto worker exited ${code}`));
        });
      }),
  );
  const ready: typeof children = [];
  const deadline = Date.now() + 60_000;
  while (ready.length < cores) {
    if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) {
      for (const c of children) c.kill();
      throw new Error('a crypto worker did not start');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const child of children) child.send({ type: 'go', shape, options } satisfies ToCryptoWorker);
  const results = await Promise.all(messages);
  let sum = 0;
  for (const got of results) for (const m of got) if (m.type === 'rate') sum += m.opsPerSecond;
  return sum;
}
