// Before `npm test` runs anything: the machine has what the tests need, or it says so at once.
// The end-to-end tests need Debian's Chromium (`/usr/bin/chromium`, or NETCASH_CHROMIUM) and
// Firefox ESR (`/usr/lib/firefox-esr/firefox-esr`, or NETCASH_FIREFOX), the store tests
// PostgreSQL (`/usr/lib/postgresql/*/bin/initdb`). Where one is missing, it is
// installed with apt-get when that can be done without a question (root, or sudo without a
// password; NETCASH_NO_INSTALL=1 forbids it); otherwise the run stops with one line naming what
// to install — instead of a vitest run that skips PostgreSQL quietly and a browser suite that
// fails test by test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = process.env.NETCASH_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX = process.env.NETCASH_FIREFOX ?? '/usr/lib/firefox-esr/firefox-esr';

export function postgresInstalled(root = '/usr/lib/postgresql') {
  if (!existsSync(root)) return false;
  return readdirSync(root).some((v) => existsSync(join(root, v, 'bin', 'initdb')));
}

/**
 * What to do, from what the machine has: `ok`; `install` these Debian packages (with `sudo` when
 * not root); or `stop` with the line to print.
 * @param {{ e2e: boolean, chromium: boolean, firefox: boolean, postgres: boolean, root: boolean, sudo: boolean, apt: boolean, allowInstall: boolean }} have
 * @returns {{ action: 'ok' } | { action: 'install', packages: string[], sudo: boolean } | { action: 'stop', line: string }}
 */
export function plan(have) {
  const packages = [];
  if (have.e2e && !have.chromium) packages.push('chromium');
  if (have.e2e && !have.firefox) packages.push('firefox-esr');
  if (!have.postgres) packages.push('postgresql');
  if (packages.length === 0) return { action: 'ok' };
  if (have.allowInstall && have.apt && (have.root || have.sudo)) {
    return { action: 'install', packages, sudo: !have.root };
  }
  const what = packages.join(' and ');
  const browser = have.e2e && (!have.chromium || !have.firefox);
  const skip = browser ? ' (or run `npm test -- --no-e2e` without the browsers)' : '';
  return {
    action: 'stop',
    line: `npm test needs ${what}: install with \`sudo apt-get install -y ${packages.join(' ')}\`${skip}`,
  };
}

function succeeds(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

/** The machine as it is now. */
export function survey(e2e) {
  return {
    e2e,
    chromium: existsSync(CHROMIUM),
    firefox: existsSync(FIREFOX),
    postgres: postgresInstalled(),
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    sudo: succeeds('sudo', ['-n', 'true']),
    apt: succeeds('sh', ['-c', 'command -v apt-get']),
    allowInstall: process.env.NETCASH_NO_INSTALL !== '1',
  };
}

/** Returns null when the tests may run, else the one line to print before stopping. */
export function preflight(e2e) {
  const first = plan(survey(e2e));
  if (first.action === 'ok') return null;
  if (first.action === 'stop') return first.line;
  console.log(`=== preflight: installing ${first.packages.join(' ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...a) => {
    const [command, prefix] = first.sudo ? ['sudo', ['-n', 'apt-get']] : ['apt-get', []];
    return spawnSync(command, [...prefix, ...a], { stdio: 'inherit', env }).status === 0;
  };
  const installed = apt('update', '-qq') && apt('install', '-y', '-qq', ...first.packages);
  const after = plan({ ...survey(e2e), allowInstall: false });
  if (installed && after.action === 'ok') return null;
  return after.action === 'stop'
    ? after.line
    : `apt-get install ${first.packages.join(' ')} failed`;
}
