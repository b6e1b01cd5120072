/**
 * The policies NetCash's parties use, named for where they apply. Tests pass shorter ones.
 *
 * - `OUTBOUND`: a server's call to another server while its own client waits (a CS depositing a
 *   check at the bank, converting at an issuer, reading a certificate from the insurer). A few
 *   quick retries inside a few seconds, so one dropped connection does not fail the client's
 *   request; anything longer is the client's own retry to make.
 * - `BACKGROUND`: re-driving a journaled operation nobody is waiting for (the wallet's pending
 *   operations, the merchant's re-drive): from seconds up to 15 minutes apart, no limit of its
 *   own — the operation's deadline (the CS's request-id retention) bounds it.
 * - `TRANSACTION`: a database transaction aborted by a conflict (`40001` serialization failure,
 *   `40P01` deadlock) and run again from the start (server-kit's SQL layer). Millisecond delays
 *   — conflicts clear as soon as the other transaction commits — growing fast enough that dozens
 *   of transactions queued on one row spread out, inside a budget a client's request can wait.
 */
import type { RetryPolicy } from './backoff.ts';

export const OUTBOUND: RetryPolicy = { baseMs: 100, maxMs: 1_000, budgetMs: 3_000, maxAttempts: 4 };

export const BACKGROUND: RetryPolicy = { baseMs: 5_000, maxMs: 15 * 60_000 };

export const TRANSACTION: RetryPolicy = { baseMs: 2, maxMs: 250, budgetMs: 10_000 };
