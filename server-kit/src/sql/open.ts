/** Opens a store's database: a SQLite file (the default) or a PostgreSQL URL. */
import type { Logger } from '../log.ts';
import { type PostgresOptions, postgresEngine } from './postgres.ts';
import { retrying } from './retrying.ts';
import type { SqlDb } from './sql.ts';
import { type SqliteOptions, sqliteEngine } from './sqlite.ts';

export type StoreOption =
  | {
      readonly engine: 'sqlite';
      readonly path: string;
      /** How often the WAL is scrubbed of deleted rows (sqlite.ts; default 60 s). */
      readonly scrubMs?: number;
    }
  | {
      readonly engine: 'postgres';
      readonly url: string;
      readonly maxConnections?: number;
      /** Every transaction's default isolation (PostgreSQL's `default_transaction_isolation`). */
      readonly isolation?: PostgresOptions['isolation'];
    };

/** `log` hears of what the engine survives on its own (a dropped connection, a retry). */
export function openDb(option: StoreOption, log?: Logger): SqlDb {
  return option.engine === 'sqlite'
    ? openSqlite(option.path, {
        ...(option.scrubMs === undefined ? {} : { scrubMs: option.scrubMs }),
        ...(log === undefined ? {} : { log }),
      })
    : openPostgres(option.url, {
        ...(option.maxConnections === undefined ? {} : { maxConnections: option.maxConnections }),
        ...(option.isolation === undefined ? {} : { isolation: option.isolation }),
        ...(log === undefined ? {} : { log }),
      });
}

export function openSqlite(path: string, options: SqliteOptions & { log?: Logger } = {}): SqlDb {
  const { log, ...engine } = options;
  return retrying(sqliteEngine(path, engine), log === undefined ? {} : { log });
}

export function openPostgres(url: string, options: PostgresOptions = {}): SqlDb {
  return retrying(
    postgresEngine(url, options),
    options.log === undefined ? {} : { log: options.log },
  );
}

/** A store named by one string: a `postgres://` URL, else a SQLite file (`:memory:` allowed). */
export function storeAt(location: string): StoreOption {
  return /^postgres(ql)?:\/\//.test(location)
    ? { engine: 'postgres', url: location }
    : { engine: 'sqlite', path: location };
}
