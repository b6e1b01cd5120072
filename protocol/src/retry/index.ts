/**
 * The one retry policy of NetCash (wallet, merchant, servers' outbound clients): which failures
 * are worth a retry (classify.ts), when to retry (backoff.ts: exponential, full jitter, a time
 * budget), and a loop that re-sends the same idempotent request (retry.ts).
 */
export * from './backoff.ts';
export * from './classify.ts';
export * from './policies.ts';
export * from './retry.ts';
