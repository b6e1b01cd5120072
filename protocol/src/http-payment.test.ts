import { describe, expect, it } from 'vitest';
import {
  formatPaymentChallenge,
  formatPaymentCredential,
  formatPaymentReceipt,
  parseChallenges,
  parsePaymentCredential,
  parsePaymentReceipt,
  rfc3339,
} from './http-payment.ts';

const challenge = {
  id: 'x7Tg2pLqR9mKvNwY3hBcZa',
  realm: 'news.example',
  method: 'netcash',
  intent: 'charge',
  request: 'eyJhbW91bnQiOiI1In0',
  expires: '2026-12-03T10:00:00Z',
  description: 'An "article"',
};

describe('HTTP Payment scheme (draft-ryan-httpauth-payment)', () => {
  it('formats a challenge that parses back, beside another scheme in one field', () => {
    const header = `NetCash sid="articles.a", ${formatPaymentChallenge(challenge)}`;
    const parsed = parseChallenges(header);
    expect(parsed.map((c) => c.scheme)).toEqual(['NetCash', 'Payment']);
    expect(parsed[0]!.params).toEqual({ sid: 'articles.a' });
    expect(parsed[1]!.params).toEqual(challenge);
  });

  it('round-trips a credential and refuses what is not one', () => {
    const proof = {
      tid: 'AAAAAAAAAAAAAAAAAAAAAA',
      challenge: '1.abc.def',
      proof: 'A'.repeat(43),
    };
    const header = formatPaymentCredential(challenge, proof);
    expect(header).toMatch(/^Payment [A-Za-z0-9_-]+$/);
    const back = parsePaymentCredential(header);
    expect(back.ok && back.value).toEqual({ challenge, payload: proof });
    for (const bad of [
      'Payment',
      'Payment !!',
      'Payment e30',
      'NetCash tid="x"',
      `Payment ${'A'.repeat(9000)}`,
    ]) {
      expect(parsePaymentCredential(bad).ok).toBe(false);
    }
  });

  it('writes receipts with an RFC 3339 timestamp', () => {
    expect(rfc3339(1_780_000_000)).toBe('2026-05-28T20:26:40Z');
    expect(parsePaymentReceipt(formatPaymentReceipt('T1', 1_780_000_000))).toEqual({
      status: 'success',
      method: 'netcash',
      timestamp: '2026-05-28T20:26:40Z',
      reference: 'T1',
    });
  });
});
