/**
 * The load generator of bench:exchange, run as its own process (`fork`, one core of its own to
 * use). It sends pre-sealed `exchange` requests over loopback HTTP/1.1 keep-alive connections
 * with a minimal client of its own: each request is a ready-made Buffer written to a socket and
 * each reply is parsed by its Content-Length, so the generator spends a few microseconds per
 * request and no cryptography at all (the bodies were sealed before the run; the replies are
 * opened after it, by the orchestrator).
 *
 * Protocol with the orchestrator: load-types.ts (IPC messages; bodies and replies in files).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { CpuMeter, withChildren } from '../lib/proc.ts';
import type { FromLoad, RunReport, RunSpec, Target, ToLoad } from './load-types.ts';

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

const CRLF2 = Buffer.from('\r\n\r\n');
const REPLY_TIMEOUT_MS = 30_000;

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * One keep-alive connection with at most one request in flight. Once closed (by the server's
 * keep-alive timeout, or an error) it refuses new requests at once; the caller opens another.
 */
class Connection {
  private readonly socket: Socket;
  private chunks: Buffer[] = [];
  private size = 0;
  private waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void } | null = null;
  readonly opened: Promise<void>;
  closed = false;

  constructor(readonly target: Target) {
    this.socket = connect({ host: target.host, port: target.port, noDelay: true });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (error: Error) => {
      this.closed = true;
      const w = this.waiting;
      this.waiting = null;
      w?.reject(error);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('connection closed')));
  }

  send(request: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new Error('connection closed'));
        return;
      }
      // A server that never answers must not hang the run: give up on the connection.
      const timer = setTimeout(
        () => this.socket.destroy(new Error(`no reply within ${REPLY_TIMEOUT_MS} ms`)),
        REPLY_TIMEOUT_MS,
      );
      this.waiting = {
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(request);
    });
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    const data = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.size);
    const headEnd = data.indexOf(CRLF2);
    if (headEnd < 0) return;
    const head = data.toString('latin1', 0, headEnd);
    const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? '0');
    const total = headEnd + 4 + length;
    if (data.length < total) return;
    this.chunks = [];
    this.size = 0;
    const w = this.waiting;
    this.waiting = null;
    w?.resolve({ status: Number(head.slice(9, 12)), body: data.subarray(headEnd + 4, total) });
  }

  close(): void {
    this.socket.destroy();
  }
}

