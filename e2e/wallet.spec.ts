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
  // A toolbar icon at every size the manifest names, each a real PNG in the build.
  const icons = { ...manifest.icons, ...manifest.action.default_icon } as Record<string, string>;
  expect(Object.keys(manifest.icons).sort()).toEqual(['128', '16', '32', '48', '96']);
  for (const file of Object.values(icons)) {
    const png = readFileSync(join(EXTENSION_DIR, file));
    expect([file, png.subarray(1, 4).toString('latin1')]).toEqual([file, 'PNG']);
  }
  const worker = await wallet.serviceWorker();
  expect(worker.url()).toBe(`chrome-extension://${extensionId}/background.js`);
  const state = await wallet.state();
  expect(state.ready).toBe(false);
  expect(state.balances).toEqual([]); // The popup follows the system's colour scheme: dark background, light text.
  const popup = await wallet.popup();
  const colours = async (scheme: 'light' | 'dark') => {
    await popup.emulateMedia({ colorScheme: scheme });
    return popup.evaluate(() => {
      const style = getComputedStyle(document.body);
      const lum = (c: string) => (c.match(/\d+/g) ?? []).slice(0, 3).reduce((n, x) => n + +x, 0);
      return { background: lum(style.backgroundColor), text: lum(style.color) };
    });
  };
  const light = await colours('light');
  const dark = await colours('dark');
  expect(light.background).toBeGreaterThan(light.text);
  expect(dark.background).toBeLessThan(dark.text);
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
