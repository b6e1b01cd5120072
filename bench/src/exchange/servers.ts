/**
 * The servers bench:exchange measures. The insurer and the bank run inside the orchestrator
 * (they are idle during a run: the CS only re-reads the revocation list every 30 s); each
 * currency server is a real `netcash cs` process (server-mock's child-process helper) with its
 * data folder on the machine's disk — SQLite in WAL mode with `synchronous=FULL` (every commit is
 * fsynced before its reply) — or over a throwaway PostgreSQL cluster (`fsync=on`,
 * `synchronous_commit=on`, its defaults), optionally as two processes over one database.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  enrollCs,
  type RunningBank,
  type RunningInsurer,
  startBank,
  startInsurer,
} from '@netcash/server';
import { silentLogger } from '@netcash/server-kit';
import { type PostgresCluster, startPostgres } from '@netcash/server-kit/testing';
import { spawnNetcash } from '../../../server-mock/src/testing/child.ts';

const NETCASH = fileURLToPath(new URL('../../../server-mock/bin/netcash.mjs', import.meta.url));

export interface Base {
  readonly insurer: RunningInsurer;
  readonly bank: RunningBank;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** Insurer and bank in this process, under `dataDir`; demo accounts hold plenty to buy with. */
export async function startBase(dataDir: string): Promise<Base> {
  const log = silentLogger();
  // The load comes from one address at thousands of requests a second: no rate limit.
  const insurer = await startInsurer({ dataDir: join(dataDir, 'insurer'), log, rateLimit: false });
  const bank = await startBank({
    dataDir: join(dataDir, 'bank'),
    log,
    demoBalance: 100_000_000,
    demoOpenings: false,
    rateLimit: false,
  });
  return {
    insurer,
    bank,
    dataDir,
    async close() {
      await bank.close();
      await insurer.close();
    },
  };
}

export interface CsProcess {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface CsOptions {
  readonly name: string;
  /** PostgreSQL database URL; SQLite in the data folder when absent. */
  readonly postgres?: string;
  /** The address to certify (a second process of the same CS passes the first one's URL). */
  readonly publicUrl?: string;
  /** Crypto worker threads (`--workers`); the server's default when absent. */
  readonly workers?: number;
  /** Folder for a V8 CPU profile of the process (`--cpu-prof`), written when it stops. */
  readonly profileDir?: string;
}

/**
 * Starts `netcash cs` as a child process and waits until it listens; the insurer's operator (in
 * this process) registers it first, as `netcash up` does.
 */
export async function spawnCs(base: Base, options: CsOptions): Promise<CsProcess> {
  await enrollCs(base.insurer, {
    dataDir: join(base.dataDir, options.name),
    name: options.name,
    bankUrl: base.bank.url,
  });
  const args = [
    'cs',
    '--name',
    options.name,
    '--data',
    base.dataDir,
    '--insurer',
    base.insurer.url,
    '--bank',
    base.bank.url,
    '--port',
    '0',
    '--rate-limit',
    '0',
  ];
  // Processes over one fresh database: each may run the migration; one does, the others wait.
  if (options.postgres !== undefined) args.push('--postgres', options.postgres, '--migrate');
  if (options.publicUrl !== undefined) args.push('--public-url', options.publicUrl);
  if (options.workers !== undefined) args.push('--workers', String(options.workers));
  if (options.profileDir === undefined) {
    const child = await spawnNetcash(args, { timeoutMs: 60_000 });
    let stopping = false;
    // A server that dies mid-run says why (its output is otherwise kept, not shown).
    child.process.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`netcash cs (pid ${child.process.pid}) exited (${code ?? signal}):`);
        console.error(child.output().slice(-3000));
      }
    });
    return {
      url: child.url,
      pid: child.process.pid ?? 0,
      stop: async () => {
        stopping = true;
        // A server whose shutdown hangs (a database call that never returns) is killed.
        const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
        await child.kill('SIGTERM');
        clearTimeout(timer);
      },
    };
  }
  return spawnProfiled(args, options.profileDir);
}

/**
 * `netcash ARGS` under `node --cpu-prof` (not allowed in NODE_OPTIONS, so not through
 * spawnNetcash): the profile is written when the process exits after SIGTERM.
 */
function spawnProfiled(args: readonly string[], profileDir: string): Promise<CsProcess> {
  const child = spawn(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, NETCASH, ...args],
    { env: { ...process.env, NETCASH_LOG: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`netcash ${args.join(' ')} exited ${code}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening on (http:\/\/[^\s]+)/.exec(out)?.[1];
      if (url === undefined) return;
      resolve({
        url,
        pid: child.pid ?? 0,
        async stop() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

export interface Postgres {
  readonly cluster: PostgresCluster;
  /** The postmaster's pid (its backends are its children): for CPU accounting. */
  readonly postmaster: number;
  /** `fsync`, `synchronous_commit`, `wal_sync_method`, shown beside the figures. */
  readonly settings: string;
}

export async function startPg(): Promise<Postgres> {
  const cluster = await startPostgres();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  try {
    const rows = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
       WHERE name IN ('data_directory', 'fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes')
       ORDER BY name`,
    );
    const get = (n: string) => rows.rows.find((r) => r.name === n)?.setting ?? '?';
    const postmaster = Number(
      readFileSync(join(get('data_directory'), 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const settings = rows.rows
      .filter((r) => r.name !== 'data_directory')
      .map((r) => `${r.name}=${r.setting}`)
      .join(', ');
    return { cluster, postmaster, settings };
  } finally {
    await client.end();
  }
}
