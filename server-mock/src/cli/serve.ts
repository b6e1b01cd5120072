/**
 * `netcash insurer`, `netcash bank`, `netcash cs`: one server each, in the foreground, until
 * SIGINT or SIGTERM. State lives under `--data` (one folder per server: `DATA/insurer`,
 * `DATA/bank`, `DATA/<cs name>`); `--postgres URL` puts the server's tables in PostgreSQL
 * instead of SQLite (one database per server). A CS reads the insurer's and the bank's admin
 * tokens from their folders under the same `--data` unless given by flag or environment.
 * Server modules are imported when a command runs, so `--help` stays quick.
 */
import { join } from 'node:path';
import type { StoreOption } from '@netcash/server-kit';
import { DEFAULTS } from '../config.ts';
import { readTextFile } from '../datadir.ts';
import { type Flag, type Parsed, UsageError } from './args.ts';

export const DEFAULT_PORTS = { insurer: 7400, bank: 7401, cs1: 7402, cs2: 7403, publisher: 7404 };

export const COMMON: Flag[] = [
  { name: 'data', help: 'data folder', env: 'NETCASH_DATA', fallback: '.netcash' },
  { name: 'host', help: 'address to listen on', env: 'NETCASH_HOST', fallback: '127.0.0.1' },
];
const POSTGRES: Flag = {
  name: 'postgres',
  help: 'PostgreSQL URL (instead of SQLite in the data folder)',
  env: 'NETCASH_POSTGRES',
};

export interface Command {
  readonly usage: string;
  readonly about: string;
  readonly flags: Flag[];
  run(args: Parsed): Promise<number>;
}

