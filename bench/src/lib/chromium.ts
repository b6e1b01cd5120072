/// <reference types="chrome" />
/**
 * Chromium with the built wallet extension, for the browser benchmarks — the launch recipe of
 * e2e/fixtures.ts (../shared/TESTING.md): Debian's Chromium, headless=new, the unpacked
 * extension from dist/extension (asserted first: a wrong path starts Chromium silently without
 * it), a throwaway profile. `command` sends a typed wallet command from an extension page, the
 * way the popup does.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import type {
  CommandInput,
  CommandName,
  CommandOutputs,
} from '../../../extension/src/messages/commands.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const EXTENSION_DIR = resolve(here, '..', '..', '..', 'dist', 'extension');
export const CHROMIUM = process.env['NETCASH_CHROMIUM'] ?? '/usr/bin/chromium';

export interface WalletBrowser {
  readonly context: BrowserContext;
  readonly extensionId: string;
  /** `chrome-extension://ID` */
  readonly base: string;
  command<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutputs[N]>;
  close(): Promise<void>;
}

export async function launchWallet(): Promise<WalletBrowser> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`no built extension in ${EXTENSION_DIR}: run \`npm run build\` first`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'netcash-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless=new',
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  const base = `chrome-extension://${extensionId}`;
  let commandPage: Page | undefined;
  return {
    context,
    extensionId,
    base,
    async command(name, input) {
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
      return reply.value as CommandOutputs[typeof name];
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
