/**
 * The join-key search of the privacy dump test (docs/PRIVACY.md): given what every server stored
 * (each table row, each transaction of each WAL, what is left in freed space), is there a chain of
 * shared values from the buyer's identity to the coins she spent?
 *
 * Every stored row or WAL transaction is an *evidence* item holding *tokens*: its identifier-like
 * text values (16+ characters: ids, serials, digests, keys; JSON text is opened and every string
 * in it counts), plus what anyone can derive from them with the protocol's public functions (a
 * check number `ck-<request id>` names its request; a currency server's `convert` request id is
 * derived from the exchange request that caused it). Two items sharing a token are joined. The
 * search starts at the buyer's tokens (bank account id and key) and follows joins; reaching a
 * spent coin's serial or signature is a link, returned with the chain of items that made it.
 *
 * Values that name a public party — the insurer's lists (certificates, denomination keys,
 * currency servers, their bank accounts), the accounts and keys of the servers and the merchant —
 * are shared by every user's records and link nobody: they are not followed (`public`).
 * Time and amounts are not join keys here: PRIVACY.md says what they still reveal.
 */

/** One thing a server stored, as the search sees it. */
export interface Evidence {
  /** Where: `cs1: table deposits`, `cs1: WAL transaction 4`, … */
  readonly where: string;
  readonly tokens: ReadonlySet<string>;
}

/** A chain from the buyer to a spent coin: the items in order and the token each join used. */
export interface Link {
  readonly target: string;
  readonly chain: readonly { where: string; via: string }[];
}

const TOKEN = /^[A-Za-z0-9_\-+/=.:]{16,}$/;

/** Identifier-like strings in a stored value (JSON text opened). */
export function tokensOf(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (TOKEN.test(value)) into.add(value);
    const trimmed = value.trim();
    if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && trimmed.length > 2) {
      try {
        tokensOf(JSON.parse(trimmed), into);
      } catch {
        // not JSON: the string itself is all there is
      }
    }
  } else if (Array.isArray(value)) {
    for (const v of value) tokensOf(v, into);
  } else if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    for (const v of Object.values(value)) tokensOf(v, into);
  }
  return into;
}

/** Adds what `derive` makes of each token (the protocol's public derivations). */
export function withDerived(
  tokens: Iterable<string>,
  derive: (token: string) => readonly string[],
): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) {
    out.add(t);
    for (const d of derive(t)) out.add(d);
  }
  return out;
}

/**
 * Breadth-first from `start` over items joined by non-public tokens; the first chain reaching
 * each of `targets`.
 */
export function findLinks(
  evidence: readonly Evidence[],
  start: ReadonlySet<string>,
  targets: ReadonlySet<string>,
  isPublic: (token: string) => boolean,
): Link[] {
  const byToken = new Map<string, number[]>();
  evidence.forEach((item, i) => {
    for (const t of item.tokens) {
      if (isPublic(t)) continue;
      const list = byToken.get(t);
      if (list === undefined) byToken.set(t, [i]);
      else list.push(i);
    }
  });
  const cameFrom = new Map<number, { from: number | null; via: string }>();
  const queue: number[] = [];
  for (const t of start) {
    for (const i of byToken.get(t) ?? []) {
      if (cameFrom.has(i)) continue;
      cameFrom.set(i, { from: null, via: t });
      queue.push(i);
    }
  }
  const links: Link[] = [];
  const found = new Set<string>();
  const chainTo = (i: number) => {
    const chain: { where: string; via: string }[] = [];
    for (let at: number | null = i; at !== null; ) {
      const step: { from: number | null; via: string } = cameFrom.get(at)!;
      chain.unshift({ where: evidence[at]!.where, via: step.via });
      at = step.from;
    }
    return chain;
  };
  while (queue.length > 0) {
    const i = queue.shift()!;
    for (const t of evidence[i]!.tokens) {
      if (targets.has(t) && !found.has(t)) {
        found.add(t);
        links.push({ target: t, chain: chainTo(i) });
      }
      if (isPublic(t)) continue;
      for (const j of byToken.get(t) ?? []) {
        if (cameFrom.has(j)) continue;
        cameFrom.set(j, { from: i, via: t });
        queue.push(j);
      }
    }
  }
  return links;
}
