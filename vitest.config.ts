import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// One vitest run covers every workspace's unit and integration tests. End-to-end tests (e2e/)
// run under Playwright's own runner, since they drive a real Chromium with the built extension.
export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (the `netcash-source` export
  // condition; docs/DEVELOPING.md), not to the built dist/ that the published tarballs use.
  resolve: { conditions: ['netcash-source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['netcash-source', ...defaultServerConditions] } },
  test: {
    include: [
      '{protocol,server-kit,server-mock,merchant-kit,demo,extension,bench}/src/**/*.test.{ts,tsx}',
      'scripts/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on CI: integration suites start real servers and PostgreSQL clusters.
    maxWorkers: 2,
  },
});
