/**
 * @netcash/server-kit — what every NetCash server process shares: the insurer, the bank, the
 * currency servers (server-mock) and a publisher's payee handler (merchant-kit). Node only;
 * depends on @netcash/protocol alone.
 *
 *   http/   fetch-standard handlers (`Request → Response`) on Node's http or https (`listen`,
 *           `toNodeListener`) with explicit connection deadlines, and direct routes for a hot
 *           endpoint (bytes in, text out, no fetch objects); the pieces a server composes around
 *           its handler (`compose`, `composeDirect`): body limit, per-client rate limit (429
 *           `rate-limited`), request log; size-limited streaming body readers; JSON refusals with
 *           registered codes; one CORS mechanism (each server declares its policy); a router
 *   sql/    one SQL layer over SQLite (better-sqlite3) and PostgreSQL (pg) and the engines that
 *           speak its protocol: one retry policy for transactions (conflicts; unknown commit
 *           outcomes for idempotent ones), migrations as a step of their own (`schema_version`,
 *           a lease instead of advisory locks, engine-specific DDL), a pool that survives dropped
 *           idle connections
 *   log.ts  structured JSON logs on stderr
 */
export { readBytes, readJson, readText, textOf } from './http/body.ts';
export { limitBody } from './http/body-limit.ts';
export { type CorsPolicy, corsHeaders, preflight } from './http/cors.ts';
export type { DirectRoute } from './http/direct.ts';
export {
  type ClientInfo,
  compose,
  composeDirect,
  type DirectAnswer,
  type DirectCall,
  type DirectHandler,
  type FetchHandler,
  type Piece,
  piece,
  type RequestHead,
} from './http/handler.ts';
export {
  type Listening,
  type ListenOptions,
  listen,
  type NodeAdapterOptions,
  type TlsOptions,
  toNodeListener,
  writeResponse,
} from './http/node.ts';
export {
  DEFAULT_RATE_LIMIT,
  type RateLimitOptions,
  rateLimit,
  TokenBuckets,
} from './http/rate-limit.ts';
export { logRequests } from './http/request-log.ts';
export { json, jsonAnswer, refusal, refusalAnswer, refuse } from './http/responses.ts';
export { type RouteHandler, Router } from './http/router.ts';
export { DEFAULT_TIMEOUTS, type ServerTimeouts } from './http/timeouts.ts';
export { readTlsFiles } from './http/tls.ts';
export { createLogger, type Level, type Logger, silentLogger } from './log.ts';
export { connectionLost, sqlState, UnknownOutcome } from './sql/classify.ts';
export { addColumn, dropColumn, dropIndex, sequentialIndex } from './sql/ddl.ts';
export type { AttemptOptions, SqlEngine } from './sql/engine.ts';
export { flavorOfVersion } from './sql/flavor.ts';
export {
  awaitSchema,
  type Migrated,
  type Migration,
  migrate,
  readySchema,
  type Schema,
  SchemaError,
  type SchemaStart,
  schemaVersion,
} from './sql/migrate.ts';
export { openDb, openPostgres, openSqlite, type StoreOption, storeAt } from './sql/open.ts';
export { type PostgresOptions, postgresEngine } from './sql/postgres.ts';
export { type RetryEnv, retrying } from './sql/retrying.ts';
export {
  type AutocommitOptions,
  type Flavor,
  inList,
  int,
  lastAnswer,
  num,
  type SqlDb,
  type SqlRow,
  type SqlTx,
  type SqlValue,
  str,
  type TxOptions,
} from './sql/sql.ts';
export { DEFAULT_SCRUB_MS, type SqliteOptions, sqliteEngine } from './sql/sqlite.ts';
