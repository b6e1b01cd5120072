/**
 * What the operating system says about the processes under test (Linux `/proc`): CPU time used
 * by a set of pids (to show which process saturates a core, and that the load generator is not
 * the bottleneck), the children of a process (PostgreSQL's backends), and the latency of a
 * durable write on a folder's file system (the floor under every durable commit).
 */
import {
  closeSync,
  fdatasyncSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Clock ticks per second of /proc/PID/stat times (USER_HZ; 100 on every Linux we run on). */
const HZ = 100;

interface Stat {
  readonly ppid: number;
  /** User + system CPU time, in milliseconds. */
  readonly cpuMs: number;
}

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { ppid: Number(fields[1]), cpuMs: ((utime + stime) * 1000) / HZ };
  } catch {
    return null;
  }
}

/** CPU time (ms) used so far by `pid` (0 when it is gone or /proc is missing). */
export function cpuMsOf(pid: number): number {
  return stat(pid)?.cpuMs ?? 0;
}

/** The pid and its direct children (e.g. a postmaster and its backends). */
export function withChildren(pid: number): number[] {
  const out = [pid];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    if (stat(Number(entry))?.ppid === pid) out.push(Number(entry));
  }
  return out;
}

/**
 * CPU time of a group of processes over a window. Processes that start or end inside it are
 * counted from when they were first seen; call `sample()` again at the end.
 */
export class CpuMeter {
  private readonly start = new Map<number, number>();
  private readonly last = new Map<number, number>();

  constructor(private readonly pids: () => readonly number[]) {
    for (const pid of pids()) this.start.set(pid, cpuMsOf(pid));
  }

  /** CPU milliseconds used since construction, summed over the group. */
  sample(): number {
    for (const pid of this.pids()) {
      if (!this.start.has(pid)) this.start.set(pid, 0);
      const now = stat(pid)?.cpuMs;
      if (now !== undefined) this.last.set(pid, now);
    }
    let sum = 0;
    for (const [pid, from] of this.start) sum += Math.max(0, (this.last.get(pid) ?? from) - from);
    return sum;
  }
}

/** Median latency (ms) of a 4 KiB write + fdatasync in `dir`: what one durable commit waits for. */
export function fsyncLatencyMs(dir: string, rounds = 200): number {
  const path = join(dir, `fsync-probe-${process.pid}`);
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 0x5a);
  const times: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      writeSync(fd, block, 0, block.length, (i % 16) * block.length);
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/**
 * `work`, or an error naming `what` if it has not settled after `ms`: a benchmark step that
 * stalls (a reply that never comes) ends the run with a message instead of hanging it.
 */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no progress for ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, stalled]);
  } finally {
    clearTimeout(timer);
  }
}
