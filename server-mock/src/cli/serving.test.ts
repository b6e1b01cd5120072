/**
 * The serving flags of the CLI on real processes: `netcash up --tls-cert --tls-key` runs the
 * whole federation over HTTPS (each currency server obtains its certificate from the insurer
 * and opens its account at the bank over TLS, and certifies an https address), `--rate-limit`
 * refuses a burst with 429s, and half a TLS pair is a usage error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATHS } from '@netcash/protocol';
import { TEST_TLS } from '@netcash/server-kit/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { freePortBlock, type NetcashChild, runNetcash, spawnNetcash } from '../testing/child.ts';

const dirs: string[] = [];
const children: NetcashChild[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netcash-serving-'));
  dirs.push(dir);
  return dir;
}

/** GET `url` (trusting the test certificate); status and body. */
function get(url: string): Promise<{ status: number; body: string }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: TEST_TLS.cert, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('netcash serving flags', () => {
  it('runs `up` over HTTPS with --tls-cert and --tls-key', async () => {
    const fed = await spawnNetcash(
      [
        'up',
        '--data',
        tempDir(),
        '--port',
        String(await freePortBlock(4)),
        '--no-blind-rsa',
        '--tls-cert',
        TEST_TLS.certPath,
        '--tls-key',
        TEST_TLS.keyPath,
      ],
      // The servers' own clients (CS → insurer, CS → bank) trust the test certificate.
      { ready: /cs2\s+(https:\/\/\S+)/, env: { NODE_EXTRA_CA_CERTS: TEST_TLS.certPath } },
    );
    children.push(fed);
    const urls = [...fed.output().matchAll(/^\s+(?:insurer|bank|cs1|cs2)\s+(\S+:\/\/\S+)$/gm)];
    expect(urls.map((m) => m[1]!.split(':')[0])).toEqual(['https', 'https', 'https', 'https']);
    const cs1 = urls[2]![1]!;
    const info = await get(cs1 + PATHS.cs.info);
    expect(info.status).toBe(200);
    const certified = JSON.parse(info.body) as {
      certificates: { body: { addresses: string[] } }[];
    };
    expect(certified.certificates[0]!.body.addresses).toEqual([cs1]);
    await fed.kill('SIGTERM');
  });

  it('answers a burst past --rate-limit with 429 rate-limited and Retry-After', async () => {
    const insurer = await spawnNetcash(
      ['insurer', '--data', tempDir(), '--port', '0', '--rate-limit', '2'],
      { env: { NETCASH_RATE_LIMIT: '' } },
    );
    children.push(insurer);
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => get(insurer.url + PATHS.health)),
    );
    // --rate-limit 2: bursts of 8, then 2 a second.
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(8);
    expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(10);
    const refused = answers.find((a) => a.status === 429)!;
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'rate-limited' } });
    await insurer.kill('SIGTERM');
  });

  it('refuses half a TLS pair', async () => {
    const run = await runNetcash(['insurer', '--data', tempDir(), '--tls-cert', TEST_TLS.certPath]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--tls-key');
  });
});
