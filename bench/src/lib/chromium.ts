/// <reference types="chrome" />
/**
 * Chromium with the built wallet extension, for the browser benchmarks — started the way the
 * e2e tests start it (e2e/chromium.ts), on a throwaway profile, after checking the extension
 * is built (a wrong path starts Chromium silently without it). `command` sends a typed wallet
 * command from an extension page, the way the popup does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { EXTENSION_DIR, extensionBuilt, walletLaunchOptions } from '../../../e2e/chromium.ts';
import type {
  CommandInput,
  CommandName,
  CommandOutputs,
} from '../../../extension/src/messages/commands.ts';

export interface WalletBrowser {
  readonly context: BrowserContext;
  readonly extensionId: string;
  /** `chrome-extension://ID` */
  readonly base: string;
  command<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutputs[N]>;
  close(): Promise<void>;
}

export async function launchWallet(): Promise<WalletBrowser> {
  if (!extensionBuilt()) {
    throw new Error(`no built extension in ${EXTENSION_DIR}: run \`npm run build\` first`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'netcash-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, walletLaunchOptions());
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
