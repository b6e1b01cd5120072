/**
 * What each operation of the fault table is, for a person: how it starts and how it is asked for
 * again ("click"), how the UI says it is pending, and what must hold at the end — receipts, bank
 * debits, the wallet's value, what the page shows. Scenarios (scenarios.ts) combine these with a
 * fault and what the person does meanwhile.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ARTICLES } from '@netcash/demo';
import { expect, type Page } from '@playwright/test';
import type { WalletState } from '../../extension/src/messages/views.ts';
import { approve, expectUnlocked } from '../payment-helpers.ts';
import type { Shopper } from './shopper.ts';
import type { World } from './world.ts';

export type OperationName =
  | 'buy'
  | 'pay with approval'
  | 'pay within allowance'
  | 'refresh'
  | 'wallet cash-out'
  | 'merchant cash-out';

/** The article every payment scenario buys (a fresh wallet each time). */
export const ARTICLE = ARTICLES.find((a) => a.slug === 'currency-servers')!;
/** Coins the shopper buys at the start of every scenario, from cs1. */
export const FUNDS = 100;
/** Each popup buy the person asks for. */
export const BUY = 10;
/** What a demo bank account opens with. */
export const OPENING = 10_000;
/** The holder name merchant-kit opens the publisher's bank account under. */
const MERCHANT_HOLDER = 'NetCash merchant';

/** One scenario's run: the world, the shopper, the pages open and what the person asked for. */
export interface Run {
  readonly world: World;
  shopper: Shopper;
  readonly operation: OperationName;
  /** Article tabs the person has open. */
  readonly pages: Page[];
  /** An approval window waiting for the person, if any. */
  window: Page | null;
  /** Buys the person asked for (cents), after the opening buy. */
  readonly buys: number[];
  /** The shopper's bank account. */
  account: string;
  /** merchant cash-out: what the publisher held and had in the bank before, each run's output. */
  merchant: { heldBefore: number; bankBefore: number; outputs: string[]; codes: number[] };
}

const ROOT = resolve(import.meta.dirname, '..', '..');

/** merchant-kit's command line (`src/cli/main.ts`, formerly `src/cli.ts`). */
const MERCHANT_CLI = ['merchant-kit/src/cli/main.ts', 'merchant-kit/src/cli.ts']
  .map((path) => resolve(ROOT, path))
  .find((path) => existsSync(path))!;

/**
 * merchant-kit's cash-out command (the publisher's `cashout()`) next to the running site: its
 * exit code (non-zero while anything is still held or pending) and what it printed.
 */
export function merchantCli(
  world: World,
  command: 'cashout' | 'held',
): Promise<{ code: number; output: string }> {
  const args = [
    '--import',
    'tsx',
    MERCHANT_CLI,
    command,
    '--store',
    world.publisherStore,
    '--cs',
    world.party('cs2').url,
    '--bank',
    world.party('bank').url,
    '--insurer',
    world.party('insurer').url,
  ];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, output: out.trim() });
    });
  });
}

async function held(world: World): Promise<number> {
  const out = (await merchantCli(world, 'held')).output;
  const match = /held: (\d+)/.exec(out);
  if (match === null) throw new Error(`merchant held: ${out}`);
  return Number(match[1]);
}

export async function openArticle(run: Run): Promise<Page> {
  const page = await run.shopper.context.newPage();
  await page.goto(new URL(`/articles/${ARTICLE.slug}`, run.world.party('publisher').url).href);
  run.pages.push(page);
  return page;
}

const paywall = (page: Page) => page.locator('netcash-paywall');

/** Pay on the page: the Pay button, or — while the element shows a pending payment and has no
 * button — the element's own `pay()`, as a second Pay button of the publisher's would. */
