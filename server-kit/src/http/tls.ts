/**
 * TLS for any server: a PEM certificate chain and its private key, read from the files an
 * operator names (`--tls-cert`, `--tls-key`). Both or neither: a certificate without its key (or
 * the reverse) is a configuration error found at start, not a server that silently speaks HTTP.
 */
import { readFileSync } from 'node:fs';
import type { TlsOptions } from './node.ts';

/** The TLS options for `listen`, or undefined when neither file is given. */
export function readTlsFiles(
  certPath: string | undefined,
  keyPath: string | undefined,
): TlsOptions | undefined {
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (certPath === undefined || keyPath === undefined) {
    throw new Error('TLS needs both a certificate (--tls-cert) and its key (--tls-key)');
  }
  const cert = readFileSync(certPath, 'utf8');
  const key = readFileSync(keyPath, 'utf8');
  if (!cert.includes('-----BEGIN CERTIFICATE-----')) {
    throw new Error(`${certPath} holds no PEM certificate`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key)) {
    throw new Error(`${keyPath} holds no PEM private key`);
  }
  return { cert, key };
}
