/**
 * Per-client rate limits: a token bucket per client address (RFC 6585 §4). Each client may send
 * a burst of `burst` requests, then `perSecond` a second; past that it is answered `429` with the
 * registered code `rate-limited` and `Retry-After` (RFC 9110 §10.2.3) in whole seconds, and the
 * request goes no further — a refused request costs one map lookup, nothing of the handler.
 *
 * The defaults are generous (a wallet makes a few requests per payment; a merchant's link to its
 * currency server a few per sale): they stop floods, not customers. Tests, end-to-end runs and
 * benchmarks drive everything from 127.0.0.1, so each server takes its limit as an option and
 * the test harness leaves it off unless a test asks for it.
 *
 * Memory is bounded: at most `maxClients` buckets are kept; when full, the least recently seen
 * client's bucket is dropped (it starts full again if that client comes back).
 */
import { NetCashError } from '@netcash/protocol';
import { type ClientInfo, headOf, type Piece, piece, type RequestHead } from './handler.ts';
import { refusal, refusalAnswer } from './responses.ts';

export interface RateLimitOptions {
  /** Requests a client may send at once (the bucket's size; default 200). */
  readonly burst?: number;
  /** Requests a second a client may sustain (the refill rate; default 50). */
  readonly perSecond?: number;
  /** Most clients tracked at once (default 10,000). */
  readonly maxClients?: number;
  /**
   * Which client a request is from (default: the peer address the Node adapter reports). Behind
   * a reverse proxy, read the header the proxy sets — and only from that proxy.
   */
  readonly key?: (head: RequestHead, client: ClientInfo | undefined) => string | undefined;
  /** Client addresses never limited (e.g. a merchant's known host in front of its CS). */
  readonly exempt?: readonly string[];
  /** Headers added to a 429 (e.g. the server's CORS headers, so a page can read it). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Clock in milliseconds (tests). */
  readonly now?: () => number;
}

export const DEFAULT_RATE_LIMIT = { burst: 200, perSecond: 50, maxClients: 10_000 } as const;

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets by client key; `take` says whether a request may go on, or how long to wait. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  private readonly maxClients: number;

  constructor(
    options: Pick<RateLimitOptions, 'burst' | 'perSecond' | 'maxClients'>,
    private readonly now: () => number = Date.now,
  ) {
    this.burst = options.burst ?? DEFAULT_RATE_LIMIT.burst;
    this.perMs = (options.perSecond ?? DEFAULT_RATE_LIMIT.perSecond) / 1000;
    this.maxClients = options.maxClients ?? DEFAULT_RATE_LIMIT.maxClients;
    if (!(this.burst >= 1) || !(this.perMs > 0) || !(this.maxClients >= 1)) {
      throw new RangeError('rate limit: burst ≥ 1, perSecond > 0 and maxClients ≥ 1');
    }
  }

  /** 0 when `key` may send a request now (one token is taken), else the milliseconds to wait. */
  take(key: string): number {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxClients) {
        // A Map iterates in insertion order and every hit re-inserts: the first is the stalest.
        const stalest = this.buckets.keys().next();
        if (!stalest.done) this.buckets.delete(stalest.value);
      }
      bucket = { tokens: this.burst, at: now };
    } else {
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs);
      bucket.at = now;
    }
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.perMs);
  }

  /** Clients currently tracked. */
  get size(): number {
    return this.buckets.size;
  }
}

/** The piece: refuses a client past its limit with `429 rate-limited` and `Retry-After`. */
export function rateLimit(options: RateLimitOptions = {}): Piece {
  const buckets = new TokenBuckets(options, options.now);
  const exempt = new Set(options.exempt ?? []);
  /** null when the request may go on, else the refusal and its headers. */
  const check = (head: () => RequestHead, client: ClientInfo | undefined) => {
    const key = options.key === undefined ? client?.address : options.key(head(), client);
    // A request whose client is unknown (no socket address) is not limited here.
    const waitMs = key === undefined || exempt.has(key) ? 0 : buckets.take(key);
    if (waitMs === 0) return null;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return {
      error: new NetCashError('rate-limited', `too many requests; retry in ${seconds} s`, {
        retryAfter: seconds,
      }),
      headers: { ...options.headers, 'retry-after': String(seconds) },
    };
  };
  return piece(
    (next) => (request, client) => {
      const refused = check(() => headOf(request), client);
      return refused === null ? next(request, client) : refusal(refused.error, refused.headers);
    },
    (next) => async (call) => {
      const refused = check(() => call.head, call.client);
      return refused === null ? next(call) : refusalAnswer(refused.error, refused.headers);
    },
  );
}
