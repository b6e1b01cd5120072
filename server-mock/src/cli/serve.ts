/**
 * `netcash insurer`, `netcash bank`, `netcash cs`: one server each, in the foreground, until
 * SIGINT or SIGTERM. State lives under `--data` (one folder per server: `DATA/<insurer name>`,
 * `DATA/<bank name>`, `DATA/<cs name>`); `--postgres URL` puts the server's tables in PostgreSQL
 * instead of SQLite (one database per server), whose schema `netcash migrate` makes (or
 * `--migrate`); the server checks it at start and waits for it. Each server holds its own credentials only
 * (SPEC §11): a CS opens its bank account with its own key and obtains its certificates with its
 * enrollment key, once the insurer's operator has registered it (`netcash insurer register`,
 * operator.ts; docs/OPERATIONS.md).
 * Server modules are imported when a command runs, so `--help` stays quick.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS } from '../config.ts';
import { readTextFile } from '../datadir.ts';
import type { StoreConfig } from '../db/store-config.ts';
import { type Flag, type Parsed, UsageError } from './args.ts';
import { SERVING, servingOf } from './serving.ts';
import { CS_TIME_FLAGS, csTime, duration, REDEMPTION_WINDOW } from './time-flags.ts';

export const DEFAULT_PORTS = { insurer: 7400, bank: 7401, cs1: 7402, cs2: 7403, publisher: 7404 };

export const COMMON: Flag[] = [
  { name: 'data', help: 'data folder', env: 'NETCASH_DATA', fallback: '.netcash' },
  { name: 'host', help: 'address to listen on', env: 'NETCASH_HOST', fallback: '127.0.0.1' },
];
/** Where a server keeps its books, and how it gets their schema ready (docs/SCALING.md). */
const STORE_FLAGS: Flag[] = [
  {
    name: 'postgres',
    help: 'PostgreSQL URL (instead of SQLite in the data folder); also CockroachDB, YugabyteDB',
    env: 'NETCASH_POSTGRES',
  },
  {
    name: 'migrate',
    help: 'with --postgres: run `netcash migrate` at start (one of several processes migrates)',
    boolean: true,
  },
  {
    name: 'isolation',
    help: 'with --postgres: default isolation, read-committed | repeatable-read | serializable',
    env: 'NETCASH_ISOLATION',
  },
  {
    name: 'schema-wait',
    help: 'with --postgres: how long to wait at start for `netcash migrate` (e.g. 30s)',
    env: 'NETCASH_SCHEMA_WAIT',
  },
];

