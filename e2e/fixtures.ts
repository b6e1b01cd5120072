/// <reference types="chrome" />
/**
 * Shared Playwright fixtures for NetCash (used by the wallet's specs and merchant-kit's payment
 * journeys). Import `test` and `expect` from here instead of '@playwright/test'.
 *
 * Worker-scoped (one per test run, since there is one worker):
 *   federation   server-mock's startFederation(): insurer, bank, cs1, cs2 on loopback, free ports
 *   publisher    the demo publisher (@netcash/demo) banking at cs2 (started on first use)
 *   site         a plain loopback HTTP site: `/` (empty page), `/frame` (child frame page), and
 *                `site.route(path, html)` to serve more; for bridge tests on an origin of our own
 *
 * Test-scoped (fresh browser profile, so a fresh wallet, per test):
 *   context      Chromium with the built extension (asserts dist/extension/manifest.json first)
 *   extensionId  the wallet's id, from its service worker's URL
 *   wallet       helpers: `popup()` opens popup.html in a tab; `command(name, input)` sends a typed
 *                wallet command (messages/commands.ts) from an extension page; `setup({buy})`
 *                trusts the federation's insurer, opens a demo bank account and buys coins;
 *                `state()` is the popup's view (balances, receipts, pending ops…);
 *                `serviceWorker()` is the current worker (after a restart, the new one);
 *                `killServiceWorker()` closes it through CDP Target.closeTarget (TESTING.md);
 *                `pauseAt(point)` makes the worker hang at a core fault point (afterJournal,
 *                afterSend, afterReply) so a test can kill it mid-operation.
 *
 *   test('pays', async ({ wallet, publisher, context }) => {
 *     await wallet.setup({ buy: 1000 });
 *     const page = await context.newPage();
 *     await page.goto(publisher.articles[0].url);
 *   });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoPublisher } from '@netcash/demo';
import { type Federation, startFederation } from '@netcash/server';
import {
  type BrowserContext,
  test as base,
  chromium,
  expect,
  type Page,
  type Worker,
} from '@playwright/test';
import type {
  CommandInput,
  CommandName,
  CommandOutputs,
} from '../extension/src/messages/commands.ts';
import type { WalletState } from '../extension/src/messages/views.ts';
import { extensionBuilt, walletLaunchOptions } from './chromium.ts';
import { startPublisher } from './publisher.ts';

export { CHROMIUM, EXTENSION_DIR } from './chromium.ts';

export interface Site {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Serves `html` at `path` from now on. */
  route(path: string, html: string): void;
}

export type FaultPoint = 'afterJournal' | 'afterSend' | 'afterReply';

export interface WalletHelpers {
  /** popup.html in a new tab (an extension page: it may send commands). */
  popup(): Promise<Page>;
  command<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutputs[N]>;
  state(): Promise<WalletState>;
  /**
   * Trust the federation's insurer (the worker's, or `federation`), open a demo bank account,
   * buy `buy` cents of coins (at `cs`, or where the wallet chooses).
   */
  setup(options?: {
    buy?: number;
    cs?: string;
    federation?: Pick<Federation, 'insurer' | 'bank'>;
  }): Promise<WalletState>;
  serviceWorker(): Promise<Worker>;
  killServiceWorker(): Promise<void>;
  /** The worker hangs forever at `point` of the next operation of `kind` (any when omitted). */
  pauseAt(point: FaultPoint, kind?: 'buy' | 'exchange' | 'pay' | 'cashout'): Promise<void>;
}

interface WorkerFixtures {
  federation: Federation;
  publisher: DemoPublisher;
  site: Site;
}

interface TestFixtures {
  context: BrowserContext;
  extensionId: string;
  wallet: WalletHelpers;
}

