/**
 * The popup's settings as a shopper changes them (issue 17): from which price a payment is
 * protected (a triplet, SPEC §6) is set by keyboard in the popup, refused in words when it is
 * not an amount, and then shows where a person looks — the approval window says a payment is
 * protected or not, and so does the payment's entry in the history.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { buyArticle, ncd } from './payment-helpers.ts';

/** Some of the article shows once it is paid (its words are the payment specs' to check). */
const UNLOCKED = /\w{3}/;

/** The protection row of the history entry of `title` (the popup's entry details). */
async function protectionOf(popup: Page, title: string): Promise<string> {
  await popup.getByTestId('history-entry').filter({ hasText: title }).click();
  const row = (await popup.getByTestId('detail-protection').textContent()) ?? '';
  await popup.getByTestId('back').click();
  return row;
}

test('protected payments from an amount the shopper sets in the popup: the approval window and history say so', async ({
  context,
  wallet,
  publisher,
}) => {
  test.setTimeout(90_000);
  await wallet.setup({ buy: 500 });
  const article = (slug: string) => publisher.articles.find((a) => a.slug === slug)!;
  const host = new URL(publisher.url).host;
  const protectedLine =
    `Protected payment: if ${host} sends no receipt, the wallet claims the value back from the ` +
    'currency server by itself, or gets its receipt proving the site took it.';
  // The publisher offers triplet terms; at the wallet's default (from 1.00) 0.05 is not protected.
  const costly = article('anonymous-payee');
  expect(costly.price).toBe(5);
  expect(await buyArticle(context, costly.url, UNLOCKED)).toBe('');

  // In the popup, by keyboard: Settings, then the Protection section.
  const popup = await wallet.popup();
  await popup.getByTestId('open-settings').focus();
  await popup.keyboard.press('Enter');
  const protection = popup.getByTestId('settings-protection');
  await expect(protection).toContainText('Payments from 1.00 NCD, where sites offer it');
  const open = popup.getByRole('button', { name: 'Protection' });
  // The view's title has the focus; the sections' buttons follow it in order.
  await expect(popup.getByRole('heading', { name: 'Settings', level: 1 })).toBeFocused();
  await popup.keyboard.press('Tab');
  await expect(popup.getByRole('button', { name: 'Privacy' })).toBeFocused();
  await popup.keyboard.press('Tab');
  await expect(open).toBeFocused();
  await expect(open).toHaveAttribute('aria-expanded', 'false');
  await popup.keyboard.press('Enter');
  await expect(open).toHaveAttribute('aria-expanded', 'true');
  const field = protection.getByLabel('Protect payments of at least (NCD)');
  await expect(field).toHaveValue('1.00');
  await expect(protection).toContainText('0.00 protects every payment a site lets you protect.');
  await popup.keyboard.press('Tab');
  await expect(field).toBeFocused();
  const save = protection.getByRole('button', { name: 'Save', exact: true });
  await expect(save).toBeDisabled();

  // What is not an amount is refused in words, tied to the field, and can't be saved.
  for (const wrong of ['a dime', '-1', '0.031', '']) {
    await field.fill(wrong);
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await expect(field).toHaveAccessibleDescription(
      /^0\.00 protects every payment a site lets you protect\. Write an amount such as 1\.00: digits, and at most two after the point\.$/,
    );
    await expect(save).toBeDisabled();
  }
  expect((await wallet.state()).settings.protectFrom).toBe(100);

  // 0.03: saved through the settings command, said in words, and shown when the section closes.
  await field.fill('0.03');
  await expect(field).toHaveAttribute('aria-invalid', 'false');
  await popup.keyboard.press('Tab');
  await expect(save).toBeFocused();
  await popup.keyboard.press('Enter');
  await expect(protection.getByRole('status')).toHaveText(
    'Saved: payments of 0.03 NCD or more are protected where the site offers it.',
  );
  await expect(save).toBeDisabled();
  expect((await wallet.state()).settings.protectFrom).toBe(3);
  await open.click();
  await expect(protection).toContainText('Payments from 0.03 NCD, where sites offer it');

  // Below it, a payment is not protected; from it on, the approval window says it is.
  const cheap = article('serial-numbers');
  const atThreshold = article('netcash-1993');
  expect([cheap.price, atThreshold.price]).toEqual([2, 3]);
  expect(await buyArticle(context, cheap.url, UNLOCKED)).toBe('');
  expect(await buyArticle(context, atThreshold.url, UNLOCKED)).toBe(protectedLine);

  // The history says the same of each payment.
  await popup.reload();
  await expect(popup.getByTestId('history-entry').first()).toContainText(ncd(3));
  expect(await protectionOf(popup, atThreshold.title)).toMatch(/^Protected: had the seller/);
  expect(await protectionOf(popup, cheap.title)).toBe(
    'Coins return to you if the seller never sends a receipt.',
  );
  await popup.getByTestId('history-all').click();
  expect(await protectionOf(popup, costly.title)).toBe(
    'Coins return to you if the seller never sends a receipt.',
  );
});
