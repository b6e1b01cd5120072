/**
 * Body limits on fetch Requests, as when a handler runs outside the Node adapter: bytes are
 * counted as they arrive and reading stops at the limit, with no Content-Length to go by.
 */
import { describe, expect, it } from 'vitest';
import { readText } from './body.ts';
import { limitBody } from './body-limit.ts';
import { compose } from './handler.ts';

/** An endless chunked body; `pulled()` says how many bytes the reader took. */
function endless(chunk = 1024) {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk;
      controller.enqueue(new Uint8Array(chunk).fill(0x61));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

const post = (body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) => {
  const init: RequestInit & { duplex: 'half' } = {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  };
  return new Request('http://x/y', init);
};

describe('readText', () => {
  it('stops an endless chunked body at the limit and cancels it', async () => {
    const body = endless();
    const read = await readText(post(body.stream), 10_000);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.code).toBe('too-large');
    expect(body.pulled()).toBeLessThanOrEqual(10_000 + 2 * 1024);
    expect(body.cancelled()).toBe(true);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const body = endless();
    const read = await readText(post(body.stream, { 'content-length': '20000' }), 10_000);
    expect(read.ok ? 'read' : read.error.code).toBe('too-large');
    expect(body.pulled()).toBeLessThanOrEqual(1024);
  });

  it('reads a body up to the limit, and refuses bytes that are not UTF-8', async () => {
    expect(await readText(post('x'.repeat(100)), 100)).toEqual({
      ok: true,
      value: 'x'.repeat(100),
    });
    const bad = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([0x7b, 0xff, 0x7d]));
        c.close();
      },
    });
    const read = await readText(post(bad), 100);
    expect(read.ok ? 'read' : read.error.code).toBe('malformed');
  });
});

describe('limitBody piece', () => {
  it('answers 413 too-large to a handler that reads an endless body itself', async () => {
    const body = endless();
    let handlerSaw = 'nothing';
    const handler = compose(async (request) => {
      try {
        handlerSaw = `${(await request.text()).length} chars`;
      } catch {
        handlerSaw = 'a failed read';
      }
      return new Response('ok');
    }, limitBody(5_000));
    const response = await handler(post(body.stream));
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('too-large');
    expect(handlerSaw).toBe('a failed read');
    expect(body.pulled()).toBeLessThanOrEqual(5_000 + 2 * 1024);
  });

  it('passes bodies under the limit through unchanged', async () => {
    const handler = compose(async (request) => new Response(await request.text()), limitBody(50));
    const response = await handler(post('hello'));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('hello');
  });
});