export interface Command {
  readonly usage: string;
  readonly about: string;
  readonly flags: Flag[];
  run(args: Parsed): Promise<number>;
  /** `netcash <command> <subcommand>`: e.g. the insurer operator's `register`. */
  readonly subcommands?: Readonly<Record<string, Command>>;
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

const ISOLATIONS = ['read committed', 'repeatable read', 'serializable'] as const;

export function storeOf(args: Parsed): StoreConfig {
  const url = args.get('postgres');
  const wait = duration(args, 'schema-wait');
  const level = args.get('isolation')?.replace('-', ' ');
  const isolation = ISOLATIONS.find((i) => i === level);
  if (level !== undefined && isolation === undefined) {
    throw new UsageError('--isolation is read-committed, repeatable-read or serializable');
  }
  return {
    ...(url === undefined
      ? {}
      : { store: { engine: 'postgres', url, ...(isolation === undefined ? {} : { isolation }) } }),
    ...(args.flag('migrate') ? { migrate: true } : {}),
    ...(wait === undefined ? {} : { schemaWaitMs: wait * 1000 }),
  };
}

export function port(args: Parsed, fallback: number): number {
  const p = args.int('port') ?? fallback;
  if (p > 65_535) throw new UsageError('--port must be at most 65535');
  return p;
}

/** A bearer token from a flag/env, else from `DATA/<server>/<file>`. */
export function tokenOf(
  args: Parsed,
  flag: string,
  server: string,
  file: 'admin-token' | 'audit-token',
): string {
  const given = args.get(flag);
  if (given !== undefined) return given;
  const path = join(args.get('data')!, server, file);
  const held = readTextFile(path)?.trim();
  if (!held) throw new UsageError(`no --${flag} and no ${path}`);
  return held;
}

export const insurerCommand: Command = {
  usage: 'netcash insurer [options]',
  about:
    'Runs the insurer: certificates of insurance, revocations, directory. Its operator registers\n' +
    'each currency server and revokes certificates from the same machine:\n' +
    '  netcash insurer register       register a CS (name, enrollment key, bank account, mint limit)\n' +
    '  netcash insurer registrations  list the registered currency servers\n' +
    '  netcash insurer revoke         revoke a certificate or denomination key',
  flags: [
    ...COMMON,
    ...SERVING,
    ...STORE_FLAGS,
    { name: 'port', help: 'port', env: 'NETCASH_INSURER_PORT', fallback: '7400' },
    { name: 'name', help: 'insurer name', fallback: DEFAULTS.insurerName },
    REDEMPTION_WINDOW,
  ],
  async run(args) {
    const { startInsurer } = await import('../insurer/server.ts');
    const { createLogger } = await import('@netcash/server-kit');
    const insurer = await startInsurer({
      dataDir: join(args.get('data')!, args.get('name')!),
      name: args.get('name'),
      ...storeOf(args),
      host: args.get('host'),
      port: port(args, DEFAULT_PORTS.insurer),
      ...servingOf(args),
      log: createLogger('netcash'),
      redemptionWindow: duration(args, 'redemption-window'),
    });
    console.log(`insurer listening on ${insurer.url}`);
    console.log(`insurer key ${insurer.signKey}`);
    return untilSignal(() => insurer.close());
  },
};

export const bankCommand: Command = {
  usage: 'netcash bank [options]',
  about:
    'Runs the bank: accounts, checks, deposits, statements. Every account holder signs with its\n' +
    'own key; a bank gives free money only in demo mode (--demo).',
  flags: [
    ...COMMON,
    ...SERVING,
    ...STORE_FLAGS,
    { name: 'port', help: 'port', env: 'NETCASH_BANK_PORT', fallback: '7401' },
    { name: 'name', help: 'bank name', fallback: DEFAULTS.bankName },
    {
      name: 'demo',
      help: 'demo mode: customer accounts open with free demo money (never for real money)',
      boolean: true,
    },
    {
      name: 'demo-balance',
      help: 'with --demo: starting balance of a customer account, in cents',
      env: 'NETCASH_DEMO_BALANCE',
      fallback: String(DEFAULTS.demoBalance),
    },
    {
      name: 'demo-openings',
      help: 'with --demo: account openings per client address a minute, after a burst of 10; 0 = no limit',
      env: 'NETCASH_DEMO_OPENINGS',
      fallback: String(DEFAULTS.demoOpenings.perSecond * 60),
    },
  ],
  async run(args) {
    const { startBank } = await import('../bank/server.ts');
    const { createLogger } = await import('@netcash/server-kit');
    const bank = await startBank({
      dataDir: join(args.get('data')!, args.get('name')!),
      name: args.get('name'),
      ...storeOf(args),
      host: args.get('host'),
      port: port(args, DEFAULT_PORTS.bank),
      ...servingOf(args),
      demoBalance: args.flag('demo') ? args.int('demo-balance') : 0,
      demoOpenings: demoOpeningsOf(args),
      log: createLogger('netcash'),
    });
    console.log(`bank listening on ${bank.url}${args.flag('demo') ? ' (demo mode)' : ''}`);
    return untilSignal(() => bank.close());
  },
};

export const csCommand: Command = {
  usage: 'netcash cs [options]',
  about:
    'Runs a currency server. On first start it creates its keys and opens its bank account\n' +
    'with its own account key; then it obtains a certificate of insurance with its enrollment\n' +
    "key, once the insurer's operator has registered it (see --application and\n" +
    "docs/OPERATIONS.md). It holds no other party's credential. Several processes may share\n" +
    'one --postgres database (start them with the same --data and --public-url).',
  flags: [
    ...COMMON,
    ...SERVING,
    ...STORE_FLAGS,
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
      name: 'insurer-key',
      help: 'trusted insurer key (default: asked from the insurer)',
      env: 'NETCASH_INSURER_KEY',
    },
    {
      name: 'public-url',
      help: 'address to certify (default: the listening URL)',
      env: 'NETCASH_PUBLIC_URL',
    },
    ...CS_TIME_FLAGS,
    {
      name: 'workers',
      help: 'worker threads for sealed requests (default: one per core; 0: on the main thread)',
      env: 'NETCASH_CS_WORKERS',
    },
    {
      name: 'blind-rsa',
      help: 'also mint blind-rsa coins (SPEC §7): an RSA key per coin value, certified by the insurer',
      boolean: true,
    },
    {
      name: 'application',
      help: "print what the insurer's operator needs to register this CS, then exit",
      boolean: true,
    },
  ],
  async run(args) {
    const { startCurrencyServer } = await import('../cs/server.ts');
    const { createLogger } = await import('@netcash/server-kit');
    const name = args.get('name')!;
    if (args.flag('application')) return printApplication(args, name);
    const cs = await startCurrencyServer({
      dataDir: join(args.get('data')!, name),
      name,
      insurerUrl: args.get('insurer')!,
      insurerKey: args.get('insurer-key'),
      bankUrl: args.get('bank')!,
      ...storeOf(args),
      host: args.get('host'),
      port: port(args, name === 'cs2' ? DEFAULT_PORTS.cs2 : DEFAULT_PORTS.cs1),
      ...servingOf(args),
      publicUrl: args.get('public-url'),
      ...csTime(args),
      log: createLogger('netcash'),
      ...(args.flag('blind-rsa') ? { blindRsa: {} } : {}),
      workers: workersOf(args),
    });
    console.log(`${name} listening on ${cs.url} (certificate ${cs.certificate().body.certId})`);
    return untilSignal(() => cs.close());
  },
};