function requestsOf(bodiesFile: string): Buffer[] {
  const lines = readFileSync(bodiesFile, 'utf8').split('\n');
  return lines
    .filter((l) => l !== '')
    .map((body) =>
      Buffer.from(
        `POST /v1/requests HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      ),
    );
}

async function run(spec: RunSpec): Promise<RunReport> {
  const requests = requestsOf(spec.bodiesFile);
  const connections = Array.from(
    { length: spec.connections },
    (_, i) => new Connection(spec.targets[i % spec.targets.length]!),
  );
  await Promise.all(connections.map((c) => c.opened));

  const answers: (Answer | undefined)[] = new Array(requests.length);
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let cpuCounted = 0;
  let metering = false;
  let next = 0;
  let lastDone = 0;
  const t0 = performance.now();
  const warmEnd = t0 + spec.warmupMs;
  const end = warmEnd + spec.durationMs;
  let cpuAtWarmEnd: NodeJS.CpuUsage | undefined;
  let meters: { label: string; meter: CpuMeter }[] = [];
  let meteredFrom = warmEnd;
  let fromUs = 0;
  const cpuTimer = setTimeout(() => {
    meteredFrom = performance.now();
    metering = true;
    fromUs = monotonicUs();
    cpuAtWarmEnd = process.cpuUsage();
    meters = spec.meters.map((m) => ({
      label: m.label,
      meter: new CpuMeter(() => (m.children ? withChildren(m.pid) : [m.pid])),
    }));
  }, spec.warmupMs);

  /** Sends request i on `conn`; `due` is when its latency starts. */
  const fire = async (conn: Connection, i: number, due: number): Promise<void> => {
    let answer: Answer;
    try {
      answer = await conn.send(requests[i]!);
    } catch (error) {
      errors++;
      if (errorSamples.length < 3) errorSamples.push(String(error));
      return;
    }
    const done = performance.now();
    answers[i] = answer;
    if (answer.status !== 200) {
      errors++;
      if (errorSamples.length < 3) errorSamples.push(answer.body.toString().slice(0, 300));
      return;
    }
    // Every exchange answered while the CPU meters run, also after the window (in flight).
    if (metering) cpuCounted++;
    if (done >= warmEnd && done <= end) {
      latencies.push(done - due);
      lastDone = done;
    }
  };

  /** The same connection, or a new one to its target when the server closed it. */
  const usable = async (conn: Connection): Promise<Connection> => {
    if (!conn.closed) return conn;
    const fresh = new Connection(conn.target);
    await fresh.opened.catch(() => undefined);
    return fresh;
  };

  if (spec.mode === 'closed') {
    await Promise.all(
      connections.map(async (first) => {
        let conn = first;
        while (performance.now() < end && next < requests.length) {
          conn = await usable(conn);
          const i = next++;
          await fire(conn, i, performance.now());
        }
      }),
    );
  } else {
    const interval = 1000 / (spec.rate ?? 1);
    const free = [...connections];
    const backlog: { i: number; due: number }[] = [];
    let dueNext = t0;
    let inFlight = 0;
    await new Promise<void>((finish) => {
      const dispatch = () => {
        while (backlog.length > 0 && free.length > 0) {
          const conn = free.pop()!;
          const item = backlog.shift()!;
          inFlight++;
          void fire(conn, item.i, item.due)
            .then(() => usable(conn))
            .then((again) => {
              inFlight--;
              free.push(again);
              dispatch();
            });
        }
        if (dueNext >= end || next >= requests.length) {
          if (inFlight === 0 && backlog.length === 0) finish();
        }
      };
      const tick = () => {
        const now = performance.now();
        while (dueNext <= now && dueNext < end && next < requests.length) {
          backlog.push({ i: next++, due: dueNext });
          dueNext += interval;
        }
        dispatch();
        if (dueNext < end && next < requests.length) {
          setTimeout(tick, Math.max(0, dueNext - performance.now()));
        }
      };
      tick();
    });
  }
  clearTimeout(cpuTimer);
  const cpu = process.cpuUsage(cpuAtWarmEnd);
  const cpuMs: Record<string, number> = { load: (cpu.user + cpu.system) / 1000 };
  for (const { label, meter } of meters) cpuMs[label] = meter.sample();
  const cpuWindowMs = performance.now() - meteredFrom;
  const toUs = monotonicUs();
  for (const c of connections) c.close();

  const exhausted = next >= requests.length && lastDone < end;
  const lines: string[] = [];
  answers.forEach((a, i) => {
    if (a !== undefined) lines.push(`${i}\t${a.status}\t${a.body.toString()}`);
  });
  writeFileSync(spec.repliesFile, lines.join('\n'));
  return {
    taken: next,
    measured: latencies.length,
    errors,
    errorSamples,
    latenciesMs: latencies,
    windowMs: exhausted ? Math.max(0, lastDone - warmEnd) : spec.durationMs,
    exhausted,
    cpuMs,
    cpuWindowMs,
    cpuCounted,
    monotonicUs: [fromUs, toUs],
  };
}

const send = (message: FromLoad) => process.send?.(message);

process.on('message', (message: ToLoad) => {
  if (message.type === 'exit') process.exit(0);
  run(message.spec).then(
    (report) => send({ type: 'report', report }),
    (error: unknown) => send({ type: 'failed', message: String(error) }),
  );
});
send({ type: 'ready' });
