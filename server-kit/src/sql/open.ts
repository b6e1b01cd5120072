/** Opens a store's database: a SQLite file (the default) or a PostgreSQL URL. */
import type { Logger } from '../log.ts';
import { openPostgres } from './postgres.ts';
import type { SqlDb } from './sql.ts';
import { openSqlite } from './sqlite.ts';

export type StoreOption =
  | {
      readonly engine: 'sqlite';
      readonly path: string;
      /** How often the WAL is scrubbed of deleted rows (sqlite.ts; default 60 s). */
      readonly scrubMs?: number;
    }
  | { readonly engine: 'postgres'; readonly url: string; readonly maxConnections?: number };

/** `log` hears of what the engine survives on its own (a dropped PostgreSQL connection). */
export function openDb(option: StoreOption, log?: Logger): SqlDb {
  return option.engine === 'sqlite'
    ? openSqlite(option.path, option.scrubMs === undefined ? {} : { scrubMs: option.scrubMs })
    : openPostgres(option.url, { maxConnections: option.maxConnections, log });
}

/** A store named by one string: a `postgres://` URL, else a SQLite file (`:memory:` allowed). */
export function storeAt(location: string): StoreOption {
  return /^postgres(ql)?:\/\//.test(location)
    ? { engine: 'postgres', url: location }
    : { engine: 'sqlite', path: location };
}