async function clickPay(run: Run): Promise<void> {
  const page = run.pages.at(-1) ?? (await openArticle(run));
  const button = paywall(page).locator('.netcash-pay');
  const before = new Set(run.shopper.context.pages());
  if ((await button.count()) > 0 && (await button.isEnabled())) {
    await button.click();
  } else {
    await page.evaluate(() => {
      const element = document.querySelector('netcash-paywall') as
        | (Element & { pay(): Promise<void> })
        | null;
      void element?.pay();
    });
  }
  if (run.operation === 'pay with approval' && run.window === null) {
    // The wallet opens the approval window (or joins the one already open).
    await expect
      .poll(
        () =>
          run.shopper.context
            .pages()
            .some((p) => !before.has(p) && p.url().includes('/approval.html')),
        { timeout: 10_000 },
      )
      .toBe(true)
      .catch(() => undefined);
    run.window =
      run.shopper.context
        .pages()
        .find((p) => !before.has(p) && p.url().includes('/approval.html')) ?? null;
  }
}

/**
 * Buy in the popup. A click while the popup shows a buy as pending is the person asking about
 * that buy again (the button then asks about that one and never starts another); any other click
 * is a new buy the person asked for, counted in `run.buys`.
 */
async function popupBuy(run: Run): Promise<void> {
  const popup = run.shopper.popup;
  const button = popup.getByTestId('buy');
  // The popup's "Add funds" view (its first screen while the wallet is empty).
  if (!(await button.isVisible())) {
    if (!(await popup.getByTestId('open-add').isVisible())) await popup.reload();
    await popup.getByTestId('open-add').click();
  }
  // A person clicks when the button can be clicked (it is busy while the wallet works).
  await expect(button).toBeEnabled({ timeout: 20_000 });
  const status = popup.getByTestId('buy-status');
  const shown = (await status.isVisible()) ? ((await status.textContent()) ?? '') : '';
  if (!/Pending|Already under way/.test(shown)) run.buys.push(BUY);
  await popup.getByTestId('buy-amount').fill((BUY / 100).toFixed(2));
  await button.click();
  // Done: the popup goes back to its first screen; pending: it stays, saying so. (One look at
  // the page: the button may go away between two.)
  await expect
    .poll(
      () =>
        button.evaluateAll((found) =>
          found.every((b) => b instanceof HTMLButtonElement && !b.disabled),
        ),
      { timeout: 20_000 },
    )
    .toBe(true);
}

export interface Operation {
  /** Before the fault: what the scenario needs beyond a funded wallet. */
  prepare(run: Run): Promise<void>;
  /** What a person does to ask for it (again). */
  click(run: Run): Promise<void>;
  /** The UI says it is pending — and that nothing is charged twice — never "try again". */
  showsPending(run: Run): Promise<void>;
  /** What must hold once every party is back and the wallet is settled. */
  verify(run: Run, paid: boolean): Promise<void>;
}

const NOT_TWICE = /not be charged twice/;

function spendable(state: WalletState): number {
  return state.balances.reduce((sum, b) => sum + b.spendable + b.reserved, 0);
}

const pay = (allowance: boolean): Operation => ({
  async prepare(run) {
    if (allowance) {
      await run.shopper.command('setAllowance', {
        origin: run.world.party('publisher').url,
        currency: 'NCD',
        limit: 50,
      });
    }
    const page = await openArticle(run);
    await expect(paywall(page).locator('.netcash-pay')).toBeVisible();
  },
  click: clickPay,
  async showsPending(run) {
    const page = run.pages.at(-1)!;
    await expect(paywall(page).locator('.netcash-pending')).toHaveText(NOT_TWICE, {
      timeout: 20_000,
    });
    await expect(paywall(page)).not.toContainText(/try again/i);
  },
  async verify(run, paid) {
    const state = await run.shopper.state();
    const receipts = state.receipts.filter((r) =>
      r.resource.endsWith(`/articles/${ARTICLE.slug}/full`),
    );
    expect(receipts, 'receipts for the article').toHaveLength(paid ? 1 : 0);
    expect(spendable(state), 'wallet value + spent = bought').toBe(
      FUNDS - (paid ? ARTICLE.price : 0),
    );
    // Every tab still open shows what is true: the article, or the Pay button.
    if (run.pages.length === 0) await openArticle(run);
    for (const page of run.pages) {
      if (page.isClosed()) continue;
      if (paid) await expectUnlocked(page, ARTICLE.body[0]!.slice(0, 40));
      else await expect(paywall(page).locator('.netcash-pay')).toBeEnabled();
    }
  },
});

