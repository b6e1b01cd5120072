/**
 * docs/PRIVACY.md promises that every row of its tables names the test that holds it. This keeps
 * the promise honest: each row names at least one test as `file › title` (`… › title` for the
 * file named just before), the file exists, and it has a test with that very title — so renaming
 * or deleting a test without fixing the page fails `npm test`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const doc = readFileSync(new URL('docs/PRIVACY.md', root), 'utf8');

interface Row {
  readonly line: number;
  readonly refs: { file: string; title: string | null }[];
}

/** The table rows of the page (not headers, not separators) with the tests each names. */
function rows(): Row[] {
  const out: Row[] = [];
  // Where a table starts (its header row) and whether it has a `test` column.
  let state: 'outside' | 'header' | 'rows' = 'outside';
  let tested = false;
  let file = '';
  doc.split('\n').forEach((text, i) => {
    if (!text.startsWith('|')) {
      state = 'outside';
      return;
    }
    if (state === 'outside') {
      state = 'header';
      tested = /\| test \|$/.test(text);
      return;
    }
    if (state === 'header') {
      state = 'rows'; // the |---| line
      return;
    }
    if (!tested) return;
    const refs: Row['refs'] = [];
    for (const [, ref] of text.matchAll(/`([^`]*(?:\.test\.tsx?|\.spec\.ts|…)[^`]*)`/g)) {
      const [path, title] = ref!.split(' › ');
      if (path !== '…') file = path!;
      refs.push({ file, title: title ?? null });
    }
    out.push({ line: i + 1, refs });
  });
  return out;
}

function hasTest(file: string, title: string): boolean {
  const source = readFileSync(new URL(file, root), 'utf8');
  // Titles are written in the doc as they read; quotes in the source may be escaped.
  return source.replaceAll("\\'", "'").includes(title);
}

describe('docs/PRIVACY.md', () => {
  it('names, on every row of its tables, tests that exist under those titles', () => {
    const all = rows();
    expect(all.length).toBeGreaterThan(15);
    for (const row of all) {
      expect(row.refs.length, `row at line ${row.line} names no test`).toBeGreaterThan(0);
      for (const { file, title } of row.refs) {
        expect(existsSync(new URL(file, root)), `line ${row.line}: ${file}`).toBe(true);
        if (title !== null) expect(hasTest(file, title), `line ${row.line}: ${title}`).toBe(true);
      }
    }
  });
});
