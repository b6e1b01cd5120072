#!/usr/bin/env node
// The README's test command (`npm test`): typecheck, lint, unit + integration tests (vitest),
// the extension build, the end-to-end tests (Playwright + Chromium) and the README journey in
// Firefox ESR (`npm run test:firefox`'s script). Each step's results are
// counted; the last line is `N passed, M failed`, and the exit code is non-zero on any failure.
// `npm test -- --no-e2e` skips the browser steps (for quick local runs). First the preflight
// (preflight.mjs): Chromium and PostgreSQL are there, installed, or named in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflight } from './preflight.mjs';

const args = new Set(process.argv.slice(2));
const results = [];

const missing = preflight(!args.has('--no-e2e'));
if (missing !== null) {
  console.log(missing);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function run(title, command, commandArgs, env = {}) {
  console.log(`\n=== ${title}: ${command} ${commandArgs.join(' ')}`);
  const started = Date.now();
  const child = spawnSync(command, commandArgs, {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`=== ${title}: exit ${child.status ?? child.signal} after ${seconds} s`);
  return child.status === 0;
}

function step(title, command, commandArgs) {
  const ok = run(title, command, commandArgs);
  results.push({ title, passed: ok ? 1 : 0, failed: ok ? 0 : 1 });
  return ok;
}

/** Runs a test runner that writes a JSON report, and counts its tests. */
function suite(title, command, commandArgs, reportPath, count, env = {}) {
  rmSync(reportPath, { force: true });
  const ok = run(title, command, commandArgs, env);
  let counts = { passed: 0, failed: 0 };
  if (existsSync(reportPath)) {
    try {
      counts = count(JSON.parse(readFileSync(reportPath, 'utf8')));
    } catch (error) {
      console.log(`cannot read ${reportPath}: ${error}`);
    }
  }
  // A runner that failed without reporting a failing test still fails the suite.
  if (!ok && counts.failed === 0) counts.failed = 1;
  results.push({ title, ...counts });
}

const work = mkdtempSync(join(tmpdir(), 'netcash-test-'));

step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('lint', 'npx', ['biome', 'check', '.']);

suite(
  'unit and integration (vitest)',
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(work, 'vitest.json')}`,
  ],
  join(work, 'vitest.json'),
  (r) => ({
    passed: r.numPassedTests ?? 0,
    failed: (r.numFailedTests ?? 0) + (r.numRuntimeErrorTests ?? 0),
  }),
);

if (!args.has('--no-e2e')) {
  const built = step('extension build', 'npm', ['run', 'build']);
  if (built && existsSync('e2e/playwright.config.ts')) {
    const report = join(work, 'playwright.json');
    suite(
      'end to end (playwright)',
      'npx',
      ['playwright', 'test', '-c', 'e2e/playwright.config.ts'],
      report,
      (r) => ({
        passed: r.stats?.expected ?? 0,
        failed: (r.stats?.unexpected ?? 0) + (r.stats?.flaky ?? 0),
      }),
      { PLAYWRIGHT_JSON_OUTPUT_NAME: report },
    );
  }
  if (built) step('firefox journey', 'npx', ['tsx', 'e2e/firefox/journey.ts']);
}

rmSync(work, { recursive: true, force: true });
console.log('\n=== summary');
for (const r of results) console.log(`${r.title}: ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
