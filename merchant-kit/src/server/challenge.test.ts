import { nodeProvider as p } from '@netcash/protocol/node';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkChallenge, issueChallenge } from './challenge.ts';

const key = new Uint8Array(32).fill(7);
const resource = 'http://127.0.0.1:7404/articles/a/full';

describe('stateless challenges', () => {
  it('checks a challenge issued for the resource until it expires', () => {
    const challenge = issueChallenge(p, key, resource, 1_000);
    expect(challenge).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
    expect(checkChallenge(p, key, resource, challenge, 999)).toEqual({ ok: true, value: 1_000 });
    const late = checkChallenge(p, key, resource, challenge, 1_000);
    expect(late.ok ? null : late.error.code).toBe('expired');
  });

  it('refuses a challenge made for another resource, under another key, or with a moved expiry', () => {
    const challenge = issueChallenge(p, key, resource, 1_000);
    const other = checkChallenge(p, key, `${resource}2`, challenge, 10);
    expect(other.ok ? null : other.error.code).toBe('bad-proof');
    const otherKey = checkChallenge(p, new Uint8Array(32), resource, challenge, 10);
    expect(otherKey.ok ? null : otherKey.error.code).toBe('bad-proof');
    const moved = checkChallenge(p, key, resource, challenge.replace('1000.', '9999.'), 10);
    expect(moved.ok ? null : moved.error.code).toBe('bad-proof');
  });

  it('refuses arbitrary strings with bad-proof and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = checkChallenge(p, key, resource, s, 0);
        expect(r.ok ? null : r.error.code).toBe('bad-proof');
      }),
    );
  });
});
