/**
 * Where a server keeps its books and how it makes sure of their schema at start (docs/SCALING.md):
 * SQLite in its data folder, migrated at start (one process per file, the embedded default); a
 * PostgreSQL-speaking database, migrated by `netcash migrate` and waited for — unless `migrate`
 * says this process runs the (idempotent, lease-guarded) migration itself.
 */
import { join } from 'node:path';
import {
  type Logger,
  openDb,
  type SchemaStart,
  type SqlDb,
  type StoreOption,
} from '@netcash/server-kit';

export interface StoreConfig {
  /** Defaults to SQLite in the server's data folder. */
  readonly store?: StoreOption;
  /** Run the migrations at start (always done for SQLite). */
  readonly migrate?: boolean;
  /** How long a server waits at start for `netcash migrate` (ms; default 30 s). */
  readonly schemaWaitMs?: number;
}

export const DEFAULT_SCHEMA_WAIT_MS = 30_000;

/** The store option of a server: given, or SQLite `file` in `dataDir`. */
export function storeOf(config: StoreConfig, dataDir: string, file: string): StoreOption {
  return config.store ?? { engine: 'sqlite', path: join(dataDir, file) };
}

export function schemaStart(config: StoreConfig, option: StoreOption): SchemaStart {
  return option.engine === 'sqlite' || config.migrate === true
    ? 'migrate'
    : { waitMs: config.schemaWaitMs ?? DEFAULT_SCHEMA_WAIT_MS };
}

/** Opens a server's database and says how its store gets its schema ready. */
export function openStore(
  config: StoreConfig,
  dataDir: string,
  file: string,
  log: Logger,
): { db: SqlDb; start: SchemaStart } {
  const option = storeOf(config, dataDir, file);
  return { db: openDb(option, log), start: schemaStart(config, option) };
}
