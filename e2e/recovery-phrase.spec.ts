/**
 * Recovery in Chromium (SPEC §13): the first-run page shows the recovery phrase and asks three of
 * its words back (a wrong one is refused); the shopper sets up, buys at both currency servers,
 * pays for an article and saves an encrypted backup file; the browser profile is wiped; a fresh
 * install restores from the phrase (the same bank account, the same balance at each currency
 * server, then pays on); a damaged file and a wrong passphrase are refused in words, and the
 * backup file brings the purchase back, so the article opens again without paying.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTICLES } from '@netcash/demo';
import type { BrowserContext, Page } from '@playwright/test';
import type { WalletState } from '../extension/src/messages/views.ts';
import { EXTENSION_DIR } from './chromium.ts';
import { expect, test } from './fixtures.ts';
import {
  approvalCounter,
  approve,
  expectUnlocked,
  launchWallet,
  ncd,
  nextApproval,
  openArticle,
  spendable,
  unpackedExtensionId,
} from './payment-helpers.ts';

/** Spendable value per currency server. */
const spendableByCs = (state: WalletState): Record<string, number> =>
  Object.fromEntries(
    state.balances.flatMap((b) => Object.entries(b.byCs).map(([cs, t]) => [cs, t.spendable])),
  );

const text = (slug: string) => ARTICLES.find((a) => a.slug === slug)!.body[0]!;

