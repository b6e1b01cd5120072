/**
 * The body size limit as a piece, for handlers that read bodies themselves (a publisher's own
 * routes behind its paywall, a handler mounted in a Worker): the request's body is replaced by a
 * stream that counts bytes as they pass and fails once they exceed `maxBytes`, cancelling the
 * client's stream — whatever the transfer encoding, nothing past the limit is read. The answer
 * is then `413 too-large`, whatever the handler made of its failed read. A declared
 * `Content-Length` over the limit is refused before anything is read. On a direct route the
 * Node adapter has read the body under its own limit already; this one is checked on its length.
 */
import { declaredTooLong, NetCashError } from '@netcash/protocol';
import { type FetchHandler, type Piece, piece } from './handler.ts';
import { refusal, refusalAnswer } from './responses.ts';

class BodyTooLarge extends Error {}

export function limitBody(maxBytes: number, headers: Readonly<Record<string, string>> = {}): Piece {
  const error = () => new NetCashError('too-large', `request body over ${maxBytes} bytes`);
  const tooLarge = () => refusal(error(), headers);
  return piece(
    (next) => limitStream(next, maxBytes, tooLarge),
    (next) => async (call) =>
      call.body.byteLength > maxBytes ? refusalAnswer(error(), headers) : next(call),
  );
}

function limitStream(next: FetchHandler, maxBytes: number, tooLarge: () => Response): FetchHandler {
  return async (request, client) => {
    if (request.body === null) return next(request, client);
    if (declaredTooLong(request.headers, maxBytes)) {
      await request.body.cancel().catch(() => undefined);
      return tooLarge();
    }
    let seen = 0;
    let over = false;
    const counted = request.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) {
            over = true;
            controller.error(new BodyTooLarge(`request body over ${maxBytes} bytes`));
            return;
          }
          controller.enqueue(chunk);
        },
      }),
    );
    const init: RequestInit & { duplex: 'half' } = {
      method: request.method,
      headers: request.headers,
      body: counted,
      signal: request.signal,
      duplex: 'half',
    };
    const limited = new Request(request.url, init);
    try {
      const response = await next(limited, client);
      return over ? tooLarge() : response;
    } catch (error) {
      if (over) return tooLarge();
      throw error;
    }
  };
}
