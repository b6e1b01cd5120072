/**
 * The messages between bench:exchange (the orchestrator) and its load generator process
 * (load.ts). The orchestrator writes pre-sealed request bodies to a file, one per line, and asks
 * for a run; the load generator sends them and writes every reply it got to another file.
 */

export interface Target {
  readonly host: string;
  readonly port: number;
}

export interface RunSpec {
  /** One sealed `CsRequestEnvelope` (JSON text) per line; sent in order, each at most once. */
  readonly bodiesFile: string;
  /** Written by the run: `index \t status \t body` per request that got an answer. */
  readonly repliesFile: string;
  /** Connection i goes to target i mod n (two currency server processes: two targets). */
  readonly targets: readonly Target[];
  /**
   * `closed`: `connections` keep-alive connections, each sending its next request as soon as
   * its reply arrives. `open`: requests are due at a fixed `rate` whatever the replies do; a
   * request waits for a free connection, and its latency counts from when it was due (so a
   * slow server is not hidden by the generator slowing down: no coordinated omission).
   */
  readonly mode: 'closed' | 'open';
  readonly connections: number;
  /** Requests per second (open mode). */
  readonly rate?: number;
  /** Sent but not measured first (JIT, connection setup, SQLite cache). */
  readonly warmupMs: number;
  /** The measured window. */
  readonly durationMs: number;
  /** Processes whose CPU time to measure over the window (`children`: add their children). */
  readonly meters: readonly { label: string; pid: number; children: boolean }[];
}

export interface RunReport {
  /** Requests taken from the file (the rest are unsent: their coins are still outstanding). */
  readonly taken: number;
  /** Replies with status 200 inside the measured window. */
  readonly measured: number;
  /** Answers other than 200, and requests whose connection failed (whole run). */
  readonly errors: number;
  /** The first few error bodies, to print. */
  readonly errorSamples: readonly string[];
  /** Latency (ms) of each measured request. */
  readonly latenciesMs: readonly number[];
  /** Length of the measured window (shorter than asked when the file ran out). */
  readonly windowMs: number;
  /** True when every request of the file was taken before the window ended. */
  readonly exhausted: boolean;
  /** CPU time (user + system) during the window: `load` (this generator) and each meter. */
  readonly cpuMs: Readonly<Record<string, number>>;
  /** Wall time over which `cpuMs` was measured (from the end of the warm-up). */
  readonly cpuWindowMs: number;
  /**
   * Exchanges answered 200 while the CPU was metered (from the end of the warm-up until every
   * request in flight was answered): `cpuMs` ÷ this is the CPU time per exchange.
   */
  readonly cpuCounted: number;
  /**
   * The measured window on the monotonic clock, in µs (`process.hrtime`): V8 CPU profiles use
   * the same clock, so profile.ts can keep only the samples taken inside measured windows.
   */
  readonly monotonicUs: readonly [number, number];
}

export type ToLoad = { readonly type: 'run'; readonly spec: RunSpec } | { readonly type: 'exit' };

export type FromLoad =
  | { readonly type: 'ready' }
  | { readonly type: 'report'; readonly report: RunReport }
  | { readonly type: 'failed'; readonly message: string };
