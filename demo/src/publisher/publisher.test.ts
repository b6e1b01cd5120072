/**
 * The demo publisher end to end without a browser: its pages carry the one-tag paywall, its
 * articles answer 402 with their price, a payment with cs1 coins (the publisher banks at cs2)
 * unlocks the article, and its cash-out lands at the bank with the audit balanced.
 */
import { nodeProvider as p } from '@netcash/protocol/node';
import {
  authorization,
  type Federation,
  fetchOffer,
  pay,
  startFederation,
  TestClient,
} from '@netcash/server';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTICLES, type DemoPublisher, startDemoPublisher } from './publisher.ts';

let fed: Federation;
let demo: DemoPublisher;

beforeAll(async () => {
  fed = await startFederation();
  demo = await startDemoPublisher({
    cs: fed.cs[1]!.url,
    insurers: [fed.insurer.signKey],
    insurer: fed.insurer.url,
    bank: fed.bank.url,
    log: silentLogger(),
  });
}, 120_000);
afterAll(async () => {
  await demo?.close();
  await fed?.stop();
});

describe('demo publisher', () => {
  it('serves an index, article pages with the paywall tag, and the paywall script', async () => {
    const index = await (await fetch(demo.url)).text();
    for (const a of ARTICLES) expect(index).toContain(`/articles/${a.slug}`);
    const article = demo.articles[0]!;
    const page = await (await fetch(article.url)).text();
    expect(page).toContain('<script src="/netcash/paywall.js"></script>');
    expect(page).toContain(`<netcash-paywall resource="/articles/${article.slug}/full"`);
    const script = await fetch(new URL('/netcash/paywall.js', demo.url));
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('netcash-paywall');
    expect(ARTICLES.map((a) => a.price).every((c) => c >= 1 && c <= 10)).toBe(true);
  });

  it('sells an article for cs1 coins, shows it, and cashes the takings into its bank account', async () => {
    const shopper = await TestClient.open(fed.bank.url);
    const article = demo.articles.find((a) => a.price === 5)!;
    const offer = await fetchOffer(p, article.resource);
    expect(offer.body).toMatchObject({ amount: 5, currency: 'NCD', description: article.title });
    const paid = await pay(p, offer, await shopper.buy(fed.cs[0]!.url, [5]));
    if (!paid.ok) throw paid.error;
    const opened = await fetch(article.resource, {
      headers: { authorization: authorization(p, paid.value, offer) },
    });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain(ARTICLES.find((a) => a.price === 5)!.body[0]!);
    expect(await demo.held()).toBe(5);
    const summary = await demo.cashout();
    expect(summary.deposited).toBe(5);
    expect(await demo.held()).toBe(0);
    const report = await fed.audit();
    expect(report.problems).toEqual([]);
    const cs2 = report.cs.find((c) => c.csName === 'cs2')!;
    expect(cs2.outstanding.value).toBe(0);
  });
});
