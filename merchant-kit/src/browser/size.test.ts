/** The paywall script stays light: minified and gzipped within its 15 kB budget (issue 12). */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ensurePaywallScript, PAYWALL_BUDGET_GZIP } from './build.ts';

describe('paywall script', () => {
  it('is one classic script within the gzip budget', async () => {
    const script = readFileSync(await ensurePaywallScript());
    expect(script.toString('utf8')).not.toMatch(/^import\s|\bimport\(/m);
    expect(gzipSync(script, { level: 9 }).length).toBeLessThanOrEqual(PAYWALL_BUDGET_GZIP);
  });
});
