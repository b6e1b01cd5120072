#!/usr/bin/env node
// Builds the workspace package in the current folder for publishing: ESM JavaScript and `.d.ts`
// types in dist/, from src/ (tests, demos and test helpers excluded by its tsconfig.build.json).
// Run by each publishable package's `build` script and so by `npm pack` (prepack). Packages are
// built against each other's built types, so build them in dependency order (protocol,
// server-kit, merchant-kit), as `npm run build:packages` and `npm pack --workspaces` do.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
// `tsc` from the root node_modules/.bin, which npm puts on PATH for package scripts.
const run = spawnSync('tsc', ['-p', 'tsconfig.build.json'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