async function onboarding(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${unpackedExtensionId(EXTENSION_DIR)}/onboarding.html`);
  return page;
}

async function setUp(
  page: Page,
  federation: { insurer: { signKey: string; url: string }; bank: { url: string } },
) {
  await page.getByTestId('insurer-key').fill(federation.insurer.signKey);
  await page.getByTestId('insurer-url').fill(federation.insurer.url);
  await page.getByTestId('trust-insurer').click();
  await page.getByTestId('bank-url').fill(federation.bank.url);
  await page.getByTestId('connect-bank').click();
}

async function payFor(context: BrowserContext, url: string, slug: string): Promise<Page> {
  const page = await openArticle(context, url);
  const approval = nextApproval(context);
  await page.locator('netcash-paywall .netcash-pay').click();
  await approve(await approval);
  await expectUnlocked(page, text(slug));
  return page;
}

test('recovery phrase: onboarding shows and confirms it; a wiped profile restores from it and the backup file, then pays', async ({
  context,
  wallet,
  federation,
  publisher,
}) => {
  test.setTimeout(180_000);
  // 1. First run: the phrase, three words typed back.
  const first = await onboarding(context);
  await expect(first.getByTestId('phrase-word')).toHaveCount(12);
  const words = await first.getByTestId('phrase-word').allTextContents();
  expect(words).toHaveLength(12);
  expect(await first.getByTestId('insurer-key').count()).toBe(0); // setup waits for the phrase
  await first.getByTestId('phrase-written').click();
  const inputs = await first.locator('[data-testid^="confirm-word-"]').all();
  const positions = await Promise.all(
    inputs.map(async (i) => Number((await i.getAttribute('data-testid'))!.split('-').at(-1))),
  );
  expect(positions).toHaveLength(3);
  // A wrong word is refused in words and confirms nothing; the right ones confirm.
  const wrong = words[positions[0]! - 1] === 'zoo' ? 'abandon' : 'zoo';
  for (const [n, input] of inputs.entries()) {
    await input.fill(n === 0 ? wrong : words[positions[n]! - 1]!);
  }
  await first.getByTestId('confirm-phrase').click();
  await expect(first.getByTestId('confirm-phrase-error')).toContainText(
    `Word ${positions[0]} does not match your recovery phrase`,
  );
  expect((await wallet.state()).phraseConfirmed).toBe(false);
  await inputs[0]!.fill(words[positions[0]! - 1]!);
  await first.getByTestId('confirm-phrase').click();
  await expect(first.getByTestId('phrase-step')).toHaveCount(0);
  expect((await wallet.state()).phraseConfirmed).toBe(true);

  // 2. Setup, coins at both currency servers, an article paid for.
  await setUp(first, federation);
  for (const [cs, amount] of [
    ['cs1', '2.00'],
    ['cs2', '1.00'],
  ] as const) {
    await first.getByTestId('buy-cs').selectOption(cs);
    await first.getByTestId('buy-amount').fill(amount);
    await first.getByTestId('buy').click();
    await expect(first.getByTestId('balance')).toHaveText(ncd(cs === 'cs1' ? 200 : 300));
  }
  const article = publisher.articles.find((a) => a.slug === 'netcash-1993')!;
  await payFor(context, article.url, 'netcash-1993');
  const before: WalletState = await wallet.state();
  const balance = spendable(before);
  expect(balance).toBe(300 - article.price);
  const byCs = spendableByCs(before);
  expect(Object.keys(byCs).sort()).toEqual(['cs1', 'cs2']);
  const account = before.accounts[0]!.account;

  // 3. An encrypted backup file, saved from the popup's settings.
  const popup = await wallet.popup();
  await popup.getByRole('button', { name: 'Settings' }).click();
  await popup.getByRole('button', { name: 'Recovery' }).click();
  await popup.getByTestId('export-passphrase').fill('correct horse battery');
  const download = popup.waitForEvent('download', { timeout: 60_000 });
  await popup.getByTestId('export-backup').click();
  const dir = mkdtempSync(join(tmpdir(), 'netcash-backup-'));
  const file = join(dir, 'backup.json');
  await (await download).saveAs(file);

  // 4. The profile is wiped: a new browser profile, a fresh install of the wallet.
  await context.close();
  const profile = mkdtempSync(join(tmpdir(), 'netcash-restored-'));
  const fresh = await launchWallet(profile);
  try {
    expect((await fresh.command<WalletState>('state', {})).balances).toEqual([]);
    const page = await onboarding(fresh.context);
    await page.getByTestId('restore-instead').click();
    await page.getByTestId('restore-phrase').fill(`  ${words.join('  ').toUpperCase()} `);
    await page.getByTestId('adopt-phrase').click();
    await setUp(page, federation);
    await page.getByTestId('restore-coins').click();
    await expect(page.getByTestId('restore-result')).toContainText('Found', { timeout: 60_000 });
    await expect(page.getByTestId('restore-result')).toContainText('cs1:');
    await expect(page.getByTestId('restore-result')).toContainText('cs2:');
    await expect(page.getByTestId('balance')).toHaveText(ncd(balance));
    const restored = await fresh.command<WalletState>('state', {});
    expect(restored.accounts[0]!.account).toBe(account);
    expect(spendable(restored)).toBe(balance);
    expect(spendableByCs(restored)).toEqual(byCs);

    // 5. A damaged file and a wrong passphrase are refused in words; the right ones bring the
    // purchase back: the article opens without paying.
    const choose = async (name: string, content: string) => {
      await page
        .getByTestId('backup-file')
        .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
      await expect(page.getByTestId('backup-file-chosen')).toHaveText(name);
    };
    const saved = readFileSync(file, 'utf8');
    const attempts = [
      ['damaged.json', saved.slice(0, 120), 'correct horse battery', 'not a NetCash backup file'],
      ['backup.json', saved, 'wrong horse battery', 'The passphrase does not open this backup'],
    ] as const;
    for (const [name, content, passphrase, refusal] of attempts) {
      await choose(name, content);
      await page.getByTestId('backup-passphrase').fill(passphrase);
      await page.getByTestId('import-backup').click();
      await expect(page.getByTestId('import-backup-error')).toContainText(refusal, {
        timeout: 60_000,
      });
    }
    expect((await fresh.command<WalletState>('state', {})).accounts).toHaveLength(1);
    await page.getByTestId('backup-passphrase').fill('correct horse battery');
    await page.getByTestId('import-backup').click();
    await expect(page.getByTestId('import-result')).toContainText('Imported 1 purchases', {
      timeout: 60_000,
    });
    const approvals = approvalCounter(fresh.context);
    const revisit = await openArticle(fresh.context, article.url);
    await expectUnlocked(revisit, text('netcash-1993'));
    expect(approvals.count).toBe(0);
    expect(spendable(await fresh.command<WalletState>('state', {}))).toBe(balance);

    // 6. And it pays for a new one.
    const other = publisher.articles.find((a) => a.slug !== 'netcash-1993' && a.price <= balance)!;
    await payFor(fresh.context, other.url, other.slug);
    expect(spendable(await fresh.command<WalletState>('state', {}))).toBe(balance - other.price);
    expect((await federation.audit()).problems).toEqual([]);
  } finally {
    await fresh.context.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recovery phrase: a wrong phrase is refused in words and changes nothing', async ({
  context,
  wallet,
}) => {
  const page = await onboarding(context);
  // allTextContents does not wait: read the phrase once the words are on the page.
  await expect(page.getByTestId('phrase-word')).toHaveCount(12);
  const words = await page.getByTestId('phrase-word').allTextContents();
  await page.getByTestId('restore-instead').click();
  await page.getByTestId('restore-phrase').fill('abandon '.repeat(12));
  await page.getByTestId('adopt-phrase').click();
  await expect(page.getByTestId('adopt-phrase-error')).toContainText('recovery phrase');
  expect((await wallet.command('recoveryPhrase', {})).words).toEqual(words);
});
