/** Test harnesses for servers: a throwaway PostgreSQL cluster, a loopback TLS certificate. */
export { type PostgresCluster, postgresAvailable, startPostgres } from './postgres.ts';
export { TEST_TLS } from './tls.ts';
