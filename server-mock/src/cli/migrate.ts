/**
 * `netcash migrate`: brings a server's database schema to what this netcash needs, as a step of
 * its own (docs/SCALING.md) — before starting server processes over a PostgreSQL-speaking
 * database, which at start only check the version (`schema_version`) and wait for it. Idempotent
 * and safe to run from several places at once (a lease, not an advisory lock); `netcash up` runs
 * it over its SQLite files first.
 *
 *   netcash migrate                                   every store `netcash up` keeps under --data
 *   netcash migrate --server cs --name cs1            DATA/cs1/cs.db
 *   netcash migrate --server cs --postgres URL        one database (a CS's, shared by its processes)
 */
import { join } from 'node:path';
import type { Logger, Schema, StoreOption } from '@netcash/server-kit';
import { DEFAULTS } from '../config.ts';
import { type Flag, type Parsed, UsageError } from './args.ts';
import type { Command } from './serve.ts';

export type ServerKind = 'insurer' | 'bank' | 'cs';

/** A server's store: its schema, its SQLite file name, and the folder name it runs under. */
async function storeKind(
  kind: ServerKind,
): Promise<{ schema: Schema; file: string; name: string }> {
  switch (kind) {
    case 'insurer':
      return {
        schema: (await import('../insurer/store.ts')).INSURER_SCHEMA,
        file: 'insurer.db',
        name: DEFAULTS.insurerName,
      };
    case 'bank':
      return {
        schema: (await import('../bank/store.ts')).BANK_SCHEMA,
        file: 'bank.db',
        name: DEFAULTS.bankName,
      };
    case 'cs':
      return {
        schema: (await import('../cs/store-schema.ts')).CS_SCHEMA,
        file: 'cs.db',
        name: 'cs1',
      };
  }
}

/** One store migrated; what happened, in words. */
export async function migrateStore(
  kind: ServerKind,
  option: StoreOption,
  log?: Logger,
): Promise<string> {
  const { migrate, openDb } = await import('@netcash/server-kit');
  const { schema } = await storeKind(kind);
  const db = openDb(option, log);
  try {
    const done = await migrate(db, schema, log === undefined ? {} : { log });
    const where = option.engine === 'sqlite' ? option.path : 'the database';
    if (done.from === done.to) return `${kind} at ${where}: schema version ${done.to}, up to date`;
    return done.applied
      ? `${kind} at ${where}: schema version ${done.from} → ${done.to}`
      : `${kind} at ${where}: schema version ${done.to} (migrated by another process meanwhile)`;
  } finally {
    await db.close();
  }
}

/** The stores of `netcash up` under `data` (SQLite files), migrated in turn. */
export async function migrateUp(data: string, log?: Logger): Promise<string[]> {
  const lines: string[] = [];
  const stores: [ServerKind, string][] = [
    ['insurer', DEFAULTS.insurerName],
    ['bank', DEFAULTS.bankName],
    ['cs', 'cs1'],
    ['cs', 'cs2'],
  ];
  for (const [kind, name] of stores) {
    const { file } = await storeKind(kind);
    lines.push(await migrateStore(kind, { engine: 'sqlite', path: join(data, name, file) }, log));
  }
  return lines;
}

const FLAGS: Flag[] = [
  { name: 'data', help: 'data folder', env: 'NETCASH_DATA', fallback: '.netcash' },
  { name: 'server', help: 'which store: insurer, bank or cs (default: all of netcash up)' },
  { name: 'name', help: "the server's folder under --data (default insurer, bank, cs1)" },
  {
    name: 'postgres',
    help: 'PostgreSQL URL of the store (instead of SQLite)',
    env: 'NETCASH_POSTGRES',
  },
];

function kindOf(args: Parsed): ServerKind | undefined {
  const kind = args.get('server');
  if (kind === undefined) return undefined;
  if (kind !== 'insurer' && kind !== 'bank' && kind !== 'cs') {
    throw new UsageError('--server is insurer, bank or cs');
  }
  return kind;
}

export const migrateCommand: Command = {
  usage: 'netcash migrate [--server insurer|bank|cs] [--name NAME | --postgres URL] [--data DIR]',
  about:
    "Brings a server's database schema to this version of netcash, once, statement by\n" +
    'statement. Run it before starting servers over PostgreSQL (or CockroachDB, YugabyteDB):\n' +
    'they only check the schema at start and wait for it. Safe to run again, or from several\n' +
    'places at once. Without --server: every SQLite store of `netcash up` under --data.',
  flags: FLAGS,
  async run(args) {
    const { createLogger } = await import('@netcash/server-kit');
    const log = createLogger('netcash');
    const kind = kindOf(args);
    const url = args.get('postgres');
    if (kind === undefined) {
      if (url !== undefined) throw new UsageError('--postgres needs --server (one database)');
      for (const line of await migrateUp(args.get('data')!, log)) console.log(line);
      return 0;
    }
    const { file, name } = await storeKind(kind);
    const option: StoreOption =
      url !== undefined
        ? { engine: 'postgres', url }
        : { engine: 'sqlite', path: join(args.get('data')!, args.get('name') ?? name, file) };
    console.log(await migrateStore(kind, option, log));
    return 0;
  },
};
