/**
 * Builds the paywall into one self-contained classic script, `merchant-kit/dist/netcash-paywall.js`
 * (an IIFE: a plain `<script src>` works, and the `data-` script tag form can read
 * `document.currentScript`), which the package ships and the payee handler serves itself
 * (server/script.ts). Run by `npm run build -w merchant-kit`; in the development tree this
 * package's tests call `ensurePaywallScript()`, which rebuilds only when a source is newer than the
 * bundle, and other workspaces run `npm run paywall -w @netcash/merchant-kit -- --if-stale` (the
 * same, from the command line; `--out DIR` builds into DIR instead). Repository tooling only: the
 * package does not export it (Vite is a dev dependency), it ships the bundle.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '../../..');
export const PAYWALL_SCRIPT_NAME = 'netcash-paywall.js';
export const PAYWALL_OUT_DIR = resolve(here, '../../dist');
export const PAYWALL_SCRIPT = join(PAYWALL_OUT_DIR, PAYWALL_SCRIPT_NAME);
/** The most the script may weigh, minified and gzipped (issue 12): 15 kB. */
export const PAYWALL_BUDGET_GZIP = 15_000;

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  walk(here);
  newest = Math.max(newest, statSync(join(here, '..', 'price.ts')).mtimeMs);
  walk(join(ROOT, 'protocol', 'src'));
  return newest;
}

export async function buildPaywallScript(outDir = PAYWALL_OUT_DIR): Promise<string> {
  const { build, defaultClientConditions } = await import('vite');
  await build({
    configFile: false,
    root: here,
    logLevel: 'warn',
    // @netcash/protocol from its TypeScript sources (docs/DEVELOPING.md, `netcash-source`).
    resolve: { conditions: ['netcash-source', ...defaultClientConditions] },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      lib: {
        entry: join(here, 'index.ts'),
        formats: ['iife'],
        name: 'NetCashPaywall',
        fileName: () => PAYWALL_SCRIPT_NAME,
      },
    },
  });
  return join(outDir, PAYWALL_SCRIPT_NAME);
}

/** The bundle's path, built first if it is missing or older than its sources. */
export async function ensurePaywallScript(): Promise<string> {
  if (existsSync(PAYWALL_SCRIPT) && statSync(PAYWALL_SCRIPT).mtimeMs >= newestSource()) {
    return PAYWALL_SCRIPT;
  }
  // Built aside and renamed into place: processes building at once never serve half a file.
  mkdirSync(PAYWALL_OUT_DIR, { recursive: true });
  const aside = mkdtempSync(join(PAYWALL_OUT_DIR, '.paywall-'));
  try {
    renameSync(await buildPaywallScript(aside), PAYWALL_SCRIPT);
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
  return PAYWALL_SCRIPT;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, 'if-stale': { type: 'boolean' } },
  });
  const out =
    values.out !== undefined
      ? await buildPaywallScript(resolve(values.out))
      : values['if-stale'] === true
        ? await ensurePaywallScript()
        : await buildPaywallScript();
  // One JSON line, for the tools that run this (bench:paywall reads the budget from it).
  console.log(
    JSON.stringify({ built: out, bytes: statSync(out).size, budgetGzip: PAYWALL_BUDGET_GZIP }),
  );
}
