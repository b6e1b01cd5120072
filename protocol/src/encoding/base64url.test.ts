import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromB64u, toB64u } from './base64url.ts';

describe('base64url', () => {
  it('encodes the RFC 4648 §10 vectors without padding', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of cases) {
      expect(toB64u(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(fromB64u(encoded)!)).toBe(plain);
    }
  });

  it('uses the URL-safe alphabet', () => {
    expect(toB64u(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
  });

  it('round-trips any bytes and agrees with Buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = toB64u(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromB64u(text)).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses padding, whitespace, the standard alphabet and impossible lengths', () => {
    for (const bad of ['Zg==', 'Zm9v\n', 'Zm 9v', '+/8', 'A', 'Zm9vY', 'Zm9vYmF=']) {
      expect(fromB64u(bad)).toBeNull();
    }
  });

  it('refuses non-canonical trailing bits, so each byte string has one encoding', () => {
    expect(fromB64u('Zg')).not.toBeNull();
    expect(fromB64u('Zh')).toBeNull(); // same byte as "Zg" with a stray low bit
    expect(fromB64u('Zm8')).not.toBeNull();
    expect(fromB64u('Zm9')).toBeNull(); // "fo" is Zm8
  });
});
