/**
 * Floods at the five servers of `netcash-demo --rate-limit 5` (bursts of 20, then 5 a second per
 * address): a burst from 127.0.0.1 is answered with 429 `rate-limited` and `Retry-After` past the
 * burst, while a client at 127.0.0.2 — another address on the Linux loopback — is still served.
 */
import { request as httpRequest } from 'node:http';
import { PATHS } from '@netcash/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FiveServers, startFiveServers } from './five-servers.ts';

/** GET `url` from `localAddress` on a fresh connection: status, Retry-After, error code. */
function get(url: string, localAddress: string) {
  return new Promise<{ status: number; retryAfter?: string; code?: string }>((resolve, reject) => {
    const req = httpRequest(url, { localAddress, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.once('end', () => {
        const code =
          res.statusCode === 429
            ? (JSON.parse(body) as { error: { code: string } }).error.code
            : undefined;
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers['retry-after'] === undefined
            ? {}
            : { retryAfter: res.headers['retry-after'] }),
          ...(code === undefined ? {} : { code }),
        });
      });
    });
    req.once('error', reject);
    req.end();
  });
}

describe('floods', () => {
  let servers: FiveServers;
  beforeAll(async () => {
    servers = await startFiveServers(['--rate-limit', '5']);
  }, 90_000);
  afterAll(async () => {
    await servers?.stop();
  });

  it('answers a burst from one address with 429s while another address is served', async () => {
    const t = servers.targets;
    const pages = {
      insurer: t.insurer.url + PATHS.health,
      bank: t.bank.url + PATHS.health,
      cs1: t.cs[0]!.url + PATHS.health,
      cs2: t.cs[1]!.url + PATHS.health,
      publisher: `${t.publisher.url}/`,
    };
    for (const [server, url] of Object.entries(pages)) {
      const flood = await Promise.all(Array.from({ length: 60 }, () => get(url, '127.0.0.1')));
      const refused = flood.filter((a) => a.status === 429);
      // Bursts of 20, less what the set-up and the publisher's own calls took from 127.0.0.1's
      // bucket, a few more as tokens refill during the flood: most of the 60 are refused.
      const served = flood.filter((a) => a.status === 200).length;
      expect([server, served >= 1 && served <= 30, refused.length]).toEqual([
        server,
        true,
        60 - served,
      ]);
      for (const a of refused) {
        expect(a.code).toBe('rate-limited');
        expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      const other = await Promise.all(Array.from({ length: 10 }, () => get(url, '127.0.0.2')));
      expect([server, other.map((a) => a.status)]).toEqual([server, Array(10).fill(200)]);
    }
  });
});
