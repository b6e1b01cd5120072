/**
 * Test harnesses for servers: a throwaway PostgreSQL cluster, a loopback TLS certificate, and
 * for the SQL layer a fault injector (40001 / committed-then-40003), a statement recorder and the
 * portability lint over what it recorded.
 */
export { type PostgresCluster, postgresAvailable, startPostgres } from './postgres.ts';
export { type Captured, capturing } from './sql-capture.ts';
export {
  type FaultCounts,
  type FaultOptions,
  type FaultSchedule,
  faultSchedule,
  InjectedConflict,
  seededRandom,
  withFaults,
} from './sql-faults.ts';
export { type LintProblem, lintSql } from './sql-lint.ts';
export { TEST_TLS } from './tls.ts';
