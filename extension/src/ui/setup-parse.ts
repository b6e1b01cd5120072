/**
 * Reading what `netcash up` printed, so setup finds the federation wherever it runs (any
 * `--port`, any host) instead of assuming ports: the shopper pastes the block, or any line of
 * it, and the insurer's address and key, the bank's address and the demo publisher's come out.
 *
 *   insurer     http://127.0.0.1:7500
 *   insurer key 0A8f…
 *   bank        http://127.0.0.1:7501
 *   publisher   http://127.0.0.1:7504
 *
 * The key is the trust anchor: it is taken only from what the shopper pastes or types, never
 * from a server.
 */
export interface Federation {
  readonly insurerUrl?: string;
  readonly insurerKey?: string;
  readonly bankUrl?: string;
  readonly publisherUrl?: string;
}

const URL_RE = 'https?://[^\\s"\'<>]+';
/** An Ed25519 key in base64url (32 bytes: 43 characters). */
const KEY_RE = '[A-Za-z0-9_-]{43}';

function line(text: string, label: string, value: string): string | undefined {
  const m = new RegExp(`(?:^|\\n)\\s*${label}\\s*[:=]?\\s+(${value})`, 'i').exec(text);
  return m?.[1]?.replace(/\/+$/, '');
}

export function parseFederation(text: string): Federation {
  const insurerKey =
    line(text, 'insurer key', KEY_RE) ?? new RegExp(`^\\s*(${KEY_RE})\\s*$`).exec(text)?.[1];
  const insurerUrl = line(text, 'insurer', URL_RE);
  const bankUrl = line(text, 'bank', URL_RE);
  const publisherUrl = line(text, 'publisher', URL_RE);
  return {
    ...(insurerUrl === undefined ? {} : { insurerUrl }),
    ...(insurerKey === undefined ? {} : { insurerKey }),
    ...(bankUrl === undefined ? {} : { bankUrl }),
    ...(publisherUrl === undefined ? {} : { publisherUrl }),
  };
}
