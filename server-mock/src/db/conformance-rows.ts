/**
 * What the store conformance cases share (conformance.ts): how a case gets its database, and
 * the rows and commits the currency-server cases build.
 */
import type { SqlDb } from '@netcash/server-kit';

/** Opens a fresh, empty database for one case. */
export type FreshDb = (label: string) => Promise<SqlDb>;

/** An nc1 serial as the CS store keeps it (`lock` for a triplet's coins). */
export const row = (
  serial: string,
  value = 10,
  extra: { lock?: string; expires?: number } = {},
) => ({
  serial,
  certId: 'cert-1',
  value,
  expires: extra.expires ?? 1_000,
  ...(extra.lock === undefined ? {} : { lock: extra.lock }),
});

/** A commit of request `requestId` with its stored reply, and the given changes. */
export const commit = (requestId: string, changes: object = {}) => ({
  requestId,
  requestHash: `h-${requestId}`,
  reply: `reply-${requestId}`,
  date: 100,
  ...changes,
});
