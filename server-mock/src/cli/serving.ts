/**
 * The serving flags every server command shares (`netcash insurer|bank|cs|up`): TLS from a PEM
 * certificate and key, and the per-client rate limit. See docs/OPERATIONS.md.
 */
import { DEFAULT_RATE_LIMIT, readTlsFiles } from '@netcash/server-kit';
import type { Serving } from '../http/serve.ts';
import { type Flag, type Parsed, UsageError } from './args.ts';

export const SERVING: Flag[] = [
  {
    name: 'tls-cert',
    help: 'PEM certificate chain: serve HTTPS (with --tls-key)',
    env: 'NETCASH_TLS_CERT',
  },
  { name: 'tls-key', help: 'PEM private key of --tls-cert', env: 'NETCASH_TLS_KEY' },
  {
    name: 'rate-limit',
    help: 'requests a second per client address, in bursts of 4x; 0 = no limit',
    env: 'NETCASH_RATE_LIMIT',
    fallback: String(DEFAULT_RATE_LIMIT.perSecond),
  },
  {
    name: 'rate-limit-exempt',
    help: 'client addresses never rate-limited (comma-separated)',
    env: 'NETCASH_RATE_LIMIT_EXEMPT',
  },
];

/** The serving part of a server's config, from the flags above. */
export function servingOf(args: Parsed): Pick<Serving, 'tls' | 'rateLimit'> {
  let tls: Serving['tls'];
  try {
    tls = readTlsFiles(args.get('tls-cert'), args.get('tls-key'));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const perSecond = args.int('rate-limit') ?? DEFAULT_RATE_LIMIT.perSecond;
  const rateLimit =
    perSecond === 0
      ? false
      : { perSecond, burst: 4 * perSecond, exempt: args.all('rate-limit-exempt') };
  return { tls, rateLimit };
}
