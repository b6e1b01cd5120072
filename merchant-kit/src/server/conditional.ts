/**
 * Content negotiation and conditional requests for what the handler serves itself (the paywall
 * script): which content coding to send (RFC 9110 §12.5.3, Accept-Encoding with q-values) and
 * whether an `If-None-Match` lets the body be skipped (§13.1.2).
 */

export type Coding = 'br' | 'gzip' | 'identity';

/** q-values by coding name, lower-cased; `*` included when the client sent it. */
function qualities(header: string): Map<string, number> {
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name === '') continue;
    const given = params.find((p) => p.startsWith('q='));
    const value = given === undefined ? 1 : Number(given.slice(2));
    q.set(name, Number.isFinite(value) && value >= 0 && value <= 1 ? value : 0);
  }
  return q;
}

/**
 * The coding to send, of `offered` (in the server's order of preference) and identity: the one
 * the client rates highest, compressed before identity on a tie (identity unnamed ranks last).
 * No header: identity (what any client reads). Nothing acceptable: identity too — RFC 9110 prefers an uncoded answer to a 406.
 */
export function chooseCoding(header: string | null, offered: readonly Coding[]): Coding {
  if (header === null) return 'identity';
  const q = qualities(header);
  const star = q.get('*');
  // Identity not named is acceptable but rated below any coding the client names.
  const rate = (coding: Coding) =>
    q.get(coding) ?? star ?? (coding === 'identity' ? Number.MIN_VALUE : 0);
  let best: Coding = 'identity';
  let bestQ = rate('identity');
  for (const coding of offered) {
    const r = rate(coding);
    if (r > 0 && r >= bestQ && (best === 'identity' || r > bestQ)) {
      best = coding;
      bestQ = r;
    }
  }
  return best;
}

/**
 * Does `If-None-Match` hold, i.e. must the body be sent? False when the field is `*` or lists
 * `etag` (weak comparison: a `W/` prefix is ignored), so the answer is a 304.
 */
export function ifNoneMatchHolds(header: string | null, etag: string): boolean {
  if (header === null) return true;
  if (header.trim() === '*') return false;
  const opaque = (tag: string) => tag.replace(/^W\//, '');
  const listed = header.match(/(?:W\/)?"[^"]*"/g) ?? [];
  return !listed.some((tag) => opaque(tag) === opaque(etag));
}