async function startSite(): Promise<{ site: Site; server: Server }> {
  const pages = new Map<string, string>([
    ['/', '<!doctype html><title>page</title><h1>A page</h1>'],
    ['/frame', '<!doctype html><title>frame</title><p>child frame</p>'],
  ]);
  const server = createServer((req, res) => {
    const body = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    site: { url: `http://127.0.0.1:${port}`, route: (path, html) => pages.set(path, html) },
  };
}

function currentWorker(context: BrowserContext, extensionId: string): Worker | undefined {
  return context
    .serviceWorkers()
    .filter((w) => new URL(w.url()).host === extensionId)
    .at(-1);
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  federation: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
    async ({}, use) => {
      const federation = await startFederation();
      await use(federation);
      await federation.stop();
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  publisher: [
    async ({ federation }, use) => {
      const publisher = await startPublisher(federation);
      await use(publisher);
      await publisher.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],

  site: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
    async ({}, use) => {
      const { site, server } = await startSite();
      await use(site);
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
    },
    { scope: 'worker' },
  ],

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from it
  context: async ({}, use) => {
    // A wrong path starts Chromium silently without the extension (TESTING.md).
    expect(extensionBuilt(), 'run `npm run build` first').toBe(true);
    const profile = mkdtempSync(join(tmpdir(), 'netcash-chromium-'));
    const context = await chromium.launchPersistentContext(profile, walletLaunchOptions());
    await use(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  },

  extensionId: async ({ context }, use) => {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    await use(new URL(worker.url()).host);
  },

  wallet: async ({ context, extensionId, federation }, use) => {
    let commandPage: Page | undefined;
    const base = `chrome-extension://${extensionId}`;

    const popup = async () => {
      const page = await context.newPage();
      await page.goto(`${base}/popup.html`);
      return page;
    };

    const command = async <N extends CommandName>(
      name: N,
      input: CommandInput<N>,
    ): Promise<CommandOutputs[N]> => {
      if (commandPage === undefined || commandPage.isClosed()) {
        commandPage = await context.newPage();
        await commandPage.goto(`${base}/popup.html`);
      }
      const reply = await commandPage.evaluate(
        async ([n, i]) =>
          chrome.runtime.sendMessage({ channel: 'netcash/command', name: n, input: i }),
        [name, input] as const,
      );
      if (reply?.ok !== true) {
        throw new Error(`command ${name} failed: ${JSON.stringify(reply?.error ?? reply)}`);
      }
      return reply.value as CommandOutputs[N];
    };

    const serviceWorker = async () =>
      currentWorker(context, extensionId) ?? (await context.waitForEvent('serviceworker'));

    const helpers: WalletHelpers = {
      popup,
      command,
      state: () => command('state', {}),
      async setup(options = {}) {
        const { insurer, bank } = options.federation ?? federation;
        await command('trustInsurer', { key: insurer.signKey, url: insurer.url });
        await command('connectBank', { url: bank.url, holder: 'E2E shopper' });
        if (options.buy !== undefined) {
          await command(
            'buy',
            options.cs === undefined
              ? { amount: options.buy }
              : { amount: options.buy, cs: options.cs },
          );
        }
        return command('state', {});
      },
      serviceWorker,
      async killServiceWorker() {
        const browser = context.browser();
        if (browser === null) throw new Error('no browser for CDP');
        const cdp = await browser.newBrowserCDPSession();
        const { targetInfos } = await cdp.send('Target.getTargets');
        const targets = targetInfos.filter(
          (t) => t.type === 'service_worker' && t.url.startsWith(`${base}/`),
        );
        for (const t of targets) await cdp.send('Target.closeTarget', { targetId: t.targetId });
        await cdp.detach();
        expect(targets.length, 'a wallet service worker to kill').toBeGreaterThan(0);
      },
      async pauseAt(point, kind) {
        const worker = await serviceWorker();
        await worker.evaluate(
          ([p, k]) => {
            globalThis.__netcashFaults = {
              [p]: (ctx: { kind: string }) =>
                k === undefined || ctx.kind === k ? new Promise<void>(() => {}) : undefined,
            };
          },
          [point, kind] as const,
        );
      },
    };
    await use(helpers);
  },
});

export { expect };
