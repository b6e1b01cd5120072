/**
 * `netcash` as a child process, for tests that need a real second process (two currency server
 * processes over one PostgreSQL database) or a real `kill -9`. Runs bin/netcash.mjs with the
 * given arguments and resolves once the server prints its `listening on URL` line (or `ready`,
 * whose first group is the URL). `runNetcash` runs a command to completion; `spawnReady` does
 * the same for any server process (the fault suite's publisher).
 *
 * Servers started here have no rate limit (`NETCASH_RATE_LIMIT=0`) unless the test sets one:
 * every test request comes from 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/netcash.mjs', import.meta.url));
const TEST_ENV = { NETCASH_LOG: 'warn', NETCASH_RATE_LIMIT: '0' };

/**
 * How long a child may take to say it serves. Each of its threads loads the TypeScript sources
 * through tsx (about a second of CPU with tsx's cache warm, more on a fresh clone) on two cores
 * the other test files load too: seconds, and many of them on a busy CI machine. A test that
 * starts children takes its own timeout from this, so a slow start ends with their output.
 */
export const START_MS = 60_000;

export interface NetcashChild {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnNetcash(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; ready?: RegExp } = {},
): Promise<NetcashChild> {
  return spawnCli(BIN, args, options);
}

/** Another command line built on this one (`netcash-demo`), as `spawnNetcash` runs `netcash`. */
export function spawnCli(
  bin: string,
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; ready?: RegExp } = {},
): Promise<NetcashChild> {
  return spawnReady(process.execPath, [bin, ...args], {
    ...options,
    env: { ...TEST_ENV, ...options.env },
  });
}

/**
 * Any server process (`command args…`) that prints `listening on URL` (or matches `ready`, whose
 * first group is the URL) once it serves: e.g. the demo publisher run on its own for the fault
 * suite, or a currency server with a clock of its own (cs-at-main.ts). Rejects with what it
 * printed if it exits or takes longer than `timeoutMs`.
 */
export function spawnReady(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; ready?: RegExp; cwd?: string } = {},
): Promise<NetcashChild> {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const what = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start:\n${out}`));
    }, options.timeoutMs ?? START_MS);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = (options.ready ?? /listening on (https?:\/\/[^\s]+)/).exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          process: child,
          output: () => out,
          async kill(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code ?? signal}:\n${out}`));
    });
  });
}

/** Runs `netcash ARGS` to completion: exit code and output. */
export function runNetcash(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...TEST_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** A base port with the next `size - 1` ports free too (for `netcash up --port BASE`). */
export async function freePortBlock(size: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let i = 0; i < size && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
}
