/**
 * Every adapter over real HTTP on loopback, against a real federation: the fetch handler (served
 * by a generic fetch host, as in Workers, Deno or Bun), Node's http, Express, Hono and Next.js
 * route handlers. Each runs the same journey — offer → payment → access → revisit — and shows
 * the content is released only for a settled payment (coins exchanged and held first).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { parseChallenges, parsePaymentReceipt } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { authorization, fetchOffer, pay, paymentAuthorization } from '@netcash/server';
import { silentLogger, toNodeListener } from '@netcash/server-kit';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePaywallScript } from '../browser/build.ts';
import { createPaywall, type Paywall } from '../server/paywall.ts';
import { PAYWALL_SCRIPT_FILE, SCRIPT_CACHE_CONTROL } from '../server/script.ts';
import { RESOURCES } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';
import { honoPaywall } from './hono.ts';
import { nextPaywall, nextRoutes } from './next.ts';
import { expressPaywall, nodePaywall } from './node.ts';

// The paywall script the adapters serve, built if stale (a build takes a while on CI).
beforeAll(async () => {
  await ensurePaywallScript();
}, 120_000);
const world = useFederation();

const paywallFor = () =>
  createPaywall({
    cs: world.fed.cs[1]!.url,
    insurers: [world.fed.insurer.signKey],
    insurer: world.fed.insurer.url,
    store: ':memory:',
    resources: RESOURCES,
    redrive: false,
    log: silentLogger(),
  });

/** The publisher's content, as each framework would serve it. */
const article = (path: string) => `paid: ${path}`;

/** One request over node:http, which (unlike fetch) leaves the body as the server coded it. */
function raw(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((done, fail) => {
    request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    })
      .on('error', fail)
      .end();
  });
}

