import { describe, expect, it } from 'vitest';
import { normalizeResources, sidOfPath } from './config.ts';

describe('paid resources', () => {
  it('derives a token S_id from the path', () => {
    expect(sidOfPath('/articles/netcash-1993/full')).toBe('articles.netcash-1993.full');
    expect(sidOfPath('/')).toBe('root');
    expect(sidOfPath('/a b/ü')).toBe('a.b.');
    expect(sidOfPath(`/${'x'.repeat(100)}`)).toHaveLength(64);
  });

  it('keeps an explicit sid and indexes by path', () => {
    const map = normalizeResources([
      { path: '/a', price: 5, description: 'A', sid: 'art-a' },
      { path: '/b', price: 2, description: 'B' },
    ]);
    expect(map.get('/a')).toEqual({ path: '/a', sid: 'art-a', price: 5, description: 'A' });
    expect(map.get('/b')?.sid).toBe('b');
  });

  it('refuses configurations no wallet could pay', () => {
    const bad = [
      [{ path: 'a', price: 1, description: '' }],
      [{ path: '/a', price: 0, description: '' }],
      [{ path: '/a', price: 1.5, description: '' }],
      [{ path: '/a', price: 1, description: 'x'.repeat(281) }],
      [{ path: '/a', price: 1, description: '', sid: 'no spaces' }],
      [
        { path: '/a', price: 1, description: '' },
        { path: '/a', price: 2, description: '' },
      ],
      [
        { path: '/a', price: 1, description: '', sid: 's' },
        { path: '/b', price: 2, description: '', sid: 's' },
      ],
    ];
    for (const list of bad) expect(() => normalizeResources(list)).toThrow(TypeError);
  });
});
