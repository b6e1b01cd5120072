/**
 * `paywall.json`: what the paywall proxy and `netcash-merchant` read — the publisher's currency
 * server, trusted insurers, bank account, store, and the paid paths (exact or patterns, with
 * prices and descriptions). Decoded with a schema: a mistake is named, with its place, at start.
 *
 *   { "upstream": "http://127.0.0.1:8080", "listen": { "port": 8000 },
 *     "cs": "http://127.0.0.1:7403", "insurers": ["<key>"], "insurer": "http://127.0.0.1:7400",
 *     "bank": { "url": "http://127.0.0.1:7401" }, "store": "paywall.sqlite",
 *     "resources": [{ "path": "/articles/*", "price": 5, "description": "An article" }] }
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { decodeJson, PublicKey } from '@netcash/protocol';
import * as v from 'valibot';
import type { PaywallOptions } from '../server/config.ts';

const Url = v.pipe(v.string(), v.url(), v.regex(/^https?:\/\//, 'an http(s) URL'));

export const ProxyConfig = v.strictObject({
  upstream: v.optional(Url),
  listen: v.optional(
    v.strictObject({
      host: v.optional(v.string()),
      port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535))),
    }),
  ),
  cs: Url,
  insurers: v.pipe(v.array(PublicKey), v.minLength(1)),
  insurer: v.optional(Url),
  bank: v.optional(
    v.strictObject({
      url: Url,
      account: v.optional(v.string()),
      secretKey: v.optional(v.string()),
    }),
  ),
  store: v.string(),
  publicUrl: v.optional(Url),
  cashoutAbove: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  adminToken: v.optional(v.pipe(v.string(), v.minLength(16))),
  /** How long `netcash-merchant writeoffs` lists a written-off coin (default 400). */
  writeOffRetentionDays: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  resources: v.array(
    v.strictObject({
      path: v.pipe(v.string(), v.startsWith('/')),
      price: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
      description: v.pipe(v.string(), v.maxLength(280)),
      sid: v.optional(v.string()),
    }),
  ),
});
export type ProxyConfig = v.InferOutput<typeof ProxyConfig>;

/** Reads and checks a config file; a relative SQLite `store` is relative to the file's folder. */
export function readConfig(file: string): ProxyConfig {
  const text = readFileSync(file, 'utf8');
  const decoded = decodeJson(ProxyConfig, text, 1024 * 1024);
  if (!decoded.ok) throw new Error(`${file}: ${decoded.error.message}`);
  const config = decoded.value;
  const sqlite = !/^postgres(ql)?:\/\//.test(config.store) && config.store !== ':memory:';
  return sqlite && !isAbsolute(config.store)
    ? { ...config, store: resolve(dirname(file), config.store) }
    : config;
}

/** The paywall options a config gives (the admin token may also come from the environment). */
export function paywallOptionsOf(config: ProxyConfig, env = process.env): PaywallOptions {
  const adminToken = config.adminToken ?? env['NETCASH_ADMIN_TOKEN'];
  return {
    cs: config.cs,
    insurers: config.insurers,
    insurer: config.insurer,
    bank: config.bank,
    store: config.store,
    resources: config.resources,
    publicUrl: config.publicUrl,
    cashoutAbove: config.cashoutAbove,
    ...(config.writeOffRetentionDays === undefined
      ? {}
      : { writeOffRetention: config.writeOffRetentionDays * 86_400 }),
    ...(adminToken === undefined || adminToken === '' ? {} : { adminToken }),
  };
}
