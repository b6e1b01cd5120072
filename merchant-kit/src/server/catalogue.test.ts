import { nodeProvider as p } from '@netcash/protocol/node';
import { describe, expect, it } from 'vitest';
import { createCatalogue, type PaidResource, sidOfPath } from './catalogue.ts';

const catalogue = (list: readonly PaidResource[]) => createCatalogue(p, list);

describe('paid resources', () => {
  it('derives a token S_id from the path', () => {
    expect(sidOfPath('/articles/netcash-1993/full')).toBe('articles.netcash-1993.full');
    expect(sidOfPath('/')).toBe('root');
    expect(sidOfPath('/a b/ü')).toBe('a.b.');
    expect(sidOfPath(`/${'x'.repeat(100)}`)).toHaveLength(64);
  });

  it('keeps an explicit sid and finds exact paths by path and by S_id', () => {
    const c = catalogue([
      { path: '/a', price: 5, description: 'A', sid: 'art-a' },
      { path: '/b', price: 2, description: 'B' },
    ]);
    expect(c.byPath.get('/a')).toEqual({ path: '/a', sid: 'art-a', price: 5, description: 'A' });
    expect(c.byPath.get('/b')?.sid).toBe('b');
    expect(c.bySid.get('art-a')?.path).toBe('/a');
    expect(c.byPath.get('/c')).toBeUndefined();
    expect(c.bySid.has('a')).toBe(false);
  });

  it('sells every path a pattern matches on its own, priced by the pattern, exact paths first', () => {
    const c = catalogue([
      { path: '/articles/free-sample', price: 1, description: 'Sample' },
      { path: '/articles/*', price: 5, description: 'An article' },
      { path: '/reports/**', price: 50, description: 'A report', sid: 'rep' },
    ]);
    const a = c.byPath.get('/articles/a.html')!;
    const b = c.byPath.get('/articles/b.html')!;
    expect(a).toEqual({
      path: '/articles/a.html',
      sid: 'articles:articles:a.html',
      price: 5,
      description: 'An article',
    });
    expect(b.sid).not.toBe(a.sid);
    expect(c.byPath.get('/articles/free-sample')?.price).toBe(1);
    // `*` stays within a segment; `**` crosses them.
    expect(c.byPath.get('/articles/x/y')).toBeUndefined();
    expect(c.byPath.get('/reports/2026/q1.pdf')?.sid).toBe('rep:reports:2026:q1.pdf');
    // The S_id alone gives the price back (message 1c names only S_id), and the path.
    expect(c.bySid.get(a.sid)).toEqual(a);
    expect(c.bySid.get('rep:reports:2026:q1.pdf')?.price).toBe(50);
    // An S_id naming a path the pattern does not match is not on sale.
    expect(c.bySid.get('articles:other:a.html')).toBeUndefined();
    expect(c.bySid.get('nokey:articles:a.html')).toBeUndefined();
  });

  it('hashes long or unusual paths into the S_id, still one S_id per path', () => {
    const c = catalogue([{ path: '/r/**', price: 3, description: 'R', sid: 'r' }]);
    const odd = c.byPath.get('/r/a b/ü')!;
    const long = c.byPath.get(`/r/${'x'.repeat(80)}`)!;
    expect(odd.sid).toMatch(/^r::[A-Za-z0-9_-]{22}$/);
    expect(long.sid).toMatch(/^r::[A-Za-z0-9_-]{22}$/);
    expect(odd.sid).not.toBe(long.sid);
    expect(c.byPath.get('/r/a b/ü')?.sid).toBe(odd.sid);
    expect(c.bySid.get(odd.sid)).toMatchObject({ price: 3, path: '/r/**' });
  });

  it('refuses configurations no wallet could pay', () => {
    const bad = [
      [{ path: 'a', price: 1, description: '' }],
      [{ path: '/a', price: 0, description: '' }],
      [{ path: '/a', price: 1.5, description: '' }],
      [{ path: '/a', price: 1, description: 'x'.repeat(281) }],
      [{ path: '/a/*', price: 1, description: 'evil \u202e txt' }],
      [{ path: '/a', price: 1, description: '', sid: 'no spaces' }],
      [
        { path: '/a', price: 1, description: '' },
        { path: '/a', price: 2, description: '' },
      ],
      [
        { path: '/a', price: 1, description: '', sid: 's' },
        { path: '/b', price: 2, description: '', sid: 's' },
      ],
      [
        { path: '/x/*', price: 1, description: '' },
        { path: '/x/**', price: 2, description: '' },
      ],
      [
        { path: '/a/*', price: 1, description: '', sid: 'k' },
        { path: '/b', price: 2, description: '', sid: 'k:b' },
      ],
    ];
    for (const list of bad) expect(() => catalogue(list)).toThrow(TypeError);
  });
});
