/**
 * Bearer tokens (`Authorization: Bearer <token>`) for the two roles that are not a protocol
 * party's signed request: the insurer's operator (admin token: register, revoke) and the
 * federation's auditor (audit token of the bank and of each CS: read their books, nothing
 * else). Each token lives in its own server's data folder and is compared in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import { NetCashError } from '@netcash/protocol';

/** Refuses the request with `unauthorized` unless it carries `token`; `role` names it. */
export function requireToken(request: Request, token: string, role: 'admin' | 'audit'): void {
  const header = request.headers.get('authorization') ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new NetCashError('unauthorized', `${role} token required`);
  }
}
