import { describe, expect, it } from 'vitest';
import { Mutex } from './mutex.ts';

describe('Mutex', () => {
  it('runs callers one at a time, in call order, even when they await', async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    const work = (name: string, ms: number) =>
      mutex.run(async () => {
        events.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        events.push(`${name}:end`);
        return name;
      });
    const results = await Promise.all([work('a', 20), work('b', 1), work('c', 5)]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });

  it('keeps going after a caller fails, and gives that caller its own error', async () => {
    const mutex = new Mutex();
    const failed = mutex.run(async () => {
      throw new Error('refused');
    });
    const next = mutex.run(async () => 'still runs');
    await expect(failed).rejects.toThrow('refused');
    await expect(next).resolves.toBe('still runs');
  });
});
