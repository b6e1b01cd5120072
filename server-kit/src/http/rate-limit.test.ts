/**
 * Per-client rate limits: token buckets on an injected clock, and a real listener that answers a
 * flood from 127.0.0.1 with 429s while 127.0.0.2 (another address on the Linux loopback) is
 * still served.
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { compose } from './handler.ts';
import { type Listening, listen } from './node.ts';
import { rateLimit, TokenBuckets } from './rate-limit.ts';
import { json } from './responses.ts';

describe('TokenBuckets', () => {
  it('allows a burst, then one request per refill interval, and says how long to wait', () => {
    let now = 0;
    const buckets = new TokenBuckets({ burst: 3, perSecond: 2 }, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBe(500);
    expect(buckets.take('b')).toBe(0); // another client has its own bucket
    now = 499;
    expect(buckets.take('a')).toBeLessThanOrEqual(2); // 0.998 tokens: a millisecond or two to go
    now = 1_000; // two tokens since the burst was spent (a refusal costs none)
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(500);
    now = 60_000; // a long pause refills to the burst, not beyond
    expect([0, 1, 2, 3].map(() => buckets.take('a'))).toEqual([0, 0, 0, 500]);
  });

  it('keeps at most maxClients buckets, dropping the least recently seen', () => {
    const buckets = new TokenBuckets({ burst: 1, perSecond: 1, maxClients: 2 }, () => 0);
    buckets.take('a');
    buckets.take('b');
    buckets.take('a'); // a is now the most recent
    buckets.take('c'); // evicts b
    expect(buckets.size).toBe(2);
    expect(buckets.take('a')).toBeGreaterThan(0); // a kept its (empty) bucket
    expect(buckets.take('b')).toBe(0); // b starts afresh
  });
});

describe('rateLimit piece', () => {
  it('answers 429 rate-limited with Retry-After and its headers, without calling the handler', async () => {
    let calls = 0;
    const handler = compose(
      () => {
        calls++;
        return json(200, { ok: true });
      },
      rateLimit({ burst: 2, perSecond: 0.5, headers: { 'access-control-allow-origin': '*' } }),
    );
    const client = { address: '10.0.0.1' };
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await handler(new Request('http://x/'), client)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const refused = await handler(new Request('http://x/'), client);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(await refused.json()).toMatchObject({ error: { code: 'rate-limited' } });
    expect(calls).toBe(2);
  });

  it('never limits exempt addresses or requests without a known client', async () => {
    const handler = compose(() => json(200, {}), rateLimit({ burst: 1, exempt: ['10.0.0.9'] }));
    for (let i = 0; i < 5; i++) {
      expect((await handler(new Request('http://x/'), { address: '10.0.0.9' })).status).toBe(200);
      expect((await handler(new Request('http://x/'))).status).toBe(200);
    }
  });
});

describe('a flood on a real listener', () => {
  let server: Listening | undefined;
  afterEach(async () => {
    await server?.close();
  });

  /** GET / from `localAddress`; the status. */
  const get = (port: number, localAddress: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/', localAddress, agent: false },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.once('error', reject);
      req.end();
    });

  it('refuses a burst from 127.0.0.1 while 127.0.0.2 is still served', async () => {
    server = await listen(
      compose(() => json(200, { ok: true }), rateLimit({ burst: 20, perSecond: 1 })),
    );
    const port = server.port;
    const flood = await Promise.all(Array.from({ length: 60 }, () => get(port, '127.0.0.1')));
    expect(flood.filter((s) => s === 200)).toHaveLength(20);
    expect(flood.filter((s) => s === 429)).toHaveLength(40);
    const other = await Promise.all(Array.from({ length: 10 }, () => get(port, '127.0.0.2')));
    expect(other).toEqual(Array(10).fill(200));
  });
});