/** Resolves when the process is asked to stop, then runs `close`. */
export function untilSignal(close: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function storeOf(args: Parsed): StoreOption | undefined {
  const url = args.get('postgres');
  return url === undefined ? undefined : { engine: 'postgres', url };
}

export function port(args: Parsed, fallback: number): number {
  const p = args.int('port') ?? fallback;
  if (p > 65_535) throw new UsageError('--port must be at most 65535');
  return p;
}

/** An admin token from a flag/env, else from `DATA/<server>/admin-token`. */
export function tokenOf(args: Parsed, flag: string, server: string): string {
  const given = args.get(flag);
  if (given !== undefined) return given;
  const path = join(args.get('data')!, server, 'admin-token');
  const held = readTextFile(path)?.trim();
  if (!held) throw new UsageError(`no --${flag} and no ${path}: start the ${server} first`);
  return held;
}

export const insurerCommand: Command = {
  usage: 'netcash insurer [options]',
  about: 'Runs the insurer: certificates of insurance, revocations, directory.',
  flags: [
    ...COMMON,
    POSTGRES,
    { name: 'port', help: 'port', env: 'NETCASH_INSURER_PORT', fallback: '7400' },
    { name: 'name', help: 'insurer name', fallback: DEFAULTS.insurerName },
  ],
  async run(args) {
    const { startInsurer } = await import('../insurer/server.ts');
    const { createLogger } = await import('@netcash/server-kit');
    const insurer = await startInsurer({
      dataDir: join(args.get('data')!, 'insurer'),
      name: args.get('name'),
      store: storeOf(args),
      host: args.get('host'),
      port: port(args, DEFAULT_PORTS.insurer),
      log: createLogger('netcash'),
    });
    console.log(`insurer listening on ${insurer.url}`);
    console.log(`insurer key ${insurer.signKey}`);
    return untilSignal(() => insurer.close());
  },
};

export const bankCommand: Command = {
  usage: 'netcash bank [options]',
  about: 'Runs the bank: accounts, checks, deposits, statements.',
  flags: [
    ...COMMON,
    POSTGRES,
    { name: 'port', help: 'port', env: 'NETCASH_BANK_PORT', fallback: '7401' },
    { name: 'name', help: 'bank name', fallback: DEFAULTS.bankName },
    {
      name: 'demo-balance',
      help: 'starting balance of demo accounts in cents, 0 = no demo accounts',
      env: 'NETCASH_DEMO_BALANCE',
      fallback: String(DEFAULTS.demoBalance),
    },
  ],
  async run(args) {
    const { startBank } = await import('../bank/server.ts');
    const { createLogger } = await import('@netcash/server-kit');
    const bank = await startBank({
      dataDir: join(args.get('data')!, 'bank'),
      name: args.get('name'),
      store: storeOf(args),
      host: args.get('host'),
      port: port(args, DEFAULT_PORTS.bank),
      demoBalance: args.int('demo-balance'),
      log: createLogger('netcash'),
    });
    console.log(`bank listening on ${bank.url}`);
    return untilSignal(() => bank.close());
  },
};

export const csCommand: Command = {
  usage: 'netcash cs [options]',
  about:
    'Runs a currency server. On first start it creates its keys, opens its bank account and\n' +
    'obtains a certificate of insurance; several processes may share one --postgres database\n' +
    '(start them with the same --data and --public-url).',
  flags: [
    ...COMMON,
    POSTGRES,
    { name: 'name', help: 'currency server name', env: 'NETCASH_CS_NAME', fallback: 'cs1' },
    { name: 'port', help: 'port (default 7402)', env: 'NETCASH_CS_PORT' },
    {
      name: 'insurer',
      help: 'insurer URL',
      env: 'NETCASH_INSURER',
      fallback: 'http://127.0.0.1:7400',
    },
    { name: 'bank', help: 'bank URL', env: 'NETCASH_BANK', fallback: 'http://127.0.0.1:7401' },
    {
      name: 'insurer-token',
      help: 'insurer admin token (default: DATA/insurer/admin-token)',
      env: 'NETCASH_INSURER_TOKEN',
    },
    {
      name: 'bank-token',
      help: 'bank admin token (default: DATA/bank/admin-token)',
      env: 'NETCASH_BANK_TOKEN',
    },
    {
      name: 'insurer-key',
      help: 'trusted insurer key (default: asked from the insurer)',
      env: 'NETCASH_INSURER_KEY',
    },
    {
      name: 'public-url',
      help: 'address to certify (default: the listening URL)',
      env: 'NETCASH_PUBLIC_URL',
    },
    { name: 'mint-limit', help: 'most value outstanding, in cents', env: 'NETCASH_MINT_LIMIT' },
    { name: 'coin-lifetime', help: 'seconds a new coin is valid', env: 'NETCASH_COIN_LIFETIME' },
    {
      name: 'blind-rsa',
      help: 'also mint blind-rsa coins (SPEC §7): an RSA key per coin value, certified by the insurer',
      boolean: true,
    },
  ],
  async run(args) {
    const { startCurrencyServer } = await import('../cs/server.ts');
    const { createLogger } = await import('@netcash/server-kit');
    const name = args.get('name')!;
    const cs = await startCurrencyServer({
      dataDir: join(args.get('data')!, name),
      name,
      insurerUrl: args.get('insurer')!,
      insurerToken: tokenOf(args, 'insurer-token', 'insurer'),
      insurerKey: args.get('insurer-key'),
      bankUrl: args.get('bank')!,
      bankToken: tokenOf(args, 'bank-token', 'bank'),
      store: storeOf(args),
      host: args.get('host'),
      port: port(args, name === 'cs2' ? DEFAULT_PORTS.cs2 : DEFAULT_PORTS.cs1),
      publicUrl: args.get('public-url'),
      mintLimit: args.int('mint-limit'),
      coinLifetime: args.int('coin-lifetime'),
      log: createLogger('netcash'),
      ...(args.flag('blind-rsa') ? { blindRsa: {} } : {}),
    });
    console.log(`${name} listening on ${cs.url} (certificate ${cs.certificate().body.certId})`);
    return untilSignal(() => cs.close());
  },
};
