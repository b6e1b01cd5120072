/** TLS serving: HTTPS with a given certificate, and the configuration errors found at start. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_TLS } from '../testing/tls.ts';
import { listen } from './node.ts';
import { json } from './responses.ts';
import { readTlsFiles } from './tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'netcash-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TLS', () => {
  it('serves HTTPS with the certificate; the handler sees an https URL', async () => {
    const server = await listen((request) => json(200, { url: request.url }), {
      tls: { cert: TEST_TLS.cert, key: TEST_TLS.key },
    });
    try {
      expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest(`${server.url}/hello`, { ca: TEST_TLS.cert }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.once('end', () => resolve(text));
        });
        req.once('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toEqual({ url: `${server.url}/hello` });
      // A client that does not trust the certificate is refused by TLS itself.
      const untrusted = await new Promise<string>((resolve) => {
        const req = httpsRequest(`${server.url}/hello`, () => resolve('answered'));
        req.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        req.end();
      });
      expect(untrusted).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      // Plain HTTP on the TLS port gets no HTTP answer.
      const plain = await new Promise<string>((resolve) => {
        const req = httpRequest(`http://127.0.0.1:${server.port}/hello`, (res) =>
          resolve(String(res.statusCode)),
        );
        req.once('error', () => resolve('refused'));
        req.end();
      });
      expect(plain).not.toBe('200');
    } finally {
      await server.close();
    }
  });

  it('reads a certificate and key from files, and refuses half a pair or wrong files', () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    writeFileSync(cert, TEST_TLS.cert);
    writeFileSync(key, TEST_TLS.key);
    expect(readTlsFiles(undefined, undefined)).toBeUndefined();
    expect(readTlsFiles(cert, key)).toEqual({ cert: TEST_TLS.cert, key: TEST_TLS.key });
    expect(() => readTlsFiles(cert, undefined)).toThrow(/--tls-key/);
    expect(() => readTlsFiles(undefined, key)).toThrow(/--tls-cert/);
    expect(() => readTlsFiles(key, cert)).toThrow(/no PEM certificate/);
  });
});
