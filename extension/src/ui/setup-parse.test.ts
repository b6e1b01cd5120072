import { describe, expect, it } from 'vitest';
import { parseFederation } from './setup-parse.ts';

const KEY = 'Xb3o2bq4h1p0c9oV0Wq1-yZ_0123456789abcdefghi';

describe('reading what netcash up printed', () => {
  it('finds the insurer, its key, the bank and the publisher on any port', () => {
    const printed = [
      'NetCash federation is up',
      '  insurer     http://127.0.0.1:7500',
      `  insurer key ${KEY}`,
      '  bank        http://127.0.0.1:7501',
      // The bank's statement key, for a person to compare (the wallet pins its own at connect).
      `  bank key    ${KEY.split('').reverse().join('')}`,
      '  cs1         http://127.0.0.1:7502',
      '  cs2         http://127.0.0.1:7503',
      '  publisher   http://127.0.0.1:7504',
      '  data        ./.netcash (admin tokens in ./.netcash/*/admin-token)',
    ].join('\n');
    expect(parseFederation(printed)).toEqual({
      insurerUrl: 'http://127.0.0.1:7500',
      insurerKey: KEY,
      bankUrl: 'http://127.0.0.1:7501',
      publisherUrl: 'http://127.0.0.1:7504',
    });
  });

  it('takes a lone key, and finds nothing in text that is not the printout', () => {
    expect(parseFederation(`  ${KEY}\n`)).toEqual({ insurerKey: KEY });
    expect(parseFederation('hello http://example.test')).toEqual({});
    expect(parseFederation(`insurer key ${KEY.slice(1)}`)).toEqual({});
  });
});
