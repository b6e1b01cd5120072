/**
 * What is for sale (the paper's services S_id), by path: exact paths (`/articles/x`) and path
 * patterns (`/articles/*`, `/reports/**`) from the publisher's configuration. Every concrete path
 * is a resource of its own: buying `/articles/a` never opens `/articles/b`.
 *
 * S_id of an exact path: its `sid`, or `sidOfPath(path)` (`/articles/x` → `articles.x`). S_id of a
 * path a pattern matches: `key:rest`, where `key` is the pattern's `sid` (or derived from the
 * pattern) and `rest` the path with `/` written `:` when that is a short plain token, otherwise
 * `key::` and 22 b64u characters of SHA-256(path). Message 1c names only S_id, so the price must
 * follow from it: the key names the pattern; the rest keeps receipts for different paths apart
 * and, when readable, lets the publisher's reports print the path.
 *
 *   `*`  one path segment or part of one (no `/`)      `/articles/*`, `/img/*.png`
 *   `**` anything, `/` included                        `/reports/**`
 */
import { type CryptoProvider, isSafeText, toB64u, utf8 } from '@netcash/protocol';

/** One thing for sale: an exact path, or a pattern whose every matching path is sold alone. */
export interface PaidResource {
  /** Path on this site (`/articles/x`, matched without the query), or a pattern with * or **. */
  readonly path: string;
  /** Price in the currency's minor unit (cents for the demo `NCD`). */
  readonly price: number;
  /** Shown in the wallet's approval window (≤ 280 characters). */
  readonly description: string;
  /** S_id (a token) of an exact path, or the key of a pattern's S_ids; derived when omitted. */
  readonly sid?: string;
}

/** A concrete resource: one path, its S_id and price. */
export interface Resource {
  /** The path; for an S_id of a pattern whose path was hashed, the pattern itself. */
  readonly path: string;
  readonly sid: string;
  readonly price: number;
  readonly description: string;
}

/** Read-only lookups (a `ReadonlyMap` is one). */
export interface Lookup<T> {
  has(key: string): boolean;
  get(key: string): T | undefined;
}

export interface Catalogue {
  /** The resource sold at this path, if any. */
  readonly byPath: Lookup<Resource>;
  /** The resource an S_id names (for a hashed pattern S_id, its `path` is the pattern). */
  readonly bySid: Lookup<Resource>;
}

const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;
const KEY = /^[A-Za-z0-9_.-]{1,24}$/;
const PLAIN_PATH = /^\/[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/** `/articles/x` → `articles.x`: a token, unique per path for ordinary paths. */
export function sidOfPath(path: string): string {
  const sid = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/[^A-Za-z0-9_.:-]+/g, '.')
    .slice(-64);
  return sid === '' ? 'root' : sid;
}

export const isPattern = (path: string) => path.includes('*');

function patternRegex(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*|\*)/)
    .map((part) => {
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

interface Pattern {
  readonly key: string;
  readonly regex: RegExp;
  readonly resource: PaidResource;
}

function checkCommon(r: PaidResource): void {
  if (!r.path.startsWith('/')) throw new TypeError(`resource path ${r.path} must start with /`);
  if (!Number.isSafeInteger(r.price) || r.price < 1) {
    throw new TypeError(`price of ${r.path} must be a positive integer of minor units`);
  }
  if (r.description.length > 280) throw new TypeError(`description of ${r.path} is too long`);
  if (!isSafeText(r.description)) {
    throw new TypeError(`description of ${r.path} holds control or bidi-override characters`);
  }
}

/** Checks the configuration once at startup: a typo fails loudly, not as unpayable offers. */
export function createCatalogue(p: CryptoProvider, list: readonly PaidResource[]): Catalogue {
  const exact = new Map<string, Resource>();
  const exactSids = new Map<string, Resource>();
  const patterns: Pattern[] = [];
  const keys = new Set<string>();
  for (const r of list) {
    checkCommon(r);
    if (isPattern(r.path)) {
      const key = r.sid ?? sidOfPath(r.path.replace(/\*+/g, '')).slice(-24);
      if (!KEY.test(key)) throw new TypeError(`sid ${key} of ${r.path} is not a short token`);
      if (keys.has(key)) throw new TypeError(`sid ${key} is used twice: give ${r.path} a sid`);
      keys.add(key);
      patterns.push({ key, regex: patternRegex(r.path), resource: r });
      continue;
    }
    const sid = r.sid ?? sidOfPath(r.path);
    if (!TOKEN.test(sid)) throw new TypeError(`sid ${sid} is not a token`);
    if (exact.has(r.path)) throw new TypeError(`resource ${r.path} is listed twice`);
    if (exactSids.has(sid)) throw new TypeError(`sid ${sid} is used twice`);
    const resource = { path: r.path, sid, price: r.price, description: r.description };
    exact.set(r.path, resource);
    exactSids.set(sid, resource);
  }
  for (const sid of exactSids.keys()) {
    const key = /^([^:]+):/.exec(sid)?.[1];
    if (key !== undefined && keys.has(key)) {
      throw new TypeError(`sid ${sid} looks like one of pattern ${key}'s: choose another`);
    }
  }
  const byKey = new Map(patterns.map((pt) => [pt.key, pt]));

  function sidFor(pt: Pattern, path: string): string {
    const readable = `${pt.key}:${path.slice(1).replaceAll('/', ':')}`;
    if (PLAIN_PATH.test(path) && readable.length <= 64) return readable;
    return `${pt.key}::${toB64u(p.sha256(utf8(path))).slice(0, 22)}`;
  }

  function pathOf(path: string): Resource | undefined {
    const found = exact.get(path);
    if (found !== undefined) return found;
    const pt = patterns.find((candidate) => candidate.regex.test(path));
    if (pt === undefined) return undefined;
    const { price, description } = pt.resource;
    return { path, sid: sidFor(pt, path), price, description };
  }

  function sidOf(sid: string): Resource | undefined {
    const found = exactSids.get(sid);
    if (found !== undefined) return found;
    const match = /^([A-Za-z0-9_.-]{1,24}):(:?)(.+)$/.exec(sid);
    const pt = match === null ? undefined : byKey.get(match[1]!);
    if (pt === undefined || !TOKEN.test(sid)) return undefined;
    const { price, description } = pt.resource;
    if (match![2] === ':') {
      return /^[A-Za-z0-9_-]{22}$/.test(match![3]!)
        ? { path: pt.resource.path, sid, price, description }
        : undefined;
    }
    // A readable S_id names its path: sold only if the pattern still matches it.
    const path = `/${match![3]!.replaceAll(':', '/')}`;
    return pt.regex.test(path) && sidFor(pt, path) === sid
      ? { path, sid, price, description }
      : undefined;
  }

  return {
    byPath: { has: (path) => pathOf(path) !== undefined, get: pathOf },
    bySid: { has: (sid) => sidOf(sid) !== undefined, get: sidOf },
  };
}
