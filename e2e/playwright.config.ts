/**
 * Playwright for NetCash's end-to-end tests: Debian's Chromium (/usr/bin/chromium, headless new)
 * with the built extension from dist/extension, one worker (2-core machines), a federation started
 * inside the tests (fixtures.ts). `npm run build` first. The root test runner sets
 * PLAYWRIGHT_JSON_OUTPUT_NAME to collect the JSON report.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The JSON report goes where the root test runner asks (PLAYWRIGHT_JSON_OUTPUT_NAME).
  reporter: [
    ['list'],
    [
      'json',
      { outputFile: process.env['PLAYWRIGHT_JSON_OUTPUT_NAME'] ?? '../test-results/e2e.json' },
    ],
  ],
  // Separate runs at the same time (several engineers, one tree) need separate folders.
  outputDir: process.env['NETCASH_E2E_OUTPUT'] ?? '../test-results/e2e',
  use: {
    actionTimeout: 10_000,
    trace: 'retain-on-failure',
  },
});
