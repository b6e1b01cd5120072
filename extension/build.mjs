#!/usr/bin/env node
// Builds the extension into dist/extension/ (at the repo root) with Vite, in plain passes:
//   1. the pages (popup, approval, onboarding) and the module service worker, as ES modules;
//   2. the content script as ONE self-contained IIFE (content scripts can't be modules and must
//      not import at run time);
// then copies the root manifest.json and checks that every file it names exists.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const out = join(root, 'dist', 'extension');
const ui = join(here, 'src', 'ui');

const common = {
  configFile: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
};

rmSync(out, { recursive: true, force: true });

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

const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const named = [
  manifest.background.service_worker,
  manifest.action.default_popup,
  manifest.options_page,
  'approval.html',
  ...manifest.content_scripts.flatMap((c) => c.js),
];
const missing = named.filter((file) => !existsSync(join(out, file)));
if (missing.length > 0) {
  console.error(`build: missing ${missing.join(', ')}`);
  process.exit(1);
}
const content = readFileSync(join(out, 'content.js'), 'utf8');
if (/\bimport\s*\(|^import\s/m.test(content)) {
  console.error('build: content.js must not import at run time');
  process.exit(1);
}
console.log(`build: extension in ${out}`);
