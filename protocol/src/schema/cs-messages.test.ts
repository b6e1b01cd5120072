import { describe, expect, it } from 'vitest';
import { CsRequest } from './cs-messages.ts';
import { decode } from './decode.ts';
import { EXAMPLES } from './examples.test-data.ts';

describe('a buy takes exactly one check (PROTOCOL §4.3)', () => {
  it('refuses a buy with a second check instead of ignoring it', () => {
    const buy = decode(CsRequest, EXAMPLES['BuyRequest']);
    if (!buy.ok || buy.value.op !== 'buy') throw new Error('the example buy decodes');
    const two = { ...buy.value, instruments: [...buy.value.instruments, ...buy.value.instruments] };
    const decoded = decode(CsRequest, two);
    expect(decoded.ok ? 'accepted' : decoded.error.code).toBe('malformed');
  });
});
