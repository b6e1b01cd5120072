import { describe, expect, it } from 'vitest';
import { chooseCoding, ifNoneMatchHolds } from './conditional.ts';

describe('Accept-Encoding (RFC 9110 §12.5.3)', () => {
  it.each([
    [null, 'identity'], // no field: what any client reads
    ['', 'identity'], // an empty field asks for no coding
    ['gzip, deflate, br, zstd', 'br'], // Chromium: the server's preference on a tie
    ['gzip', 'gzip'],
    ['GZIP;Q=0.8, br;q=0.5', 'gzip'], // the client's ranking wins, names and q in any case
    ['br;q=0, gzip', 'gzip'],
    ['*', 'br'],
    ['*;q=0.5, br;q=0', 'gzip'],
    ['identity;q=1, gzip;q=0.5', 'identity'],
    ['deflate, compress', 'identity'], // nothing it offers: uncoded, not a 406
    ['gzip;q=0, br;q=0, *;q=0', 'identity'],
    ['gzip;q=bogus', 'identity'], // an unreadable q counts as "not acceptable"
  ] as const)('%j → %s', (header, coding) => {
    expect(chooseCoding(header, ['br', 'gzip'])).toBe(coding);
  });
});

describe('If-None-Match (RFC 9110 §13.1.2)', () => {
  it.each([
    [null, true],
    ['"abc"', false],
    ['W/"abc"', false], // weak comparison
    ['"x", "abc" ', false],
    ['*', false],
    ['"abc-gz"', true],
    ['abc', true], // not an entity tag
  ] as const)('%j → body sent: %s', (header, holds) => {
    expect(ifNoneMatchHolds(header, '"abc"')).toBe(holds);
  });
});
