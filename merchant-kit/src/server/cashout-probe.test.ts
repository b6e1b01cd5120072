/** What a refused cash-out batch becomes (cashout-probe.ts): the plan for each kind of refusal. */
import { type AnyCoin, type Coin, NetCashError } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import { planRefusal } from './cashout-probe.ts';

function coin(serial: string, expires = 2_000_000_000): Coin {
  return {
    body: {
      type: 'coin',
      scheme: 'nc1',
      cs: 'cs2',
      addr: 'http://127.0.0.1:1',
      certId: 'cert-1',
      serial,
      value: 5,
      currency: 'NCD',
      expires,
    },
    sig: 'sig',
  };
}

const batch = ['a', 'b', 'c', 'd', 'e', 'f'].map((s) => coin(s));
const fine = () => null;

describe('planRefusal', () => {
  it('returns the coins when the refusal is not about them', () => {
    const error = new NetCashError('unknown-account', 'no such account');
    expect(planRefusal(batch, error, fine)).toEqual({ kind: 'return' });
    expect(planRefusal([coin('a')], error, fine)).toEqual({ kind: 'return' });
  });

  it('sends the rest on together first, then each coin a refusal names alone', () => {
    const error = new NetCashError('double-spent', 'a coin is not outstanding', {
      serials: ['b', 'e', 'not-in-this-batch'],
    });
    expect(planRefusal(batch, error, fine)).toEqual({
      kind: 'split',
      groups: [['a', 'c', 'd', 'f'], ['b'], ['e']],
    });
  });

  it('blames every coin expiring no later than the expired coin named', () => {
    const coins = [coin('a', 100), coin('b', 200), coin('c', 300), coin('d', 150)];
    const error = new NetCashError('expired', 'coin expired', { serial: 'b' });
    expect(planRefusal(coins, error, fine)).toEqual({
      kind: 'split',
      groups: [['c'], ['a'], ['b'], ['d']],
    });
  });

  it('halves a batch refused for some coin it does not name', () => {
    const error = new NetCashError('double-spent', 'a coin is not outstanding');
    expect(planRefusal(batch, error, fine)).toEqual({
      kind: 'split',
      groups: [
        ['a', 'b', 'c'],
        ['d', 'e', 'f'],
      ],
    });
    expect(planRefusal(batch.slice(0, 3), error, fine)).toEqual({
      kind: 'split',
      groups: [['a', 'b'], ['c']],
    });
  });

  it('sends alone the coins a certificate refusal fits here, and returns all if none fits', () => {
    const error = new NetCashError('revoked', 'certificate cert-1 is revoked');
    const offline = (c: AnyCoin) =>
      c.body.serial === 'c' ? new NetCashError('revoked', 'certificate cert-1 is revoked') : null;
    expect(planRefusal(batch, error, offline)).toEqual({
      kind: 'split',
      groups: [['a', 'b', 'd', 'e', 'f'], ['c']],
    });
    // Every coin checks out here: the refusal is about the request's own certificate.
    const unknown = new NetCashError('unknown-cert', 'cs2 holds no certificate cert-9');
    expect(planRefusal(batch, unknown, fine)).toEqual({ kind: 'return' });
  });

  it('writes a single coin off only when the refusal is about that coin', () => {
    const named = new NetCashError('double-spent', 'a coin is not outstanding', {
      serials: ['a'],
    });
    expect(planRefusal([coin('a')], named, fine)).toEqual({
      kind: 'write-off',
      reason: 'double-spent',
      message: 'a coin is not outstanding',
    });
    // A certificate refusal naming no coin: written off when the coin fails here as well …
    const revoked = new NetCashError('revoked', 'certificate cert-1 is revoked');
    const local = () => new NetCashError('revoked', 'certificate cert-1 is revoked (here)');
    expect(planRefusal([coin('a')], revoked, local)).toEqual({
      kind: 'write-off',
      reason: 'revoked',
      message: 'certificate cert-1 is revoked (here)',
    });
    // … and held again when it checks out here (nothing is written off on a guess).
    expect(planRefusal([coin('a')], revoked, fine)).toEqual({ kind: 'return' });
    const unnamed = new NetCashError('double-spent', 'a coin is not outstanding');
    expect(planRefusal([coin('a')], unnamed, fine)).toEqual({ kind: 'return' });
  });
});