export const OPERATIONS: Record<OperationName, Operation> = {
  buy: {
    async prepare() {},
    click: popupBuy,
    async showsPending(run) {
      const status = run.shopper.popup.getByTestId('buy-status');
      await expect(status).toHaveText(/will finish when cs1 answers/, { timeout: 20_000 });
      await expect(status).toHaveText(NOT_TWICE);
      await expect(run.shopper.popup.locator('main')).not.toContainText(/try again/i);
    },
    async verify(run) {
      const bought = FUNDS + run.buys.reduce((a, b) => a + b, 0);
      expect(await run.world.balance(run.account), 'bank debits = the buys asked for').toBe(
        OPENING - bought,
      );
      expect(spendable(await run.shopper.state()), 'wallet value = bought').toBe(bought);
    },
  },
  'pay with approval': pay(false),
  'pay within allowance': pay(true),
  refresh: {
    async prepare(run) {
      // The opening buy was spread for prices up to 0.10; asking for 1.00 makes a refresh.
      await run.shopper.command('setSettings', { coverUpTo: FUNDS });
    },
    async click(run) {
      await run.shopper.command('refresh', {});
    },
    async showsPending(run) {
      await expect.poll(async () => (await run.shopper.state()).pending).toBeGreaterThan(0);
    },
    async verify(run) {
      const state = await run.shopper.state();
      expect(spendable(state), 'value conserved').toBe(FUNDS);
      expect(await run.world.balance(run.account)).toBe(OPENING - FUNDS);
    },
  },
  'wallet cash-out': {
    async prepare() {},
    async click(run) {
      await run.shopper.command('cashout', { cs: 'cs1' });
    },
    async showsPending(run) {
      const [op] = await run.shopper.command('pending', {});
      expect(op?.kind).toBe('cashout');
    },
    async verify(run) {
      expect(spendable(await run.shopper.state())).toBe(0);
      expect(await run.world.balance(run.account), 'cashed out once').toBe(OPENING);
    },
  },
  'merchant cash-out': {
    async prepare(run) {
      // The publisher holds something to cash out: this shopper reads an article first.
      await pay(true).prepare(run);
      await clickPay(run);
      await expectUnlocked(run.pages[0]!, ARTICLE.body[0]!.slice(0, 40));
      run.merchant.heldBefore = await held(run.world);
      expect(run.merchant.heldBefore).toBeGreaterThan(0);
      // A demo account is opened (with the demo opening balance) at the first cash-out.
      run.merchant.bankBefore = (await run.world.holderBalance(MERCHANT_HOLDER)) ?? OPENING;
    },
    async click(run) {
      const run1 = await merchantCli(run.world, 'cashout');
      run.merchant.outputs.push(run1.output);
      run.merchant.codes.push(run1.code);
    },
    async showsPending(run) {
      // It did not claim it finished: non-zero while anything is still held or pending.
      expect(run.merchant.codes.at(-1), run.merchant.outputs.at(-1)).not.toBe(0);
    },
    async verify(run) {
      // A person runs it once more when the servers are back; then nothing is left.
      const last = await merchantCli(run.world, 'cashout');
      run.merchant.outputs.push(last.output);
      expect(last.code, last.output).toBe(0);
      expect(await held(run.world), run.merchant.outputs.join(' | ')).toBe(0);
      expect(
        await run.world.holderBalance(MERCHANT_HOLDER),
        `the publisher's bank account got what it held, once: ${run.merchant.outputs.join(' | ')}`,
      ).toBe(run.merchant.bankBefore + run.merchant.heldBefore);
    },
  },
};

export { approve };