/** `--workers N`: worker threads of a CS; one per core by default. */
function workersOf(args: Parsed): number {
  const given = args.int('workers');
  if (given !== undefined && given > 256) throw new UsageError('--workers must be at most 256');
  return given ?? availableParallelism();
}

/** `netcash cs --application`: the CS's keys and bank account made, its registration printed. */
async function printApplication(args: Parsed, name: string): Promise<number> {
  const { csApplication } = await import('../cs/bootstrap.ts');
  const { registerCommand } = await import('../cs/enrollment.ts');
  const { nodeProvider } = await import('@netcash/protocol/node');
  const { application } = await csApplication({
    p: nodeProvider,
    dataDir: join(args.get('data')!, name),
    name,
    up: {
      insurerUrl: args.get('insurer')!,
      bankUrl: args.get('bank')!,
      timeoutMs: DEFAULTS.outboundTimeoutMs,
    },
    now: () => Math.floor(Date.now() / 1000),
  });
  console.log(JSON.stringify(application, null, 2));
  console.log(`The insurer's operator registers ${name} with:\n  ${registerCommand(application)}`);
  return 0;
}

/** `--demo-openings N`: N openings a minute per client address after a burst; 0 turns it off. */
function demoOpeningsOf(args: Parsed): { burst: number; perSecond: number } | false {
  const perMinute = args.int('demo-openings') ?? DEFAULTS.demoOpenings.perSecond * 60;
  if (perMinute === 0) return false;
  return { burst: Math.max(DEFAULTS.demoOpenings.burst, perMinute), perSecond: perMinute / 60 };
}
