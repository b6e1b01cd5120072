import { describe, expect, it } from 'vitest';
import { formatAuthorization, parseAuthorization } from './access.ts';

const tid = 'AAAAAAAAAAAAAAAAAAAAAA';
const proof = 'B'.repeat(42) + 'A';

describe('Authorization: NetCash header', () => {
  it('round-trips', () => {
    const header = formatAuthorization({ tid, challenge: 'c.1', proof });
    expect(header).toBe(`NetCash tid="${tid}", challenge="c.1", proof="${proof}"`);
    const parsed = parseAuthorization(header);
    expect(parsed.ok && parsed.value).toEqual({ tid, challenge: 'c.1', proof });
  });

  it('accepts any parameter order and case of the scheme', () => {
    const parsed = parseAuthorization(`netcash proof="${proof}",tid="${tid}", challenge="c"`);
    expect(parsed.ok).toBe(true);
  });

  it('refuses other schemes, repeated or unknown parameters, bad values and long headers', () => {
    for (const header of [
      `Bearer ${proof}`,
      `NetCash tid="${tid}", tid="${tid}", challenge="c", proof="${proof}"`,
      `NetCash tid="${tid}", challenge="c", proof="${proof}", extra="1"`,
      `NetCash tid="${tid}", challenge="c"`,
      `NetCash tid="short", challenge="c", proof="${proof}"`,
      `NetCash tid=${tid}, challenge="c", proof="${proof}"`,
      `NetCash ${'x'.repeat(2000)}`,
    ]) {
      const parsed = parseAuthorization(header);
      expect(parsed.ok, header.slice(0, 60)).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('malformed');
    }
  });
});
