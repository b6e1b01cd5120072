/** docs/MERCHANT.md's quick start is the example the end-to-end test runs, file for file. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const kit = join(dirname(fileURLToPath(import.meta.url)), '..');
const merchantMd = readFileSync(join(kit, '..', 'docs', 'MERCHANT.md'), 'utf8');

describe('docs/MERCHANT.md quick start', () => {
  it.each(['server.mjs', 'article.html', 'full.html', 'paywall.json'])(
    'shows %s verbatim',
    (file) => {
      const text = readFileSync(join(kit, 'examples', 'quickstart', file), 'utf8').trimEnd();
      expect(merchantMd).toContain(text);
    },
  );

  it('opens with the quick start, and the server is about ten lines', () => {
    expect(merchantMd.indexOf('## Quick start, from an empty directory')).toBeLessThan(
      merchantMd.indexOf('## Adapters'),
    );
    const server = readFileSync(join(kit, 'examples', 'quickstart', 'server.mjs'), 'utf8');
    const code = server.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    expect(code.length).toBeLessThanOrEqual(12);
  });
});
