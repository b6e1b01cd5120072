import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { decodeJson } from './decode.ts';
import { jsonTextProblem } from './json-text.ts';
import { Amount } from './primitives.ts';

describe('NetCash JSON text (PROTOCOL §1)', () => {
  it.each([
    ['1.0'],
    ['1e0'],
    ['10e-1'],
    ['1E0'],
    ['0.1e1'],
    ['-0'],
    ['01'],
    ['1.'],
    ['{"amount": 100.00}'],
    ['[1, 2, 3e2]'],
  ])('refuses %s: an integer has one spelling', (text) => {
    expect(jsonTextProblem(text)).toMatch(/not an integer/);
  });

  it('reads 1.0, 1e0 and 10e-1 as malformed, not as the amount 1', () => {
    for (const spelling of ['1.0', '1e0', '10e-1']) {
      const decoded = decodeJson(v.strictObject({ amount: Amount }), `{"amount":${spelling}}`);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.error.code).toBe('malformed');
    }
    expect(decodeJson(v.strictObject({ amount: Amount }), '{"amount":1}')).toEqual({
      ok: true,
      value: { amount: 1 },
    });
  });

  it.each([
    ['"\\ud800"'],
    ['"\\uDBFF x"'],
    ['"\\udc00"'],
    ['"a\\ud800\\u0041"'],
    ['"\\ud800\\ud800"'],
    ['{"\\ud800": 1}'],
    [JSON.stringify({ memo: 'x' }).replace('x', '\ud800')],
  ])('refuses a lone surrogate in %s', (text) => {
    expect(jsonTextProblem(text)).toMatch(/lone UTF-16 surrogate/);
  });

  it.each([
    ['"\\ud83d\\ude00"'],
    ['"😀"'],
    ['"\\\\ud800"'],
    ['"a\\"1.5\\"b"'],
    ['{"note": "1e5 and -0 in text"}'],
    ['[0, -1, 9007199254740991, {"x": [true, null]}]'],
  ])('accepts %s', (text) => {
    expect(jsonTextProblem(text)).toBeNull();
  });

  it('accepts any JSON of integers and Unicode strings', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
        fc.string({ unit: 'grapheme' }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('any'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'grapheme' }), tie('any'), { maxKeys: 4 }),
      ),
    })).any;
    fc.assert(
      fc.property(value, (x) => {
        expect(jsonTextProblem(JSON.stringify(x))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('refuses any number with a fraction or exponent, and any lone surrogate, wherever it is', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.string(),
        (d, surrogate, pad) => {
          expect(jsonTextProblem(JSON.stringify({ pad, n: d }))).not.toBeNull();
          const lone = JSON.stringify({ pad, s: String.fromCharCode(surrogate) });
          expect(jsonTextProblem(lone)).not.toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});