async function listening(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  if (!server.listening) await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

type Started = { url: string; close(): Promise<void> };

const ADAPTERS: Record<string, (paywall: Paywall) => Promise<Started>> = {
  'fetch handler': async (paywall) => {
    const site = (request: Request) => {
      const { pathname } = new URL(request.url);
      return new Response(pathname === '/about' ? 'about' : article(pathname));
    };
    return listening(
      serve({
        fetch: (request) => paywall.wrap(site)(request),
        port: 0,
        hostname: '127.0.0.1',
      }) as Server,
    );
  },
  'node http': async (paywall) => {
    const site = (req: { url?: string }, res: import('node:http').ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      res.end(path === '/about' ? 'about' : article(path));
    };
    return listening(createServer(nodePaywall(paywall, site)));
  },
  express: async (paywall) => {
    const app = express();
    app.use(expressPaywall(paywall));
    app.get('/about', (_req, res) => {
      res.send('about');
    });
    app.get('/articles/:id', (req, res) => {
      res.type('text/plain').send(article(req.path));
    });
    return listening(createServer(app));
  },
  hono: async (paywall) => {
    const app = new Hono();
    app.use(honoPaywall(paywall));
    app.get('/about', (c) => c.text('about'));
    app.get('/articles/:id', (c) => c.text(article(c.req.path)));
    return listening(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server);
  },
  'next.js route handlers': async (paywall) => {
    // The App Router's shape: route modules exporting GET/POST/… that take a Request and a
    // context with `params`; a tiny dispatcher stands in for Next's router.
    const netcash = nextRoutes(Promise.resolve(paywall));
    const articleRoute = {
      GET: nextPaywall(
        paywall,
        async (_request: Request, context: { params: Promise<{ id: string }> }) =>
          new Response(article(`/articles/${(await context.params).id}`)),
      ),
    };
    const router = async (request: Request): Promise<Response> => {
      const { pathname } = new URL(request.url);
      const method = request.method as 'GET' | 'POST' | 'OPTIONS' | 'HEAD';
      if (pathname.startsWith('/netcash/')) return netcash[method](request);
      const match = /^\/articles\/([^/]+)$/.exec(pathname);
      if (match !== null && method === 'GET') {
        return articleRoute.GET(request, { params: Promise.resolve({ id: match[1]! }) });
      }
      return new Response(pathname === '/about' ? 'about' : 'not found', {
        status: pathname === '/about' ? 200 : 404,
      });
    };
    return listening(createServer(toNodeListener(router)));
  },
};

describe.each(Object.entries(ADAPTERS))('adapter: %s', (_name, start) => {
  let paywall: Paywall;
  let site: Started;
  beforeAll(async () => {
    paywall = await paywallFor();
    site = await start(paywall);
  });
  afterAll(async () => {
    await site?.close();
    await paywall?.close();
  });

  it('offer → payment → access → revisit, content only once the payment is settled', async () => {
    const url = `${site.url}/articles/a`;
    // Offer: a 402 with both challenges and the signed offer; no content.
    const first = await fetch(url);
    expect(first.status).toBe(402);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const schemes = parseChallenges(first.headers.get('www-authenticate') ?? '');
    expect(schemes.map((c) => c.scheme)).toEqual(['NetCash', 'Payment']);
    expect(schemes[1]!.params).toMatchObject({ method: 'netcash', intent: 'charge' });
    expect(await first.text()).not.toContain('paid:');
    const offer = await fetchOffer(p, url);
    expect(offer.body).toMatchObject({ amount: 5, payUrl: `${site.url}/netcash/pay` });

    // Payment at the adapter's pay URL: coins exchanged at the CS and held before the receipt.
    expect(await paywall.held()).toBe(0);
    const paid = await pay(p, offer, await world.shopper.buy(world.fed.cs[0]!.url, [5]));
    if (!paid.ok) throw paid.error;
    expect(await paywall.held()).toBe(5);

    // Access with the NetCash proof.
    const opened = await fetch(url, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe('paid: /articles/a');
    expect(opened.headers.get('cache-control')).toBe('private, no-store');
    expect(parsePaymentReceipt(opened.headers.get('payment-receipt') ?? '')).toMatchObject({
      status: 'success',
      method: 'netcash',
      reference: paid.value.receipt.body.tid,
    });

    // Revisit: a fresh 402, answered in the HTTP Payment scheme this time; nothing paid again.
    const again = await fetch(url);
    expect(again.status).toBe(402);
    const credential = paymentAuthorization(p, paid.value, again.headers.get('www-authenticate')!);
    const revisit = await fetch(url, { headers: { authorization: credential } });
    expect(revisit.status).toBe(200);
    expect(await revisit.text()).toBe('paid: /articles/a');
    expect(await paywall.held()).toBe(5);

    // The proof for /articles/a opens nothing else; free pages pass through untouched.
    const other = await fetch(`${site.url}/articles/b`, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(other.status).toBe(403);
    const about = await fetch(`${site.url}/about`);
    expect([about.status, await about.text()]).toEqual([200, 'about']);
    expect(about.headers.get('payment-receipt')).toBeNull();
  });

  it('serves the paywall script compressed as the client accepts, and a 304 for the copy it has', async () => {
    const url = `${site.url}/netcash/paywall.js`;
    const script = await readFile(PAYWALL_SCRIPT_FILE);
    const plain = await raw(url, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(script)).toBe(true);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe(SCRIPT_CACHE_CONTROL);
    expect(plain.headers.vary).toContain('accept-encoding');

    // What Chromium sends: brotli wins; an old client that says gzip only gets gzip.
    const br = await raw(url, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(script)).toBe(true);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(script.length / 3);
    const gz = await raw(url, { 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(script)).toBe(true);
    const tags = [plain, br, gz].map((r) => r.headers.etag);
    expect(new Set(tags).size).toBe(3); // one representation, one tag (RFC 9110 §8.8.3)

    // Revalidation: the tag it holds (also as a weak tag, as some caches rewrite it) → 304, no body.
    for (const held of [br.headers.etag!, `"x", W/${br.headers.etag!}`]) {
      const again = await raw(url, { 'accept-encoding': 'gzip, br', 'if-none-match': held });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(br.headers.etag);
      expect(again.headers['cache-control']).toBe(SCRIPT_CACHE_CONTROL);
    }
    // The brotli copy's tag does not stand for the gzip copy: the body is sent.
    const switched = await raw(url, {
      'accept-encoding': 'gzip',
      'if-none-match': br.headers.etag!,
    });
    expect([switched.status, switched.headers.etag]).toEqual([200, gz.headers.etag]);
    // HEAD: a GET's headers and length, no body.
    const head = await raw(url, { 'accept-encoding': 'gzip' }, 'HEAD');
    expect([head.status, head.body.length]).toEqual([200, 0]);
    expect(head.headers['content-length']).toBe(String(gz.body.length));
  });

  it('refuses a tampered Payment credential', async () => {
    const offered = await fetch(`${site.url}/articles/b`);
    const header = offered.headers.get('www-authenticate')!;
    const paid = await pay(
      p,
      await fetchOffer(p, `${site.url}/articles/b`),
      await world.shopper.buy(world.fed.cs[0]!.url, [5, 2]),
    );
    if (!paid.ok) throw paid.error;
    // Changing a bound parameter (here the realm) breaks the challenge id: 402, invalid-challenge.
    const tampered = paymentAuthorization(
      p,
      paid.value,
      header.replace(/realm="[^"]*"/, 'realm="evil.example"'),
    );
    const refused = await fetch(`${site.url}/articles/b`, { headers: { authorization: tampered } });
    expect(refused.status).toBe(402);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(await refused.json()).toMatchObject({
      type: 'https://paymentauth.org/problems/invalid-challenge',
      status: 402,
    });
    expect(refused.headers.get('www-authenticate')).toContain('Payment id=');
  });
});
