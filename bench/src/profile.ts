/**
 * `npx tsx bench/src/profile.ts FILE.cpuprofile [--top 25] [--all]`: the functions a V8 CPU
 * profile (`node --cpu-prof`) spent the most time in — self time and total time (self +
 * callees), as a share of the profile — so a benchmark's profile reads in a terminal. When the
 * profile's folder holds `windows.jsonl` (bench:exchange --profile writes the measured windows
 * on the monotonic clock V8 samples with), only samples inside those windows count, unless
 * `--all`: buying coins and idle time between runs would otherwise blur the picture;
 * `--run TEXT` keeps only the windows whose run label contains TEXT (e.g. `64 conn`). Idle time is shown as
 * `(idle)`; `(program)` is native code outside JavaScript (e.g. a synchronous fsync inside
 * better-sqlite3 shows up under the JavaScript function that called it, `(program)` or GC).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { num, table } from './lib/stats.ts';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  options: {
    top: { type: 'string', default: '25' },
    all: { type: 'boolean', default: false },
    run: { type: 'string' },
  },
  allowPositionals: true,
});
const file = positionals[0];
if (file === undefined) {
  console.error('usage: tsx bench/src/profile.ts FILE.cpuprofile [--top N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const windowsFile = join(dirname(file), 'windows.jsonl');
const windows: [number, number][] =
  values.all || !existsSync(windowsFile)
    ? []
    : readFileSync(windowsFile, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { run: string; us: [number, number] })
        .filter((w) => values.run === undefined || w.run.includes(values.run))
        .map((w) => w.us);
const inWindow = (t: number) =>
  windows.length === 0 || windows.some(([from, to]) => t >= from && t <= to);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const label = (n: ProfileNode) => {
  const { functionName, url, lineNumber } = n.callFrame;
  const where =
    url === '' ? '' : ` ${url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}`;
  return `${functionName || '(anonymous)'}${where}`;
};

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
let t = profile.startTime;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (!inWindow(t)) return;
  all += dt;
  const node = byId.get(id);
  if (node === undefined) return;
  self.set(label(node), (self.get(label(node)) ?? 0) + dt);
  // Each function on the stack once (recursion counts once).
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const n = byId.get(at);
    if (n === undefined) break;
    const name = label(n);
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + dt);
  }
});

const top = Number(values.top);
const share = (us: number) => `${((100 * us) / all).toFixed(1)}%`;
console.log(
  `${file}: ${num(all / 1000)} ms sampled${windows.length > 0 ? ` in ${windows.length} measured windows` : ''}\n`,
);
console.log('by self time');
table(
  ['function', 'self', 'ms'],
  [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => [name.slice(0, 110), share(us), num(us / 1000)]),
);
console.log('\nby total time (self + callees)');
table(
  ['function', 'total', 'ms'],
  [...total.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => [name.slice(0, 110), share(us), num(us / 1000)]),
);
