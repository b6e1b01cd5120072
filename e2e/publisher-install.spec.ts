/**
 * A publisher installs NetCash from the packages (issue 12): `npm pack --workspaces` builds the
 * tarballs; a project in a temp folder outside the repository installs only those (plus their
 * registry dependencies) and runs under plain `node` — no tsx, no source condition. Then the real
 * wallet in Chromium pays there:
 *
 *   1. the quick start's ten-line Node server (merchant-kit/examples/quickstart, the same files
 *      docs/MERCHANT.md shows) — the article unlocks, `netcash-merchant cashout` deposits the
 *      takings in the publisher's bank account, the federation's books balance;
 *   2. `netcash-paywall` in front of a static site the test starts — the reader navigates to a paid
 *      page, pays on the paywall page, and reads the upstream's page; cash-out again.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { toB64u } from '@netcash/protocol';
import { type Federation, TestClient } from '@netcash/server';
import { expect, test } from './fixtures.ts';
import { approve, expectUnlocked, nextApproval } from './payment-helpers.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const QUICKSTART = join(ROOT, 'merchant-kit', 'examples', 'quickstart');

/** The environment of a process outside this repository: no source condition, no npm run state. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_OPTIONS' || k.toLowerCase().startsWith('npm_')) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

let project: string;

const run = promisify(execFile);

/**
 * Builds and packs the workspaces, then installs the three publishable tarballs in `project`.
 * (Asynchronously: a federation of an earlier test may be serving in this process.)
 */
