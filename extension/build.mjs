#!/usr/bin/env node
// Builds the extension into dist/extension/ (Chromium) and dist/firefox/ (Firefox) at the repo
// root with Vite, in plain passes:
//   1. the pages (popup, approval, onboarding) and the module background script, as ES modules;
//   2. the content script as ONE self-contained IIFE (content scripts can't be modules and must
//      not import at run time);
// then draws the icons (icons.mjs), copies the root manifest.json and checks that every file it
// names exists. The Firefox package is the same files with the manifest Firefox wants: its MV3
// runs `background.scripts` (an event page) where Chromium runs a service worker, needs
// `browser_specific_settings.gecko.id`, and takes the options page as `options_ui`.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defaultClientConditions } from 'vite';
import { writeIcons } from './icons.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = join(root, 'dist', 'extension');
const firefoxOut = join(root, 'dist', 'firefox');
/** The Firefox add-on id (a temporary install needs none signed). */
export const GECKO_ID = 'wallet@netcash.example';
const ui = join(here, 'src', 'ui');

const common = {
  configFile: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  // Workspace packages from their TypeScript sources (docs/DEVELOPING.md, `netcash-source`).
  resolve: { conditions: ['netcash-source', ...defaultClientConditions] },
};

rmSync(out, { recursive: true, force: true });
rmSync(firefoxOut, { recursive: true, force: true });

// Pass 1: pages + service worker.
await build({
  ...common,
  root: ui,
  base: './',
  build: {
    outDir: out,
    emptyOutDir: false,
    target: 'chrome116',
    modulePreload: false,
    sourcemap: false,
    rollupOptions: {
      input: {
        popup: join(ui, 'popup.html'),
        approval: join(ui, 'approval.html'),
        onboarding: join(ui, 'onboarding.html'),
        background: join(here, 'src', 'background', 'worker.ts'),
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'background' ? 'background.js' : 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
});

// Pass 2: the content script, one IIFE.
await build({
  ...common,
  root: here,
  build: {
    outDir: out,
    emptyOutDir: false,
    target: 'chrome116',
    sourcemap: false,
    lib: {
      entry: join(here, 'src', 'content', 'bridge.ts'),
      formats: ['iife'],
      name: 'netcashContent',
      fileName: () => 'content.js',
    },
  },
});

const icons = writeIcons(out);
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const named = [
  manifest.background.service_worker,
  manifest.action.default_popup,
  manifest.options_page,
  'approval.html',
  ...manifest.content_scripts.flatMap((c) => c.js),
  ...Object.values(manifest.icons),
  ...Object.values(manifest.action.default_icon),
];
const missing = named.filter((file) => !existsSync(join(out, file)));
if (missing.length > 0 || icons.length === 0) {
  console.error(`build: missing ${missing.join(', ')}`);
  process.exit(1);
}

// Firefox: the same files, its manifest.
cpSync(out, firefoxOut, { recursive: true });
const { minimum_chrome_version: _chromeOnly, options_page, background, ...both } = manifest;
const firefox = {
  ...both,
  background: { scripts: [background.service_worker], type: background.type },
  options_ui: { page: options_page, open_in_tab: true },
  browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '128.0' } },
};
writeFileSync(join(firefoxOut, 'manifest.json'), `${JSON.stringify(firefox, null, 2)}\n`);
const content = readFileSync(join(out, 'content.js'), 'utf8');
if (/\bimport\s*\(|^import\s/m.test(content)) {
  console.error('build: content.js must not import at run time');
  process.exit(1);
}
console.log(`build: extension in ${out} (Chromium) and ${firefoxOut} (Firefox)`);
