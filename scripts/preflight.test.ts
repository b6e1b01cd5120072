/**
 * The test command on a machine without Chromium or PostgreSQL (issue 10): it installs them
 * where it can do so without a question, and otherwise stops at once with one line naming what
 * to install — not a run of failing browser tests.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { type Have, plan } from './preflight.mjs';

const full: Have = {
  e2e: true,
  chromium: true,
  firefox: true,
  postgres: true,
  root: false,
  sudo: false,
  apt: true,
  allowInstall: true,
};

describe('npm test preflight', () => {
  it('runs when Chromium and PostgreSQL are there; the browser only matters with e2e', () => {
    expect(plan(full)).toEqual({ action: 'ok' });
    expect(plan({ ...full, e2e: false, chromium: false, firefox: false })).toEqual({
      action: 'ok',
    });
  });

  it('installs what is missing with apt-get as root, or with sudo that asks nothing', () => {
    expect(plan({ ...full, chromium: false, firefox: false, postgres: false, root: true })).toEqual(
      {
        action: 'install',
        packages: ['chromium', 'firefox-esr', 'postgresql'],
        sudo: false,
      },
    );
    expect(plan({ ...full, postgres: false, sudo: true })).toEqual({
      action: 'install',
      packages: ['postgresql'],
      sudo: true,
    });
  });

  it('otherwise stops with one line naming what to install', () => {
    expect(plan({ ...full, chromium: false })).toEqual({
      action: 'stop',
      line: 'npm test needs chromium: install with `sudo apt-get install -y chromium` (or run `npm test -- --no-e2e` without the browsers)',
    });
    expect(
      plan({ ...full, chromium: false, postgres: false, root: true, apt: false }),
    ).toMatchObject({
      action: 'stop',
      line: expect.stringContaining('npm test needs chromium and postgresql'),
    });
    expect(plan({ ...full, postgres: false, root: true, allowInstall: false })).toMatchObject({
      action: 'stop',
    });
  });

  it('`npm test` without a browser stops at once, before typechecking or any test', () => {
    const started = Date.now();
    const run = spawnSync(process.execPath, ['scripts/test-all.mjs'], {
      env: { ...process.env, NETCASH_CHROMIUM: '/nonexistent/chromium', NETCASH_NO_INSTALL: '1' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^npm test needs chromium/),
      '0 passed, 1 failed',
    ]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
