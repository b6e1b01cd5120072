/**
 * The request log as a piece: one structured line per request at debug level — method, path,
 * status, milliseconds, client address — and a warning for every 5xx, so each server logs its
 * traffic the same way and in one place (log.ts writes the lines), on direct routes too.
 */
import type { Logger } from '../log.ts';
import { type ClientInfo, type Piece, piece } from './handler.ts';

export function logRequests(log: Logger): Piece {
  const record = (
    method: string,
    path: () => string,
    status: number,
    started: number,
    client: ClientInfo | undefined,
  ) => {
    if (status < 500 && log.enabled?.('debug') === false) return;
    const fields = {
      method,
      path: path(),
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      client: client?.address,
    };
    if (status >= 500) log.warn('request failed', fields);
    else log.debug('request', fields);
  };
  return piece(
    (next) => async (request, client) => {
      const started = performance.now();
      const response = await next(request, client);
      record(request.method, () => new URL(request.url).pathname, response.status, started, client);
      return response;
    },
    (next) => async (call) => {
      const started = performance.now();
      const answer = await next(call);
      record(call.head.method, () => call.head.path, answer.status, started, call.client);
      return answer;
    },
  );
}
