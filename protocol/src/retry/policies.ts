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
 */
import type { RetryPolicy } from './backoff.ts';

export const OUTBOUND: RetryPolicy = { baseMs: 100, maxMs: 1_000, budgetMs: 3_000, maxAttempts: 4 };

export const BACKGROUND: RetryPolicy = { baseMs: 5_000, maxMs: 15 * 60_000 };
