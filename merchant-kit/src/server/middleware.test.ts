/** The paywall as Connect/Express-style middleware in front of routes that serve the content. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeProvider as p } from '@netcash/protocol/node';
import { type Federation, startFederation, TestClient } from '@netcash/server';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES } from '../testing/merchant.ts';
import { authorization, fetchOffer, pay } from '../testing/payor.ts';
import { paywallMiddleware } from './middleware.ts';
import { createPaywall, type Paywall } from './paywall.ts';

let fed: Federation;
let paywall: Paywall;
let server: Server;
let base: string;

beforeAll(async () => {
  fed = await startFederation();
  paywall = await createPaywall({
    cs: fed.cs[1]!.url,
    insurers: [fed.insurer.signKey],
    insurer: fed.insurer.url,
    store: ':memory:',
    resources: RESOURCES,
    redriveEveryMs: 0,
    log: silentLogger(),
  });
  const middleware = paywallMiddleware(paywall);
  // The app's own route after the middleware, as Express would run it.
  server = createServer((req, res: ServerResponse & { locals?: Record<string, unknown> }) =>
    middleware(req, res, (error) => {
      if (error !== undefined) {
        res.writeHead(500).end();
        return;
      }
      const receipt = res.locals?.['netcash'] as { tid: string } | undefined;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`route ${req.url} ${receipt?.tid ?? 'free'}`);
    }),
  );
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  await paywall?.close();
  await fed?.stop();
});

describe('paywall middleware', () => {
  it('lets free routes through, answers 402 and the pay URL itself, and calls next() once paid', async () => {
    expect(await (await fetch(`${base}/about`)).text()).toBe('route /about free');
    const offer = await fetchOffer(p, `${base}/articles/a`);
    expect(offer.body.payUrl).toBe(`${base}/netcash/pay`);
    const shopper = await TestClient.open(fed.bank.url);
    const paid = await pay(p, offer, await shopper.buy(fed.cs[0]!.url, [5]));
    if (!paid.ok) throw paid.error;
    const opened = await fetch(offer.body.resource, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe(`route /articles/a ${paid.value.receipt.body.tid}`);
    expect(opened.headers.get('cache-control')).toBe('private, no-store');
    const wrong = await fetch(`${base}/articles/b`, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(wrong.status).toBe(403);
  });
});
