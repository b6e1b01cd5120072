/**
 * The Node adapter on a real listener: the handler sees the request's own path and this server's
 * host, whatever the request target looks like; targets and Host headers no URL can be made of
 * are refused `400 malformed` (a `//` target once threw inside the adapter: HTTP 500); a handler
 * that throws is a logged `500 internal`; a body over the limit is `413 too-large`.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log.ts';
import { type Listening, listen } from './node.ts';
import { json } from './responses.ts';

let server: Listening;
const errors: string[] = [];
const log: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: (msg, fields) => errors.push(`${msg} ${String(fields?.['error'])}`),
  child: () => log,
};

beforeAll(async () => {
  server = await listen(
    (request) => {
      if (new URL(request.url).pathname === '/throw') throw new Error('boom');
      return json(200, { url: request.url });
    },
    { maxBodyBytes: 100, log },
  );
});
afterAll(async () => {
  await server?.close();
});

/** Sends raw HTTP/1.1 text; the status line and body of the answer. */
function raw(text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (c: Buffer) => {
      out += c.toString();
    });
    socket.once('error', reject);
    socket.once('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(out)?.[1] ?? 0);
      resolve({ status, body: out.slice(out.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const get = (target: string, host = 'example.test:8080') =>
  raw(`GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

describe('request targets and hosts', () => {
  it('gives the handler the path as sent, on this server’s host', async () => {
    for (const [target, url] of [
      ['/v1/info?x=1', 'http://example.test:8080/v1/info?x=1'],
      ['//', 'http://example.test:8080//'],
      ['//evil.example/x', 'http://example.test:8080//evil.example/x'],
      ['http://elsewhere.example/v1/info', 'http://example.test:8080/v1/info'],
    ]) {
      const answer = await get(target!);
      expect([target, answer.status, JSON.parse(answer.body).url]).toEqual([target, 200, url]);
    }
  });

  it('refuses a Host that would move the path, and a target that is no URL: malformed', async () => {
    for (const [target, host] of [
      ['/v1/info', 'evil.example/v1/admin?'],
      ['/v1/info', 'a@b'],
      ['*', 'example.test'],
    ]) {
      const answer = await get(target!, host);
      expect([target, host, answer.status, JSON.parse(answer.body).error.code]).toEqual([
        target,
        host,
        400,
        'malformed',
      ]);
    }
  });

  it('answers a throwing handler with 500 internal and logs it', async () => {
    const answer = await get('/throw');
    expect([answer.status, JSON.parse(answer.body).error.code]).toEqual([500, 'internal']);
    expect(errors.some((e) => e.includes('boom'))).toBe(true);
  });

  it('refuses a body over the limit with 413 too-large', async () => {
    const answer = await raw(
      `POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `80\r\n${'x'.repeat(128)}\r\n0\r\n\r\n`,
    );
    expect([answer.status, JSON.parse(answer.body).error.code]).toEqual([413, 'too-large']);
  });
});
