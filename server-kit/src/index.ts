/**
 * @netcash/server-kit — what every NetCash server process shares: the insurer, the bank, the
 * currency servers (server-mock) and a publisher's payee handler (merchant-kit). Node only;
 * depends on @netcash/protocol alone.
 *
 *   http/   fetch-standard handlers (`Request → Response`) on Node's http (`listen`,
 *           `toNodeListener`), size-limited body readers, JSON refusals with registered codes,
 *           one CORS mechanism (each server declares its policy), a small router
 *   sql/    one SQL layer over SQLite (better-sqlite3) and PostgreSQL (pg): transactions retried
 *           on deadlocks, a migration lock, a pool that survives dropped idle connections
 *   log.ts  structured JSON logs on stderr
 */
export { readJson, readText } from './http/body.ts';
export { type CorsPolicy, corsHeaders, preflight } from './http/cors.ts';
export {
  type FetchHandler,
  type Listening,
  listen,
  type NodeAdapterOptions,
  toNodeListener,
  writeResponse,
} from './http/node.ts';
export { json, refusal, refuse } from './http/responses.ts';
export { type RouteHandler, Router } from './http/router.ts';
export { createLogger, type Level, type Logger, silentLogger } from './log.ts';
export { openDb, type StoreOption, storeAt } from './sql/open.ts';
export { openPostgres } from './sql/postgres.ts';
export {
  inList,
  int,
  num,
  type SqlDb,
  type SqlRow,
  type SqlTx,
  type SqlValue,
  str,
} from './sql/sql.ts';
export { openSqlite } from './sql/sqlite.ts';
