/**
 * `npm run bench:paywall`: the weight of the paywall script a reader's browser downloads — the
 * one `<script src="/netcash/paywall.js">` the payee handler serves — minified, gzipped (level 9,
 * what the handler sends) and brotli-compressed, against the 15 kB budget for minified + gzipped
 * (issue 12; x402's paywall bundle is 3.5 MB). Builds the script fresh into a temp folder from the
 * current sources with merchant-kit's own build (`npm run paywall -w @netcash/merchant-kit --
 * --out DIR`, which also names the budget), so the figure is this tree's. Prints figures; never
 * fails on a size (the budget is asserted by merchant-kit/src/browser/size.test.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/** The build's JSON line: `{built, bytes, budgetGzip}`. */
function readBuilt(printed: string): { built: string; budget: number } {
  const line: unknown = JSON.parse(printed.trim().split('\n').at(-1) ?? '');
  if (typeof line === 'object' && line !== null && 'built' in line && 'budgetGzip' in line) {
    const { built, budgetGzip } = line;
    if (typeof built === 'string' && typeof budgetGzip === 'number') {
      return { built, budget: budgetGzip };
    }
  }
  throw new Error(`unexpected output of the paywall build: ${printed}`);
}

const out = mkdtempSync(join(tmpdir(), 'netcash-paywall-size-'));
try {
  const printed = execFileSync(
    'npm',
    ['run', '--silent', 'paywall', '-w', '@netcash/merchant-kit', '--', '--out', out],
    { encoding: 'utf8' },
  );
  const { built, budget: PAYWALL_BUDGET_GZIP } = readBuilt(printed);
  const script = readFileSync(built);
  const gzip = gzipSync(script, { level: 9 }).length;
  const brotli = brotliCompressSync(script).length;
  const kb = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  console.log('paywall script (netcash-paywall.js, one classic script, no dependencies)');
  console.log(`  minified           ${kb(script.length)} (${script.length} bytes)`);
  console.log(`  minified + gzip    ${kb(gzip)} (${gzip} bytes)`);
  console.log(`  minified + brotli  ${kb(brotli)} (${brotli} bytes)`);
  console.log(
    `  budget (gzip)      ${kb(PAYWALL_BUDGET_GZIP)}: ${((gzip / PAYWALL_BUDGET_GZIP) * 100).toFixed(0)}% used`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
