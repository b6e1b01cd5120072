/** Admin endpoints take `Authorization: Bearer <token>`; the token lives in the server's data folder. */
import { timingSafeEqual } from 'node:crypto';
import { NetCashError } from '@netcash/protocol';

export function requireAdmin(request: Request, token: string): void {
  const header = request.headers.get('authorization') ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new NetCashError('unauthorized', 'admin token required');
  }
}
