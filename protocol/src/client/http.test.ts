/**
 * The JSON client reads responses against a size limit, counted as they arrive: an endless or
 * oversize answer is `too-large` after at most the limit, never buffered whole; a 429's
 * Retry-After reaches the retry policy. The fetch is injected, so these answers are made here
 * rather than by a server.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { getJson } from './http.ts';

function endless() {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 4096;
      controller.enqueue(new Uint8Array(4096).fill(0x20));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, pulled: () => pulled, cancelled: () => cancelled };
}

const Anything = v.unknown();

describe('reading answers', () => {
  it('stops reading an endless answer at the limit and cancels it', async () => {
    const answer = endless();
    const got = await getJson('http://cs.test/x', Anything, {
      fetch: async () => new Response(answer.body, { status: 200 }),
      maxResponseBytes: 64 * 1024,
    });
    expect(got.ok ? 'ok' : got.error.code).toBe('too-large');
    expect(answer.pulled()).toBeLessThanOrEqual(64 * 1024 + 2 * 4096);
    expect(answer.cancelled()).toBe(true);
  });

  it('refuses a declared length over the limit before reading, also for refusals', async () => {
    const answer = endless();
    const got = await getJson('http://cs.test/x', Anything, {
      fetch: async () =>
        new Response(answer.body, { status: 400, headers: { 'content-length': '99999999' } }),
      maxResponseBytes: 1024,
    });
    expect(got.ok ? 'ok' : got.error.code).toBe('too-large');
    expect(answer.pulled()).toBeLessThanOrEqual(4096);
  });

  it('reads answers within the limit (1 MiB by default)', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(900 * 1024) });
    const got = await getJson('http://cs.test/x', v.object({ pad: v.string() }), {
      fetch: async () => new Response(big),
    });
    expect(got.ok).toBe(true);
    const over = await getJson('http://cs.test/x', Anything, {
      fetch: async () => new Response(JSON.stringify({ pad: 'x'.repeat(1100 * 1024) })),
    });
    expect(over.ok ? 'ok' : over.error.code).toBe('too-large');
  });

  it('calls an answer that is not UTF-8 malformed', async () => {
    const got = await getJson('http://cs.test/x', Anything, {
      fetch: async () => new Response(new Uint8Array([0x22, 0xff, 0x22])),
    });
    expect(got.ok ? 'ok' : got.error.code).toBe('malformed');
  });

  it('carries a bare 429 Retry-After into the refusal, for the retry policy', async () => {
    const got = await getJson('http://cs.test/x', Anything, {
      fetch: async () =>
        new Response('Too Many Requests', { status: 429, headers: { 'retry-after': '7' } }),
    });
    expect(got.ok ? null : [got.error.code, got.error.detail]).toEqual([
      'rate-limited',
      { retryAfter: 7 },
    ]);
  });
});
