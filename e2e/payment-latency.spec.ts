/**
 * How long a payment takes in the browser, from the click on Pay to the article shown (SPEC §10:
 * click-to-unlocked p50 over many payments). 22 articles of a publisher banking at cs2, paid from a
 * wallet holding cs1 coins within a per-site allowance (no approval window, so the figure is the
 * system's, not the test's clicking speed). Prints the figures; asserts only that every payment
 * landed once.
 */

import type { Article } from '@netcash/demo';
import { expect, test } from './fixtures.ts';
import { spendable } from './payment-helpers.ts';
import { startPublisher } from './publisher.ts';

const COUNT = 22;

const catalogue: Article[] = Array.from({ length: COUNT }, (_, i) => ({
  slug: `brief-${i + 1}`,
  title: `Brief no. ${i + 1}`,
  price: 1 + (i % 3),
  teaser: `Brief ${i + 1}, in short.`,
  body: [`The whole of brief ${i + 1}.`],
}));

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

test(`click-to-article over ${COUNT} payments`, async ({ context, wallet, federation }, info) => {
  test.setTimeout(180_000);
  const shop = await startPublisher(federation, { articles: catalogue });
  try {
    await wallet.setup({ buy: 200 });
    await wallet.command('setAllowance', { origin: shop.url, currency: 'NCD', limit: 200 });
    const page = await context.newPage();
    const times: number[] = [];
    for (const article of shop.articles) {
      await page.goto(article.url);
      const button = page.locator('netcash-paywall .netcash-pay');
      await expect(button).toBeEnabled();
      const ms = await page.evaluate(async () => {
        const pay = document.querySelector<HTMLButtonElement>('netcash-paywall .netcash-pay')!;
        const shown = new Promise<number>((resolve, reject) => {
          document.addEventListener('netcash:paid', () => resolve(performance.now()), {
            once: true,
          });
          document.addEventListener(
            'netcash:error',
            (e) => reject(new Error(JSON.stringify((e as CustomEvent).detail))),
            { once: true },
          );
        });
        const t0 = performance.now();
        pay.click();
        return (await shown) - t0;
      });
      await expect(page.locator('netcash-paywall .netcash-content')).toContainText(
        `The whole of brief`,
      );
      times.push(ms);
    }
    const total = catalogue.reduce((sum, a) => sum + a.price, 0);
    expect(await shop.held()).toBe(total);
    expect(spendable(await wallet.state())).toBe(200 - total);
    expect((await federation.audit()).problems).toEqual([]);

    const sorted = [...times].sort((a, b) => a - b);
    const figure = {
      payments: times.length,
      p50: Math.round(percentile(sorted, 0.5)),
      p90: Math.round(percentile(sorted, 0.9)),
      min: Math.round(sorted[0]!),
      max: Math.round(sorted.at(-1)!),
    };
    console.log(
      `click-to-article: p50 ${figure.p50} ms, p90 ${figure.p90} ms, min ${figure.min} ms, max ${figure.max} ms over ${figure.payments} payments`,
    );
    info.annotations.push({ type: 'click-to-article', description: JSON.stringify(figure) });
  } finally {
    await shop.close();
  }
});
