/**
 * The `netcash` command as a user runs it (bin/netcash.mjs through tsx, real processes):
 * `--help` everywhere, `up` printing its URLs and surviving a restart with its state, the
 * servers run one by one from the same data folder, and `audit` exiting non-zero on a difference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '@netcash/server-kit';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type NetcashChild, runNetcash, spawnNetcash } from '../testing/child.ts';
import { TestClient } from '../testing/client.ts';
import { runCli } from './run.ts';

/** Runs the CLI in this process (quicker than a child), capturing what it prints. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    stdout += `${parts.join(' ')}\n`;
  });
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    log.mockRestore();
  }
}

/** A base port with the next four free too. */
async function freeBlock(size: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    let ok = true;
    for (let i = 0; i < size && ok; i++) ok = await free(base + i);
    if (ok) return base;
  }
}

const dirs: string[] = [];
const children: NetcashChild[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netcash-cli-'));
  dirs.push(dir);
  return dir;
}

describe('netcash CLI', () => {
  it('prints help for every command and refuses unknown ones', async () => {
    const top = await runNetcash(['--help']); // once through bin/netcash.mjs and tsx
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: netcash <command>');
    for (const command of ['up', 'insurer', 'bank', 'cs', 'audit']) {
      const help = await cli([command, '--help']);
      expect([command, help.code]).toEqual([command, 0]);
      expect(help.stdout).toContain(`Usage: netcash ${command}`);
      expect(help.stdout).toContain('--data');
    }
    expect((await cli(['mint-money'])).code).toBe(2);
    const badFlag = await cli(['up', '--colour', 'blue']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('Usage: netcash up');
  });

  it('runs `up`, keeps its state across a restart, and audits the books', async () => {
    const data = tempDir();
    const base = await freeBlock(4);
    const up = () =>
      spawnNetcash(['up', '--data', data, '--port', String(base), '--no-publisher'], {
        ready: /cs2\s+(http:\/\/\S+)/,
      });
    let fed = await up();
    children.push(fed);
    const out = fed.output();
    expect(out).toContain(`insurer     http://127.0.0.1:${base}`);
    expect(out).toContain(`bank        http://127.0.0.1:${base + 1}`);
    expect(out).toContain(`cs1         http://127.0.0.1:${base + 2}`);
    const key = /insurer key (\S+)/.exec(out)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bank = `http://127.0.0.1:${base + 1}`;
    const cs1 = `http://127.0.0.1:${base + 2}`;
    const cs2 = `http://127.0.0.1:${base + 3}`;
    const audit = () =>
      runNetcash(['audit', '--data', data, '--bank', bank, '--cs', `${cs1},${cs2}`]);

    const alice = await TestClient.open(bank);
    const coins = await alice.buy(cs1, [500, 100]);
    const ok = await audit();
    expect(ok.stdout).toContain('cs1: outstanding 2 coins worth 600');
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('the books balance')]);

    await fed.kill('SIGTERM');
    fed = await up();
    children.push(fed);
    expect(/insurer key (\S+)/.exec(fed.output())?.[1]).toBe(key);
    expect(await alice.balance()).toBe(10_000 - 600);
    const fresh = await alice.exchange(cs1, coins, [200, 200, 200]);
    expect(fresh).toHaveLength(3);
    expect((await audit()).code).toBe(0);

    // Destroy value behind the CS's back: the audit must notice and exit non-zero.
    const db = openSqlite(join(data, 'cs1', 'cs.db'));
    await db.run('DELETE FROM outstanding WHERE serial = $1', [fresh[0]!.body.serial]);
    await db.close();
    const bad = await audit();
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('difference: cs1: minted 600');
    await fed.kill('SIGTERM');
  });

  it('runs insurer, bank and a CS as separate processes sharing one data folder', async () => {
    const data = tempDir();
    const base = await freeBlock(3);
    const insurer = await spawnNetcash(['insurer', '--data', data, '--port', String(base)]);
    children.push(insurer);
    const bank = await spawnNetcash(['bank', '--data', data, '--port', String(base + 1)]);
    children.push(bank);
    const cs = await spawnNetcash([
      'cs',
      '--data',
      data,
      '--name',
      'cs1',
      '--port',
      String(base + 2),
      '--insurer',
      insurer.url,
      '--bank',
      bank.url,
    ]);
    children.push(cs);
    const alice = await TestClient.open(bank.url);
    expect((await alice.buy(cs.url, [50])).map((c) => c.body.cs)).toEqual(['cs1']);
    const audit = await cli(['audit', '--data', data, '--bank', bank.url, '--cs', cs.url]);
    expect(audit.code).toBe(0);
    for (const c of [cs, bank, insurer]) await c.kill('SIGTERM');
  });
});
