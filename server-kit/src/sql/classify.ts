/**
 * What a failed transaction attempt means (SQLSTATE, PostgreSQL appendix A; the same codes on
 * CockroachDB and YugabyteDB — docs/SCALING.md cites their pages):
 *
 *   conflict   `40001` serialization failure, `40P01` deadlock: rolled back, run it again.
 *   aborted    the connection broke before COMMIT was sent (class 08, `57P01`–`57P03`, a socket
 *              error): the server rolls such a transaction back, so running it again is safe.
 *   ambiguous  `40003` statement completion unknown, or the connection broke during COMMIT (or
 *              during an autocommit statement, its own commit): it may have committed. Only an
 *              idempotent transaction may run again.
 *   fatal      anything else (a constraint, a syntax error, the caller's own throw).
 */

export type Failure = 'conflict' | 'aborted' | 'ambiguous' | 'fatal';

/** The SQLSTATE of a database error, if it carries one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

const SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTCONN']);

/** The connection to the database broke (or could not be made): no answer to what was sent. */
export function connectionLost(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== undefined) return state.startsWith('08') || /^57P0[123]$/.test(state);
  if (typeof error !== 'object' || error === null) return false;
  const code = 'code' in error ? (error as { code: unknown }).code : undefined;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection (closed|ended|lost)|Client has encountered a connection error/i.test(
    message,
  );
}

/** An error saying the commit's outcome is unknown (thrown by engines and the fault injector). */
export class UnknownOutcome extends Error {
  readonly code = '40003';
  constructor(readonly causedBy?: unknown) {
    super(
      `commit outcome unknown (40003)${causedBy instanceof Error ? `: ${causedBy.message}` : ''}`,
    );
    this.name = 'UnknownOutcome';
  }
}

/**
 * What a failure of one attempt means. `atCommit`: it came from the COMMIT itself (or from an
 * autocommit statement), where a broken connection leaves the outcome unknown.
 */
export function classifyFailure(error: unknown, atCommit: boolean): Failure {
  const state = sqlState(error);
  if (state === '40001' || state === '40P01') return 'conflict';
  if (state === '40003') return 'ambiguous';
  if (connectionLost(error)) return atCommit ? 'ambiguous' : 'aborted';
  return 'fatal';
}
