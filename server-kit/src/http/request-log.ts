/**
 * The request log as a piece: one structured line per request at debug level — method, path,
 * status, milliseconds, client address — and a warning for every 5xx, so each server logs its
 * traffic the same way and in one place (log.ts writes the lines).
 */
import type { Logger } from '../log.ts';
import type { Piece } from './handler.ts';

export function logRequests(log: Logger): Piece {
  return (next) => async (request, client) => {
    const started = performance.now();
    const response = await next(request, client);
    const fields = {
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      client: client?.address,
    };
    if (response.status >= 500) log.warn('request failed', fields);
    else log.debug('request', fields);
    return response;
  };
}
