/**
 * Direct routes (direct.ts) keep every safeguard of the fetch path: the pieces run through their
 * direct faces (a rate-limited client is refused 429 before the handler sees anything), a body
 * over the limit is 413 and never reaches the handler, a Host that names no host is 400, a
 * throwing handler is a logged 500 `internal`; a query is ignored as by the router; any other
 * spelling of the path, or another method, is left to the fetch handler.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import { compose, composeDirect, type DirectCall } from './handler.ts';
import { type Listening, listen } from './node.ts';
import { rateLimit } from './rate-limit.ts';
import { logRequests } from './request-log.ts';
import { json, jsonAnswer } from './responses.ts';

let server: Listening;
const errors: string[] = [];
const logged: string[] = [];
const log: Logger = {
  debug: (msg, fields) =>
    logged.push(`${msg} ${String(fields?.['path'])} ${String(fields?.['status'])}`),
  info: () => {},
  warn: () => {},
  error: (msg, fields) => errors.push(`${msg} ${String(fields?.['error'])}`),
  child: () => log,
};
const calls: DirectCall[] = [];

beforeAll(async () => {
  const pieces = [logRequests(log), rateLimit({ burst: 4, perSecond: 0.001 })];
  const fetchHandler = compose(
    (request) => json(200, { via: 'fetch', url: request.url }),
    ...pieces,
  );
  const direct = composeDirect(
    async (call) => {
      calls.push(call);
      const text = new TextDecoder().decode(call.body);
      if (text === 'throw') throw new Error('boom');
      return jsonAnswer(200, JSON.stringify({ via: 'direct', text }), { 'x-route': 'direct' });
    },
    ...pieces,
  );
  server = await listen(fetchHandler, {
    maxBodyBytes: 100,
    log,
    direct: [{ method: 'POST', path: '/v1/requests', handler: direct }],
  });
});
afterAll(async () => {
  await server?.close();
});

/** Sends raw HTTP/1.1 text; the status, headers and body of the answer. */
function raw(text: string): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (c: Buffer) => {
      out += c.toString();
    });
    socket.once('error', reject);
    socket.once('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(out)?.[1] ?? 0);
      const end = out.indexOf('\r\n\r\n');
      resolve({ status, head: out.slice(0, end).toLowerCase(), body: out.slice(end + 4) });
    });
  });
}

const post = (target: string, body: string, host = '127.0.0.1') =>
  raw(
    `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );

describe('a direct route', () => {
  it('serves its path with the body as sent, and leaves everything else to the fetch handler', async () => {
    const a = await post('/v1/requests?x=1', 'hello');
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body)).toEqual({ via: 'direct', text: 'hello' });
    expect(a.head).toContain('x-route: direct');
    expect(a.head).toContain(`content-length: ${Buffer.byteLength(a.body)}`);
    expect(logged).toContain('request /v1/requests 200');
    const b = await post('/v1/./requests', 'x');
    expect(JSON.parse(b.body).via).toBe('fetch');
    const c = await raw('GET /v1/requests HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(c.body).via).toBe('fetch');
  });

  it('refuses a body over the limit, a bad host and a throwing handler like the fetch path', async () => {
    const before = calls.length;
    const big = await post('/v1/requests', 'x'.repeat(101));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe('too-large');
    const host = await post('/v1/requests', 'x', 'a/b?');
    expect(host.status).toBe(400);
    expect(JSON.parse(host.body).error.code).toBe('malformed');
    expect(calls.length).toBe(before);
    const thrown = await post('/v1/requests', 'throw');
    expect(thrown.status).toBe(500);
    expect(JSON.parse(thrown.body).error).toEqual({ code: 'internal', message: 'internal error' });
    expect(errors.some((e) => e.includes('boom'))).toBe(true);
  });

  it('is behind the same rate limit as the fetch path', async () => {
    // The earlier requests of this file used the burst of 4 (direct and fetch alike; the 413 and 400 came before the limit).
    const before = calls.length;
    const limited = await post('/v1/requests', 'again');
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body).error.code).toBe('rate-limited');
    expect(limited.head).toMatch(/retry-after: \d+/);
    expect(calls.length).toBe(before);
    const viaFetch = await post('/v1/other', 'x');
    expect(viaFetch.status).toBe(429);
  });
});
