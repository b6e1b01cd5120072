/**
 * Secrets in a server's data folder: signing and encryption keys, bearer tokens, derivation
 * secrets. Created on first start with mode 0600 (the folder 0700), read on every later start,
 * so a federation restarted on the same folder keeps its keys, accounts and certificates.
 * Files are written to a temporary name and renamed, so a crash never leaves half a key.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Writes `text` to `path` atomically, readable by the owner only. */
export function writeSecretFile(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function readTextFile(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** The bearer token in `dir/name` (`admin-token`, `audit-token`), created (256 random bits) if missing. */
export function bearerToken(dir: string, name: 'admin-token' | 'audit-token'): string {
  const path = join(ensureDir(dir), name);
  const held = readTextFile(path)?.trim();
  if (held) return held;
  const token = randomBytes(32).toString('base64url');
  writeSecretFile(path, `${token}\n`);
  return token;
}

/** A JSON document in `dir/name`, created by `create()` on first use. */
export function jsonFile<T>(dir: string, name: string, create: () => T): T {
  const path = join(ensureDir(dir), name);
  const held = readTextFile(path);
  if (held !== null) return JSON.parse(held) as T;
  const value = create();
  writeSecretFile(path, `${JSON.stringify(value, null, 2)}\n`);
  return value;
}

/** Replaces the JSON document `dir/name`. */
export function saveJsonFile(dir: string, name: string, value: unknown): void {
  writeSecretFile(join(ensureDir(dir), name), `${JSON.stringify(value, null, 2)}\n`);
}
