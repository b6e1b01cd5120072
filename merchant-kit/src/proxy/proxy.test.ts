/**
 * The paywall proxy in front of a static site on loopback, against a real federation: free paths
 * stream through untouched (bodies, headers, statuses, uploads, WebSocket and other upgrades),
 * paid paths get a 402 (the paywall page for a browser navigation; for an upgrade too), a payment
 * opens exactly the upstream's bytes, and the publisher's admin page and `netcash-merchant`
 * report show books that match the audit.
 */
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { toB64u } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { authorization, fetchOffer, pay, TestClient } from '@netcash/server';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublisherBooks } from '../admin/books.ts';
import { ensurePaywallScript } from '../browser/build.ts';
import type { PaywallOptions } from '../server/config.ts';
import { acceptOf, FrameReader, openWebSocket, textFrame } from '../testing/websocket.ts';
import { useFederation } from '../testing/world.ts';
import { paywallOptionsOf, readConfig } from './config.ts';
import { type PaywallProxy, startPaywallProxy } from './proxy.ts';

const PAGE = '<!doctype html><title>A</title><h1>Article A</h1><p>The whole text.</p>';
const BYTES = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
const TOKEN = 'publisher-admin-token-0123456789';

const world = useFederation();
let upstream: Server;
let proxy: PaywallProxy;
let seen: IncomingHttpHeaders[] = [];
let publisherAccount: TestClient;
let options: PaywallOptions;
/** Upgrade requests the upstream received, and its end of the last connection it switched. */
const upgrades: IncomingHttpHeaders[] = [];
let upstreamEnd: Duplex | undefined;

