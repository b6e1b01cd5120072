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
      fc.property(fc.uint8Array({ maxLength: 400, size: 'max' }), (bytes) => {
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
    // The same at the end of long texts.
    const long = 'A'.repeat(200);
    expect(fromB64u(`${long}Zg`)).not.toBeNull();
    expect(fromB64u(`${long}Zh`)).toBeNull();
    expect(fromB64u(`${long}Zm8`)).not.toBeNull();
    expect(fromB64u(`${long}Zm9`)).toBeNull();
    const kilobytes = new Uint8Array(4000).map((_, i) => i * 7);
    expect(fromB64u(toB64u(kilobytes))).toEqual(kilobytes);
    expect(toB64u(kilobytes)).toBe(Buffer.from(kilobytes).toString('base64url'));
  });

  it('decodes exactly the canonical texts, short and long, whatever the characters', () => {
    // Oracle: Buffer decodes leniently; a text is canonical iff it is what Buffer writes back.
    const canonical = (text: string) =>
      /^[A-Za-z0-9_-]*$/.test(text) &&
      Buffer.from(text, 'base64url').toString('base64url') === text;
    const chars = fc.constantFrom(...'AZaz09-_+/= \n.é😀\u0000\ud800'.split(''), 'Q', 'w');
    const texts = fc.oneof(
      fc
        .uint8Array({ maxLength: 400, size: 'max' })
        .map((b) => Buffer.from(b).toString('base64url')),
      fc
        .tuple(fc.uint8Array({ maxLength: 400, size: 'max' }), fc.nat(), chars)
        .map(([b, at, c]) => {
          const t = Buffer.from(b).toString('base64url');
          const i = at % (t.length + 1);
          return t.slice(0, i) + c + t.slice(i + 1);
        }),
      fc.string({ unit: chars, minLength: 120, maxLength: 140 }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const decoded = fromB64u(text);
        if (canonical(text))
          expect(decoded).toEqual(new Uint8Array(Buffer.from(text, 'base64url')));
        else expect(decoded).toBeNull();
      }),
      { numRuns: 3000 },
    );
  });
});
