/**
 * One purpose per file (docs/DEVELOPING.md "Split before ~400 lines"): a source or test file
 * over 450 lines — tracked, or new and not ignored — fails here, naming it. Split it by purpose;
 * the allow-list is for a file that genuinely cannot be split, each with the reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const LIMIT = 450;
const CODE = ['*.ts', '*.tsx', '*.mts', '*.cts', '*.js', '*.mjs', '*.cjs'];

/** Files allowed over the limit: path → why it cannot be split. */
const ALLOWED: ReadonlyMap<string, string> = new Map();

const root = join(import.meta.dirname, '..');
const lines = (path: string) => readFileSync(join(root, path), 'utf8').split('\n').length - 1;

it(`no source or test file is over ${LIMIT} lines`, () => {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...CODE],
    { cwd: root, encoding: 'utf8' },
  );
  const files = [...new Set(listed.split('\0'))].filter(
    (path) => path !== '' && existsSync(join(root, path)),
  );
  // The check read the tree (a few hundred files), not an empty listing.
  expect(files.length).toBeGreaterThan(300);
  const long = files
    .map((path) => ({ path, lines: lines(path) }))
    .filter((f) => f.lines > LIMIT && !ALLOWED.has(f.path))
    .map((f) => `${f.path} (${f.lines})`);
  expect(long).toEqual([]);
  // An allowance outlives its reason when the file shrinks or goes: drop it then.
  const stale = [...ALLOWED.keys()].filter((path) => !files.includes(path) || lines(path) <= LIMIT);
  expect(stale).toEqual([]);
});