function navigate(url: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    get(url, { headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

beforeAll(async () => {
  await ensurePaywallScript();
  upstream = createServer((req, res) => {
    seen.push(req.headers);
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/echo') {
      res.writeHead(201, { 'content-type': 'application/octet-stream', 'x-echo': url.search });
      req.pipe(res);
      return;
    }
    if (url.pathname === '/articles/a.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'public, max-age=600' });
      res.end(PAGE);
      return;
    }
    if (url.pathname === '/data.bin') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(BYTES);
      return;
    }
    if (url.pathname === '/') {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(200, { 'content-type': 'text/html', 'x-site': 'static' });
      res.end('<h1>Home</h1>');
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('no such page');
  });
  // A live-update socket (WebSocket: says hello, answers each frame in capitals), a raw protocol
  // that echoes every byte, and a path whose upgrade the site refuses.
  upstream.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    upgrades.push(req.headers);
    upstreamEnd = socket;
    if (req.headers.upgrade === 'x-echo') {
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\n\r\n',
      );
      socket.write(head);
      socket.pipe(socket);
      return;
    }
    if (req.url === '/refuse') {
      socket.end(
        'HTTP/1.1 426 Upgrade Required\r\nContent-Length: 9\r\nX-Site: static\r\n\r\nnot today',
      );
      return;
    }
    const accept = acceptOf(String(req.headers['sec-websocket-key']));
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Live: yes\r\n\r\n`,
    );
    socket.write(textFrame(`hello ${req.url}`, false));
    socket.on('end', () => socket.end()); // the reader said goodbye: so does the site
    const frames = new FrameReader(socket, head);
    const answer = (text: string): Promise<void> => {
      socket.write(textFrame(text.toUpperCase(), false));
      return frames.next().then(answer);
    };
    void frames.next().then(answer);
  });
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
  // The publisher's own bank account, named in the config (no demo account opened for it).
  publisherAccount = await TestClient.open(world.fed.bank.url, { holder: 'publisher' });
  const dir = mkdtempSync(join(tmpdir(), 'netcash-proxy-'));
  const file = join(dir, 'paywall.json');
  writeFileSync(
    file,
    JSON.stringify({
      cs: world.fed.cs[1]!.url,
      insurers: [world.fed.insurer.signKey],
      insurer: world.fed.insurer.url,
      bank: {
        url: world.fed.bank.url,
        account: publisherAccount.account,
        secretKey: toB64u(publisherAccount.accountKey.secretKey),
      },
      store: 'paywall.sqlite',
      adminToken: TOKEN,
      resources: [
        { path: '/articles/*', price: 5, description: 'An article' },
        { path: '/data.bin', price: 9, description: 'The data set' },
      ],
    }),
  );
  const config = readConfig(file);
  expect(config.store).toBe(join(dir, 'paywall.sqlite'));
  const port = (upstream.address() as AddressInfo).port;
  options = { ...paywallOptionsOf(config), redrive: false, log: silentLogger() };
  proxy = await startPaywallProxy({ upstream: `http://127.0.0.1:${port}`, paywall: options });
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  upstream?.closeAllConnections();
  await new Promise((done) => upstream?.close(done));
});

describe('paywall proxy', () => {
  it('streams free paths through untouched: bodies, headers, statuses, uploads', async () => {
    const home = await fetch(`${proxy.url}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toBe('<h1>Home</h1>');
    expect(home.headers.get('x-site')).toBe('static');
    expect(home.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const missing = await fetch(`${proxy.url}/nope`);
    expect([missing.status, await missing.text()]).toEqual([404, 'no such page']);
    const upload = Buffer.alloc(1_000_000, 7);
    const echo = await fetch(`${proxy.url}/echo?x=1`, { method: 'POST', body: upload });
    expect(echo.status).toBe(201);
    expect(echo.headers.get('x-echo')).toBe('?x=1');
    expect(Buffer.from(await echo.arrayBuffer()).equals(upload)).toBe(true);
    expect(seen.at(-1)?.['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('asks for payment on paid paths, a page for browsers, and releases the upstream bytes once paid', async () => {
    const url = `${proxy.url}/articles/a.html`;
    seen = [];
    const asked = await fetch(url);
    expect(asked.status).toBe(402);
    expect(await asked.text()).not.toContain('The whole text');
    expect(seen).toEqual([]); // the upstream was never asked for paid content
    // As a browser navigating there (fetch may not set Sec-Fetch-Mode: node:http does).
    const page = await navigate(url);
    expect(page.status).toBe(402);
    const html = page.body;
    expect(html).toContain('<netcash-paywall resource="/articles/a.html" page>');
    expect(html).toContain('<script src="/netcash/paywall.js"></script>');
    expect((await fetch(`${proxy.url}/netcash/paywall.js`)).status).toBe(200);

    const offer = await fetchOffer(p, url);
    expect(offer.body).toMatchObject({ amount: 5, description: 'An article' });
    const paid = await pay(p, offer, await world.shopper.buy(world.fed.cs[0]!.url, [5]));
    if (!paid.ok) throw paid.error;
    const opened = await fetch(url, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toBe(PAGE);
    expect(opened.headers.get('cache-control')).toBe('private, no-store');
    expect(opened.headers.get('payment-receipt')).not.toBeNull();
    expect(seen.at(-1)?.authorization).toBeUndefined(); // NetCash's proof stays at the proxy

    // Another path under the same pattern is another purchase.
    const b = await fetch(`${proxy.url}/articles/b.html`, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(b.status).toBe(403);

    const dataOffer = await fetchOffer(p, `${proxy.url}/data.bin`);
    const data = await pay(p, dataOffer, await world.shopper.buy(world.fed.cs[0]!.url, [5, 2, 2]));
    if (!data.ok) throw data.error;
    const bytes = await fetch(`${proxy.url}/data.bin`, {
      headers: { authorization: authorization(p, data.value, dataOffer) },
    });
    expect(Buffer.from(await bytes.arrayBuffer()).equals(BYTES)).toBe(true);
  });

  it('shows the publisher its books behind the admin token, matching the audit after a cash-out', async () => {
    const locked = await fetch(`${proxy.url}/netcash/admin`);
    expect(locked.status).toBe(401);
    expect(locked.headers.get('www-authenticate')).toContain('Basic');
    const wrong = await fetch(`${proxy.url}/netcash/admin`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(wrong.status).toBe(401);

    const basic = `Basic ${Buffer.from(`publisher:${TOKEN}`).toString('base64')}`;
    const admin = await fetch(`${proxy.url}/netcash/admin`, { headers: { authorization: basic } });
    expect(admin.status).toBe(200);
    const html = await admin.text();
    expect(html).toContain('/articles/a.html');
    expect(html).toContain('The books balance.');

    const books = async () =>
      (await (
        await fetch(`${proxy.url}/netcash/admin/books.json`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        })
      ).json()) as PublisherBooks;
    const before = await books();
    expect(before.sold).toEqual({ count: 2, amount: 14 });
    expect(before.byResource.map((r) => [r.path, r.amount])).toEqual([
      ['/articles/a.html', 5],
      ['/data.bin', 9],
    ]);
    expect(before.byDay).toEqual([
      { day: new Date().toISOString().slice(0, 10), count: 2, amount: 14 },
    ]);
    expect(before.held.byCs).toEqual([
      { cs: 'cs2', count: before.held.byCs[0]!.count, amount: 14 },
    ]);
    // The coins held are what cs2 has outstanding (the shopper holds none of cs2's).
    const audit = await world.fed.audit();
    expect(audit.ok).toBe(true);
    expect(audit.cs.find((c) => c.csName === 'cs2')!.outstanding.value).toBe(before.held.value);

    const account = publisherAccount.account;
    const balanceOf = (report: typeof audit) =>
      report.banks.flatMap((b) => b.accounts).find((a) => a.account === account)?.balance ??
      Number.NaN;
    const opening = balanceOf(audit);

    const summary = await proxy.paywall.cashout();
    expect(summary.deposited).toBe(14);
    const after = await books();
    expect(after).toMatchObject({ deposited: 14, inFlight: 0, unaccounted: 0 });
    expect(after.held.value).toBe(0);
    expect(after.cashouts).toHaveLength(1);
    expect(after.cashouts[0]).toMatchObject({ state: 'deposited', amount: 14 });
    expect(after.cashouts[0]!.check?.drawer).toBeTruthy();
    // What was deposited is what the publisher's bank account gained; the federation balances.
    const audited = await world.fed.audit();
    expect(audited.problems).toEqual([]);
    expect(balanceOf(audited) - opening).toBe(after.deposited);
  });

  describe('upgrades (WebSocket and others)', () => {
    it("passes a free path's WebSocket through both ways, its handshake and frames untouched", async () => {
      const ws = await openWebSocket(`${proxy.url}/live?room=7`);
      if (!ws.switched) throw new Error(`not switched: ${ws.answer.statusCode} ${ws.body}`);
      expect(ws.answer.statusCode).toBe(101);
      expect(ws.answer.headers['sec-websocket-accept']).toBe(acceptOf(ws.key));
      expect(ws.answer.headers['x-live']).toBe('yes');
      expect(await ws.frames.next()).toBe('hello /live?room=7');
      ws.socket.write(textFrame('ping', true));
      expect(await ws.frames.next()).toBe('PING');
      ws.socket.write(Buffer.concat([textFrame('one', true), textFrame('two', true)]));
      expect([await ws.frames.next(), await ws.frames.next()]).toEqual(['ONE', 'TWO']);
      const asked = upgrades.at(-1)!;
      expect(asked).toMatchObject({
        upgrade: 'websocket',
        'sec-websocket-key': ws.key,
        'sec-websocket-version': '13',
        'x-forwarded-for': '127.0.0.1',
        host: `127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      });
      expect(asked.connection?.toLowerCase()).toBe('upgrade');
      expect(asked['x-forwarded-host']).toBe(new URL(proxy.url).host);
      // The reader leaves, saying goodbye or not (a reset): the site's end closes either way.
      const closed = once(upstreamEnd!, 'close');
      ws.socket.end();
      await closed;
      const abrupt = await openWebSocket(`${proxy.url}/live`);
      if (!abrupt.switched) throw new Error(`not switched: ${abrupt.answer.statusCode}`);
      expect(await abrupt.frames.next()).toBe('hello /live');
      const reset = once(upstreamEnd!, 'close');
      abrupt.socket.resetAndDestroy();
      await reset;
    });

    it('passes any upgraded protocol byte for byte, with what the client sent behind its request', async () => {
      const socket = connect(Number(new URL(proxy.url).port), '127.0.0.1');
      const big = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 31) % 256));
      let got = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
      });
      socket.write(
        'GET /tunnel HTTP/1.1\r\nHost: site\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\n\r\nEARLY',
      );
      const headEnd = async () => {
        while (got.indexOf('\r\n\r\n') < 0) await once(socket, 'data');
        return got.indexOf('\r\n\r\n') + 4;
      };
      const start = await headEnd();
      expect(got.subarray(0, start).toString()).toMatch(/^HTTP\/1\.1 101 [\s\S]*upgrade: x-echo/i);
      socket.write(big);
      while (got.length < start + 5 + big.length) await once(socket, 'data');
      expect(got.subarray(start, start + 5).toString()).toBe('EARLY');
      expect(got.subarray(start + 5).equals(big)).toBe(true);
      socket.destroy();
    });

    it("answers a refused upgrade as the site did; a paid path's asks for payment and opens with a proof", async () => {
      const refused = await openWebSocket(`${proxy.url}/refuse`);
      expect(refused.switched).toBe(false);
      expect([refused.answer.statusCode, refused.answer.headers['x-site']]).toEqual([
        426,
        'static',
      ]);
      if (!refused.switched) expect(refused.body).toBe('not today');

      const own = await openWebSocket(`${proxy.url}/netcash/pay`);
      expect(own.answer.statusCode).toBe(400);
      if (!own.switched) expect(JSON.parse(own.body).error.code).toBe('unsupported-op');

      // A paid path: the 402 with the offer, as for a GET; the site never sees the attempt.
      const url = `${proxy.url}/articles/live`;
      const count = upgrades.length;
      const unpaid = await openWebSocket(url);
      expect(unpaid.answer.statusCode).toBe(402);
      expect(unpaid.answer.headers['www-authenticate']).toContain('NetCash');
      if (!unpaid.switched) expect(JSON.parse(unpaid.body).offer).toBeDefined();
      expect(upgrades.length).toBe(count);

      const offer = await fetchOffer(p, url);
      const paid = await pay(p, offer, await world.shopper.buy(world.fed.cs[0]!.url, [5]));
      if (!paid.ok) throw paid.error;
      const ws = await openWebSocket(url, { authorization: authorization(p, paid.value, offer) });
      if (!ws.switched) throw new Error(`not switched: ${ws.answer.statusCode} ${ws.body}`);
      expect(await ws.frames.next()).toBe('hello /articles/live');
      expect(upgrades.at(-1)?.authorization).toBeUndefined(); // the proof stays at the proxy
      ws.socket.destroy();
    });

    it('closes its open sockets when it stops, and says 502 when the site is down', async () => {
      const port = (upstream.address() as AddressInfo).port;
      const second = await startPaywallProxy({
        upstream: `http://127.0.0.1:${port}`,
        paywall: { ...options, store: ':memory:' },
      });
      const ws = await openWebSocket(`${second.url}/live`);
      if (!ws.switched) throw new Error(`not switched: ${ws.answer.statusCode}`);
      expect(await ws.frames.next()).toBe('hello /live');
      const ended = once(ws.socket, 'close');
      await second.close();
      await ended;

      // A port nothing listens on any more.
      const gone = createServer();
      await new Promise<void>((done) => gone.listen(0, '127.0.0.1', done));
      const dead = (gone.address() as AddressInfo).port;
      await new Promise((done) => gone.close(done));
      const orphan = await startPaywallProxy({
        upstream: `http://127.0.0.1:${dead}`,
        paywall: { ...options, store: ':memory:' },
      });
      try {
        const down = await openWebSocket(`${orphan.url}/live`);
        expect(down.answer.statusCode).toBe(502);
        if (!down.switched) expect(JSON.parse(down.body).error.code).toBe('upstream-unavailable');
      } finally {
        await orphan.close();
      }
    });
  });
});
