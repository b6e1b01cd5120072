/**
 * `POST /v1/requests`, the sealed requests of paper figure 3, as an endpoint: the body's bytes
 * in, a status and a JSON text out (the sealed reply, or a refusal). It is served twice over the
 * same service — as a direct route (server-kit direct.ts: straight from Node's request, no fetch
 * objects; the hot path) and as a router route for any other spelling of the request, both
 * behind the server's pieces. The service runs the request inline (requests.ts) or on a pool of
 * worker threads (workers/pool.ts); it never throws: every failure is an answer.
 */
import {
  asNetCashError,
  type CsRequestEnvelope,
  decodeCsRequestEnvelope,
  NetCashError,
  parseJson,
  unwrap,
} from '@netcash/protocol';
import {
  type DirectRoute,
  jsonAnswer,
  type Logger,
  type RouteHandler,
  readBytes,
  textOf,
} from '@netcash/server-kit';
import type { CsContext } from './context.ts';
import { handleRequest } from './requests.ts';

/** What the endpoint answers: the sealed reply with 200, or a refusal `{error}` with its status. */
export interface SealedAnswer {
  readonly status: number;
  readonly body: string;
}

/** Answers one request body. */
export type SealedService = (body: Uint8Array) => Promise<SealedAnswer>;

/** A refusal as the endpoint answers it; an unexpected error is logged and answered `internal`. */
export function refusalOf(thrown: unknown, log: Logger): SealedAnswer {
  const error = asNetCashError(thrown);
  if (error.code === 'internal') {
    log.error('unhandled error', {
      path: '/v1/requests',
      error: String(thrown),
      stack: thrown instanceof Error ? thrown.stack : undefined,
    });
    const hidden = new NetCashError('internal');
    return { status: hidden.status, body: JSON.stringify({ error: hidden.toBody() }) };
  }
  return { status: error.status, body: JSON.stringify({ error: error.toBody() }) };
}

/** The body's envelope, decoded once (inline and on a worker thread alike); throws its refusal. */
export function envelopeOf(body: Uint8Array, maxBodyBytes: number): CsRequestEnvelope {
  const text = unwrap(textOf(body));
  return unwrap(decodeCsRequestEnvelope(unwrap(parseJson(text, maxBodyBytes))));
}

/** Decodes the envelope once and runs the request on this thread (requests.ts). */
export function inlineService(ctx: CsContext, maxBodyBytes: number): SealedService {
  return async (body) => {
    try {
      const envelope = envelopeOf(body, maxBodyBytes);
      const reply = await handleRequest(ctx, envelope);
      // Inline, the settler is the store itself: it never answers on its own.
      if (reply === null) throw new NetCashError('internal', 'no reply');
      return { status: 200, body: reply };
    } catch (thrown) {
      return refusalOf(thrown, ctx.log);
    }
  };
}

/**
 * The endpoint's two faces over `service` (null while the server is starting: 503
 * `upstream-unavailable`), each answer with `headers` (the federation's CORS headers).
 */
export function sealedEndpoint(
  path: string,
  service: () => SealedService | null,
  maxBodyBytes: number,
  headers: Readonly<Record<string, string>>,
): { route: RouteHandler; direct: DirectRoute } {
  const answer = async (body: Uint8Array): Promise<SealedAnswer> => {
    const run = service();
    if (run === null) {
      const starting = new NetCashError('upstream-unavailable', 'starting');
      return { status: starting.status, body: JSON.stringify({ error: starting.toBody() }) };
    }
    return run(body);
  };
  return {
    async route(request) {
      const body = await readBytes(request, maxBodyBytes);
      if (!body.ok) throw body.error;
      const { status, body: text } = await answer(body.value);
      return new Response(text, {
        status,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
      });
    },
    direct: {
      method: 'POST',
      path,
      handler: async (call) => {
        const { status, body } = await answer(call.body);
        return jsonAnswer(status, body, headers);
      },
    },
  };
}
