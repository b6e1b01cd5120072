import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withErrorsTable } from './errors-table.ts';

describe('docs/PROTOCOL.md §9', () => {
  it('lists exactly the registered error codes (run `npm run docs:errors` after changing them)', () => {
    const doc = readFileSync(new URL('../../docs/PROTOCOL.md', import.meta.url), 'utf8');
    expect(withErrorsTable(doc)).toBe(doc);
  });
});
