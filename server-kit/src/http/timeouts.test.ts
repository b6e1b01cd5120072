/**
 * Connection deadlines on a real listener: a client that sends its headers or its body slowly,
 * or keeps an idle connection, is cut off after the configured time — not Node's five minutes.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Listening, listen } from './node.ts';
import { json } from './responses.ts';

let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const open = (port: number) =>
  new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });

/** Everything the server sends until it closes the connection, and when it closed (ms). */
function untilClosed(socket: Socket, started: number): Promise<{ text: string; ms: number }> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ text, ms: performance.now() - started }));
  });
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[i++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

describe('connection deadlines', () => {
  const timeouts = { headersMs: 300, requestMs: 600, keepAliveMs: 200, idleMs: 5_000 };

  it('answers 408 and closes a connection whose headers arrive too slowly', async () => {
    server = await listen(() => json(200, { ok: true }), { timeouts });
    const socket = await open(server.port);
    const started = performance.now();
    const closed = untilClosed(socket, started);
    trickle(socket, `GET /x HTTP/1.1\r\nHost: a\r\nX-Slow: ${'y'.repeat(200)}\r\n\r\n`, 50);
    const { text, ms } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(3_000);
  });

  it('answers 408 and closes a connection whose body arrives too slowly', async () => {
    let handled = 0;
    server = await listen(
      () => {
        handled++;
        return json(200, { ok: true });
      },
      { timeouts },
    );
    const socket = await open(server.port);
    const started = performance.now();
    const closed = untilClosed(socket, started);
    socket.write('POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n');
    trickle(socket, 'z'.repeat(1000), 40);
    const { text, ms } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeLessThan(3_000);
    expect(handled).toBe(0);
  });

  it('closes an idle kept-alive connection after keepAliveMs', async () => {
    server = await listen(() => json(200, { ok: true }), { timeouts });
    const socket = await open(server.port);
    const started = performance.now();
    const closed = untilClosed(socket, started);
    socket.write('GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
    const { text, ms } = await closed;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(ms).toBeLessThan(3_000);
  });

  it('uses explicit defaults, not Node’s', async () => {
    server = await listen(() => json(200, {}));
    expect(server.server.headersTimeout).toBe(10_000);
    expect(server.server.requestTimeout).toBe(30_000);
    expect(server.server.keepAliveTimeout).toBe(5_000);
    expect(server.server.timeout).toBe(60_000);
  });
});
