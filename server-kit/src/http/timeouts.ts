/**
 * Explicit connection timeouts for every server, so that a slow or silent client cannot hold a
 * connection (and its memory) for Node's defaults — five minutes for a request, two for a TLS
 * handshake — and a crowd of them cannot exhaust the process (slowloris):
 *
 *   headers    the request line and headers must arrive within this (Node answers 408)
 *   request    the whole request, body included, must arrive within this (408)
 *   keepAlive  an idle kept-alive connection is closed after this
 *   idle       a socket with no traffic at all is destroyed after this
 *
 * Node checks headers/request deadlines on a timer; its period follows the shortest deadline,
 * so tests can use deadlines of a few hundred milliseconds and still see them enforced.
 */
import type { Server } from 'node:http';

export interface ServerTimeouts {
  /** Milliseconds for the request line and headers (default 10 s). */
  readonly headersMs?: number;
  /** Milliseconds for the whole request including its body (default 30 s, ≥ headersMs). */
  readonly requestMs?: number;
  /** Milliseconds an idle kept-alive connection stays open (default 5 s). */
  readonly keepAliveMs?: number;
  /** Milliseconds without any traffic before a socket is destroyed (default 60 s). */
  readonly idleMs?: number;
}

export const DEFAULT_TIMEOUTS: Required<ServerTimeouts> = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  idleMs: 60_000,
};

/** The timeouts with defaults filled in, checked for sense. */
export function resolveTimeouts(given: ServerTimeouts = {}): Required<ServerTimeouts> {
  const t = { ...DEFAULT_TIMEOUTS, ...given };
  for (const [name, value] of Object.entries(t)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`timeout ${name} must be a positive number of milliseconds`);
    }
  }
  // Node refuses a request deadline shorter than the headers deadline.
  return { ...t, requestMs: Math.max(t.requestMs, t.headersMs) };
}

/** How often Node should look for requests past their deadline. */
export function checkingInterval(t: Required<ServerTimeouts>): number {
  return Math.min(1_000, Math.max(25, Math.floor(Math.min(t.headersMs, t.requestMs) / 4)));
}

/** Sets the deadlines on a (http or https) server. */
export function applyTimeouts(server: Server, t: Required<ServerTimeouts>): void {
  server.headersTimeout = t.headersMs;
  server.requestTimeout = t.requestMs;
  server.keepAliveTimeout = t.keepAliveMs;
  server.setTimeout(t.idleMs, (socket) => socket.destroy());
}