async function installFromTarballs(): Promise<void> {
  const packs = mkdtempSync(join(tmpdir(), 'netcash-packs-'));
  await run('npm', ['pack', '--workspaces', '--pack-destination', packs], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const tarballs = ['protocol', 'server-kit', 'merchant-kit'].map((name) =>
    join(packs, readdirSync(packs).find((f) => f === `netcash-${name}-0.1.0.tgz`)!),
  );
  project = mkdtempSync(join(tmpdir(), 'netcash-publisher-project-'));
  expect(project.startsWith(ROOT)).toBe(false);
  writeFileSync(join(project, 'package.json'), '{"name":"my-site","private":true,"type":"module"}');
  // Registry dependencies come from the npm cache when they are there (--prefer-offline).
  // better-sqlite3's install script compiles SQLite (minutes on these machines): scripts are
  // skipped and the binary this repository's `npm ci` already compiled for this Node is reused.
  await run(
    'npm',
    ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...tarballs],
    { cwd: project, env: plainEnv() },
  );
  const binary = join('better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(dirname(join(project, 'node_modules', binary)), { recursive: true });
  copyFileSync(join(ROOT, 'node_modules', binary), join(project, 'node_modules', binary));
  rmSync(packs, { recursive: true, force: true });
  // Packing built dist/ in the workspace packages; nothing here runs from it, and a dist/ left
  // behind goes stale as the sources change (the paywall script is rebuilt when needed).
  for (const name of ['protocol', 'server-kit', 'merchant-kit']) {
    rmSync(join(ROOT, name, 'dist'), { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts `command` in the project under plain node and waits until `url` answers. */
async function startInProject(args: string[], url: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, args, {
    cwd: project,
    env: plainEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${output}`);
    const up = await fetch(url).then(
      () => true,
      () => false,
    );
    if (up) return child;
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/**
 * `netcash-merchant` from the installed package, under plain node — asynchronously: the
 * federation it talks to runs in this very process.
 */
async function merchantCli(...args: string[]): Promise<string> {
  const bin = join(project, 'node_modules', '.bin', 'netcash-merchant');
  const { stdout } = await run(process.execPath, [bin, ...args], { cwd: project, env: plainEnv() });
  return stdout;
}

/** A publisher bank account of its own, and the paywall.json naming it. */
async function writeConfig(
  federation: Federation,
  file: string,
  resources: object[],
  extra: object = {},
): Promise<TestClient> {
  const account = await TestClient.open(federation.bank.url, { holder: 'publisher' });
  const config = {
    cs: federation.cs[1]!.url,
    insurers: [federation.insurer.signKey],
    insurer: federation.insurer.url,
    bank: {
      url: federation.bank.url,
      account: account.account,
      secretKey: toB64u(account.accountKey.secretKey),
    },
    store: file.replace(/\.json$/, '.sqlite'),
    resources,
    ...extra,
  };
  writeFileSync(join(project, file), JSON.stringify(config, null, 2));
  return account;
}

async function balanceOf(federation: Federation, account: string): Promise<number> {
  const audit = await federation.audit();
  expect(audit.problems).toEqual([]);
  return (
    audit.banks.flatMap((b) => b.accounts).find((a) => a.account === account)?.balance ?? Number.NaN
  );
}

test.describe
  .serial('a publisher installs the packages', () => {
    test.setTimeout(180_000);
    test.beforeAll(async () => {
      test.setTimeout(300_000);
      await installFromTarballs();
      // The packages resolve under plain node: the import the quick start makes.
      const { stdout: imported } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          "import { createPaywall } from '@netcash/merchant-kit'; console.log(typeof createPaywall)",
        ],
        { cwd: project, env: plainEnv() },
      );
      expect(imported.trim()).toBe('function');
    });
    test.afterAll(() => {
      if (project !== undefined) rmSync(project, { recursive: true, force: true });
    });

    test('the quick start: a ten-line node server, the wallet pays, cash-out lands in the bank', async ({
      context,
      wallet,
      federation,
    }) => {
      for (const file of ['server.mjs', 'article.html', 'full.html']) {
        cpSync(join(QUICKSTART, file), join(project, file));
      }
      const account = await writeConfig(federation, 'paywall.json', [
        { path: '/article/full', price: 5, description: 'The 1993 paper' },
      ]);
      const port = await freePort();
      const site = `http://127.0.0.1:${port}`;
      const server = await startInProject(['server.mjs'], site, { PORT: String(port) });
      try {
        await wallet.setup({ buy: 100 });
        const page = await context.newPage();
        await page.goto(`${site}/`);
        const approval = nextApproval(context);
        await page.locator('netcash-paywall .netcash-pay').click();
        await approve(await approval);
        await expectUnlocked(page, 'Coins are exchanged at a currency server');

        expect((await merchantCli('held', '--config', 'paywall.json')).trim()).toBe('held: 5');
        const before = await balanceOf(federation, account.account);
        expect(await merchantCli('cashout', '--config', 'paywall.json')).toContain(
          'cash-out: 0.05 NCD deposited',
        );
        expect((await balanceOf(federation, account.account)) - before).toBe(5);
        const report = await merchantCli('report', '--config', 'paywall.json');
        expect(report).toContain('/article/full');
        expect(report).toContain('deposited 5; refused checks 0; written off 0; unaccounted 0');
      } finally {
        await stop(server);
      }
    });

    test('the proxy: a static site behind netcash-paywall, paid page read in the browser', async ({
      context,
      wallet,
      federation,
    }) => {
      const upstream: Server = createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        if (path === '/') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><h1>My static site</h1><a href="/articles/one.html">One</a>');
        } else if (path === '/articles/one.html') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<!doctype html><title>One</title><h1 id="headline">Article one, in full</h1>');
        } else {
          res.writeHead(404).end();
        }
      });
      await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
      const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      const account = await writeConfig(federation, 'proxy.json', [
        { path: '/articles/*', price: 3, description: 'An article' },
      ]);
      const port = await freePort();
      const site = `http://127.0.0.1:${port}`;
      const bin = join(project, 'node_modules', '.bin', 'netcash-paywall');
      const proxy = await startInProject(
        [bin, '--upstream', upstreamUrl, '--config', 'proxy.json', '--port', String(port)],
        site,
      );
      try {
        await wallet.setup({ buy: 100 });
        const page = await context.newPage();
        await page.goto(`${site}/`);
        await expect(page.locator('h1')).toHaveText('My static site');
        // A click on the link lands on the paywall page; once paid, the upstream's page replaces it.
        await page.click('a');
        const approval = nextApproval(context);
        await page.locator('netcash-paywall .netcash-pay').click();
        await approve(await approval);
        await expect(page.locator('#headline')).toHaveText('Article one, in full', {
          timeout: 15_000,
        });

        const before = await balanceOf(federation, account.account);
        expect(await merchantCli('cashout', '--config', 'proxy.json')).toContain(
          'cash-out: 0.03 NCD deposited',
        );
        expect((await balanceOf(federation, account.account)) - before).toBe(3);
      } finally {
        await stop(proxy);
        upstream.closeAllConnections();
        await new Promise((done) => upstream.close(done));
      }
    });
  });
