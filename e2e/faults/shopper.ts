/**
 * The shopper of a fault scenario: Chromium with the built wallet on a profile folder of its own
 * (so "restart the browser" is: close the persistent context, launch again on the same profile),
 * the wallet's commands sent from its popup page, and the pages the shopper has open.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import type {
  CommandInput,
  CommandName,
  CommandOutputs,
} from '../../extension/src/messages/commands.ts';
import type { WalletState } from '../../extension/src/messages/views.ts';
import { EXTENSION_DIR, walletLaunchOptions } from '../chromium.ts';
import { unpackedExtensionId } from '../payment-helpers.ts';

export interface Shopper {
  readonly context: BrowserContext;
  /** The wallet's popup (an extension page: it sends the commands). */
  readonly popup: Page;
  command<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutputs[N]>;
  state(): Promise<WalletState>;
  /** Close the browser and launch it again on the same profile. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const ID = unpackedExtensionId(EXTENSION_DIR);

export async function launchShopper(): Promise<Shopper> {
  const profile = mkdtempSync(join(tmpdir(), 'netcash-faults-profile-'));
  let context: BrowserContext;
  let popup: Page;
  const open = async () => {
    context = await chromium.launchPersistentContext(profile, walletLaunchOptions());
    // A restarted profile starts the worker when needed: the popup wakes it.
    popup = await context.newPage();
    await popup.goto(`chrome-extension://${ID}/popup.html`);
  };
  await open();
  const command = async <N extends CommandName>(
    name: N,
    input: CommandInput<N>,
  ): Promise<CommandOutputs[N]> => {
    const reply = await popup.evaluate(
      async ([n, i]) =>
        chrome.runtime.sendMessage({ channel: 'netcash/command', name: n, input: i }),
      [name, input] as const,
    );
    if (reply?.ok !== true) throw new Error(`command ${name}: ${JSON.stringify(reply)}`);
    return reply.value as CommandOutputs[N];
  };
  return {
    get context() {
      return context;
    },
    get popup() {
      return popup;
    },
    command,
    state: () => command('state', {}),
    async restart() {
      await context.close();
      await open();
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
