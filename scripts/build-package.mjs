#!/usr/bin/env node
// Builds the workspace package in the current folder for publishing: ESM JavaScript and `.d.ts`
// types in dist/, from src/ (tests, demos and test helpers excluded by its tsconfig.build.json),
// and the files under src/ that are not TypeScript (server-kit's test TLS certificate) copied
// next to them. Run by each publishable package's `build` script and so by `npm pack` (prepack).
// Packages are built against each other's built types, so build them in dependency order
// (protocol, server-kit, merchant-kit), as `npm run build:packages` and `npm pack --workspaces` do.
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

rmSync('dist', { recursive: true, force: true });
// `tsc` from the root node_modules/.bin, which npm puts on PATH for package scripts.
const run = spawnSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (run.status === 0) {
  for (const entry of readdirSync('src', { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && !/\.tsx?$/.test(entry.name)) {
      const from = join(entry.parentPath, entry.name);
      cpSync(from, join('dist', from.slice('src/'.length)));
    }
  }
}
process.exit(run.status ?? 1);
