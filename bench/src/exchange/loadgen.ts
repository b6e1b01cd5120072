/**
 * Starting and driving the load generator process (load.ts) from the orchestrator: `fork` with
 * tsx's loader, one run at a time over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromLoad, RunReport, RunSpec } from './load-types.ts';

const ENTRY = fileURLToPath(new URL('./load.ts', import.meta.url));

export interface LoadGenerator {
  readonly pid: number;
  run(spec: RunSpec): Promise<RunReport>;
  close(): Promise<void>;
}

export async function startLoadGenerator(): Promise<LoadGenerator> {
  const child: ChildProcess = fork(ENTRY, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<FromLoad>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      child.once('exit', onExit);
      child.once('message', (m: FromLoad) => {
        child.off('exit', onExit);
        resolve(m);
      });
    });
  const ready = await next();
  if (ready.type !== 'ready') throw new Error('load generator did not start');
  return {
    pid: child.pid ?? 0,
    async run(spec) {
      const reply = next();
      child.send({ type: 'run', spec });
      // A run never takes much longer than asked; a hang is a bug, reported as one.
      const limitMs = spec.warmupMs + Math.min(spec.durationMs, 600_000) + 120_000;
      let timer: NodeJS.Timeout | undefined;
      const m = await Promise.race([
        reply,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`load generator silent for ${limitMs} ms`)),
            limitMs,
          );
        }),
      ]).finally(() => clearTimeout(timer));
      if (m.type === 'report') return m.report;
      throw new Error(m.type === 'failed' ? m.message : 'unexpected message');
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'exit' });
      await exited;
    },
  };
}
