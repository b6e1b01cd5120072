/**
 * The wallet in Chromium: the built extension loads, its popup opens, and a shopper sets it up
 * by hand — trusts the insurer key `netcash up` printed, opens a demo bank account, buys coins —
 * and sees the balance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR, expect, test } from './fixtures.ts';

test('the extension loads with its service worker and minimal permissions', async ({
  extensionId,
  wallet,
}) => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  expect(manifest.manifest_version).toBe(3);
  expect(manifest.host_permissions).toBeUndefined();
  expect(manifest.permissions).toEqual(['alarms']);
  const worker = await wallet.serviceWorker();
  expect(worker.url()).toBe(`chrome-extension://${extensionId}/background.js`);
  const state = await wallet.state();
  expect(state.ready).toBe(false);
  expect(state.balances).toEqual([]);
});

test('a shopper connects a demo bank account, buys coins, and sees the balance', async ({
  wallet,
  federation,
}) => {
  const popup = await wallet.popup();
  await expect(popup.getByTestId('setup')).toBeVisible();

  await popup.getByTestId('insurer-key').fill(federation.insurer.signKey);
  await popup.getByTestId('insurer-url').fill(federation.insurer.url);
  await popup.getByTestId('trust-insurer').click();
  await expect(popup.getByText('1. Trust an insurer ✓')).toBeVisible();

  await popup.getByTestId('bank-url').fill(federation.bank.url);
  await popup.getByTestId('connect-bank').click();
  await expect(popup.getByTestId('wallet')).toBeVisible();

  await popup.getByTestId('buy-amount').fill('12.34');
  await popup.getByTestId('buy').click();
  await expect(popup.getByTestId('balance')).toHaveText('12.34 NCD');
  await expect(popup.getByTestId('balance-cs1')).toContainText('12.34 NCD');

  // A fresh popup reads the same balance from the wallet's IndexedDB.
  const again = await wallet.popup();
  await expect(again.getByTestId('balance')).toHaveText('12.34 NCD');
  expect((await federation.audit()).ok).toBe(true);
});

test('a wrong insurer key is refused in words', async ({ wallet, federation }) => {
  const popup = await wallet.popup();
  // A well-formed key, but not the insurer's.
  await popup.getByTestId('insurer-key').fill('A'.repeat(43));
  await popup.getByTestId('insurer-url').fill(federation.insurer.url);
  await popup.getByTestId('trust-insurer').click();
  await expect(popup.getByRole('alert')).toBeVisible();
  expect((await wallet.state()).insurers).toEqual([]);
});
