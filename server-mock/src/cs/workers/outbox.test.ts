/**
 * The outbox (outbox.ts): messages sent in one turn leave as one batch, in the order sent; a
 * batch never holds more than MAX_MESSAGES; `flush` posts at once; a later turn is a new batch.
 */
import { setImmediate as turnEnd } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MAX_MESSAGES, Outbox } from './outbox.ts';

describe('Outbox', () => {
  const collect = () => {
    const posted: number[][] = [];
    return { posted, outbox: new Outbox<number>((batch) => posted.push(batch)) };
  };

  it('posts what is sent in one turn as one batch, in order, once the turn ends', async () => {
    const { posted, outbox } = collect();
    for (let i = 0; i < 5; i++) outbox.send(i);
    expect(posted).toEqual([]);
    await turnEnd();
    expect(posted).toEqual([[0, 1, 2, 3, 4]]);
    outbox.send(5);
    await turnEnd();
    expect(posted).toEqual([[0, 1, 2, 3, 4], [5]]);
  });

  it('splits a turn of many messages into batches of at most MAX_MESSAGES, order kept', async () => {
    const { posted, outbox } = collect();
    const count = 2 * MAX_MESSAGES + 7;
    for (let i = 0; i < count; i++) outbox.send(i);
    await turnEnd();
    expect(posted.map((b) => b.length)).toEqual([MAX_MESSAGES, MAX_MESSAGES, 7]);
    expect(posted.flat()).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('posts at once on flush, and nothing when empty', async () => {
    const { posted, outbox } = collect();
    outbox.flush();
    outbox.send(1);
    outbox.send(2);
    outbox.flush();
    expect(posted).toEqual([[1, 2]]);
    outbox.send(3);
    await turnEnd();
    expect(posted).toEqual([[1, 2], [3]]);
  });
});
