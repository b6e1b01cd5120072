/**
 * RFC 8785 against its own examples (§3.2.2 serialization, §3.2.3 sorting, §3.2.4 UTF-8 bytes,
 * Appendix B number samples) and the refusals NC1 adds for values outside I-JSON.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import v from '../../test-vectors/rfc/jcs-rfc8785.json';
import { canonicalBytes, canonicalize, isCanonicalText } from './jcs.ts';

const fromIeee754 = (bits: string): number => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${bits}`));
  return view.getFloat64(0);
};

describe('RFC 8785 examples', () => {
  it('§3.2.2: the sample object serializes to the RFC text', () => {
    expect(canonicalize(JSON.parse(v.serialization.input))).toBe(v.serialization.output);
  });

  it('§3.2.4: and to the RFC UTF-8 bytes', () => {
    const bytes = canonicalBytes(JSON.parse(v.serialization.input));
    expect(Buffer.from(bytes).toString('hex')).toBe(v.serialization.utf8);
  });

  it('§3.2.3: members sort by UTF-16 code units (astral 😀 before U+FB33)', () => {
    const text = canonicalize(JSON.parse(v.sorting.input));
    // Read the values back in text order: JSON.parse would move the integer-like name "1" first.
    const values = [...text.matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual(v.sorting.orderedValues);
    expect(text.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"')).toBe(true);
  });

  for (const [bits, expected, comment] of v.numbers) {
    const label = `Appendix B: ${bits} → ${expected ?? 'error'} ${comment}`;
    it(label, () => {
      const value = fromIeee754(bits!);
      if (expected === null) expect(() => canonicalize(value)).toThrow(TypeError);
      else expect(canonicalize(value)).toBe(expected);
    });
  }
});

describe('serialization details', () => {
  it('escapes exactly the controls, quote and backslash; lowercase hex', () => {
    expect(canonicalize('\u0000\u0008\t\n\u000b\f\r\u001f"\\/\u007f\u2028é😀')).toBe(
      '"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\"\\\\/\u007f\u2028é😀"',
    );
  });

  it('writes -0 as 0 and integers without exponent up to 1e21', () => {
    expect(canonicalize([-0, 0, 1, -1, 100, 1e20, 1e21, 0.1])).toBe(
      '[0,0,1,-1,100,100000000000000000000,1e+21,0.1]',
    );
  });

  it('sorts nested objects, keeps array order, no whitespace', () => {
    const value = { b: [3, { z: 1, a: 2 }, 1], a: { d: null, c: true }, '': false };
    expect(canonicalize(value)).toBe('{"":false,"a":{"c":true,"d":null},"b":[3,{"a":2,"z":1},1]}');
  });

  it('accepts objects with a null prototype and repeated (non-cyclic) references', () => {
    const shared = { x: 1 };
    const bare = Object.create(null) as Record<string, unknown>;
    bare['k'] = [shared, shared];
    expect(canonicalize(bare)).toBe('{"k":[{"x":1},{"x":1}]}');
  });
});

describe('refusals (TypeError, with the path)', () => {
  const cycle: Record<string, unknown> = {};
  cycle['self'] = cycle;
  const sparse = [1];
  sparse[2] = 3;
  const cases: [string, unknown, string][] = [
    ['undefined', undefined, '$'],
    ['undefined member', { body: { lock: undefined } }, '$.body.lock'],
    ['undefined element', [1, undefined], '$[1]'],
    ['hole', sparse, '$[1]'],
    ['function', { f: () => 1 }, '$.f'],
    ['symbol', Symbol('s'), '$'],
    ['bigint', { n: 1n }, '$.n'],
    ['NaN', [Number.NaN], '$[0]'],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, '$.x'],
    ['-Infinity', Number.NEGATIVE_INFINITY, '$'],
    ['Date', { when: new Date(0) }, '$.when'],
    ['Map', new Map(), '$'],
    ['class instance', new (class Coin {})(), '$'],
    ['boxed string', { s: new String('x') }, '$.s'],
    ['Uint8Array', { bytes: new Uint8Array(2) }, '$.bytes'],
    ['lone high surrogate', { s: 'a\ud800' }, '$.s'],
    ['lone low surrogate in a name', { '\udc00': 1 }, '$.\udc00'],
    ['cycle', cycle, '$.self'],
  ];
  for (const [name, value, path] of cases) {
    it(name, () => {
      expect(() => canonicalize(value)).toThrow(TypeError);
      expect(() => canonicalize(value)).toThrow(` at ${path}`);
    });
  }
});

describe('properties', () => {
  it('agrees with JSON.stringify on sorted JSON values and round-trips through JSON.parse', () => {
    const json = fc.jsonValue({ noUnicodeString: false });
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalize(value);
        expect(canonicalize(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on member insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(record));
      }),
      { numRuns: 500 },
    );
  });

  it('isCanonicalText: says yes only for canonicalize(value), and for every canonical text', () => {
    // Whatever the value (anything at all) and whatever the text (its canonical form, its
    // JSON.stringify, or noise): a yes means the text is exactly what canonicalize writes.
    const texts = (value: unknown) => {
      const out = [JSON.stringify(value) ?? ''];
      try {
        out.push(canonicalize(value));
      } catch {}
      return out;
    };
    const anything = fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true });
    fc.assert(
      fc.property(
        fc.oneof(anything, fc.jsonValue({ noUnicodeString: false })),
        fc.string(),
        (value, noise) => {
          for (const text of [...texts(value), noise]) {
            if (isCanonicalText(text, value)) expect(canonicalize(value)).toBe(text);
          }
        },
      ),
      { numRuns: 3000 },
    );
    // Every canonical text is recognised as such once parsed again (as a CS parses a request).
    fc.assert(
      fc.property(fc.jsonValue({ noUnicodeString: false }), (value) => {
        const text = canonicalize(value);
        expect(isCanonicalText(text, JSON.parse(text))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('isCanonicalText: no for members out of order, spaces, other spellings or what JCS refuses', () => {
    const no: [string, unknown][] = [
      ['{"b":1,"a":2}', { b: 1, a: 2 }],
      ['{"a": 2}', { a: 2 }],
      ['{"a":"\\u0041"}', { a: 'A' }],
      ['{"10":1,"9":2}', JSON.parse('{"10":1,"9":2}')],
      ['"\\ud800"', '\ud800'],
      ['null', Number.NaN],
      ['[null]', [undefined]],
      ['{}', { toJSON: () => ({}) }],
      ['"x"', Object.assign([1], { toJSON: () => 'x' })],
    ];
    for (const [text, value] of no) expect(isCanonicalText(text, value), text).toBe(false);
    expect(isCanonicalText('{"10":1,"9":2}', { 10: 1, 9: 2 })).toBe(false);
    expect(isCanonicalText('{"":[1,"é"],"a":{"b":null}}', { '': [1, 'é'], a: { b: null } })).toBe(
      true,
    );
  });
});
