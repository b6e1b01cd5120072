/**
 * A self-signed certificate for 127.0.0.1, 127.0.0.2 and localhost (valid until 2126), for tests
 * of TLS serving only: its private key is public in this repository, so it protects nothing.
 * Clients trust it by passing `ca: TEST_TLS.cert` (node:https) or, for a child process's fetch,
 * `NODE_EXTRA_CA_CERTS=TEST_TLS.certPath`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const certPath = fileURLToPath(new URL('./tls/loopback-cert.pem', import.meta.url));
const keyPath = fileURLToPath(new URL('./tls/loopback-key.pem', import.meta.url));

export const TEST_TLS = {
  certPath,
  keyPath,
  cert: readFileSync(certPath, 'utf8'),
  key: readFileSync(keyPath, 'utf8'),
} as const;
