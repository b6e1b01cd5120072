import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { decode } from './decode.ts';
import { Text } from './primitives.ts';

describe('Text: human text, printable and read as typed', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['a C1 control', 'a\u0085b'],
    ['right-to-left override', '\u202etxt.exe'],
    ['a bidi isolate', 'x\u2066y\u2069'],
    ['a lone high surrogate', 'x\ud800'],
    ['a lone low surrogate', '\udc00x'],
  ])('refuses %s', (_what, text) => {
    const decoded = decode(Text(64), text);
    expect(decoded.ok ? 'ok' : decoded.error.code).toBe('malformed');
  });

  it.each(['Zoë Ångström', '🐝 bee', 'مرحبا', 'naïve café', '', 'a\u00a0b'])(
    'accepts %j',
    (text) => {
      expect(decode(Text(64), text)).toEqual({ ok: true, value: text });
    },
  );

  it('still bounds the length', () => {
    expect(decode(v.object({ t: Text(3) }), { t: 'abcd' }).ok).toBe(false);
  });
});
