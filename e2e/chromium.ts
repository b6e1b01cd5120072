/**
 * How NetCash starts Chromium with the built wallet, in one place for the e2e tests and the
 * browser benchmarks (../shared/TESTING.md): Debian's Chromium (never a download), the new
 * headless mode (the old one cannot run extensions), the unpacked extension from dist/extension,
 * and the switches that keep a throwaway profile quiet.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The built extension (`npm run build`). */
export const EXTENSION_DIR = resolve(here, '..', 'dist', 'extension');
export const CHROMIUM = process.env['NETCASH_CHROMIUM'] ?? '/usr/bin/chromium';

/** Whether the extension is built: with a wrong path Chromium starts silently without it. */
export function extensionBuilt(): boolean {
  return existsSync(join(EXTENSION_DIR, 'manifest.json'));
}

/** Options for Playwright's `chromium.launchPersistentContext(profile, …)`. */
export function walletLaunchOptions(): {
  executablePath: string;
  headless: boolean;
  args: string[];
} {
  return {
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
  };
}
