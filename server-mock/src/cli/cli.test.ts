/**
 * The `netcash` command as a user runs it (bin/netcash.mjs through tsx, real processes):
 * `--help` everywhere (and no other party's token taken by `netcash cs`), `up` printing its URLs
 * and surviving a restart with its state, the servers run one by one with the insurer's operator
 * registering the CS (docs/OPERATIONS.md), and `audit` exiting non-zero on a difference.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankInfo, getJson, PATHS, unwrap } from '@netcash/protocol';
import { openSqlite } from '@netcash/server-kit';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerCommand as printedRegister } from '../cs/enrollment.ts';
import {
  freePortBlock,
  type NetcashChild,
  runNetcash,
  START_MS,
  spawnNetcash,
} from '../testing/child.ts';
import { TestClient } from '../testing/client.ts';
import { parse } from './args.ts';
import { registerCommand } from './operator.ts';
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
  it('the register command a CS prints parses whatever its enrollment key begins with', () => {
    for (const key of ['-Xk3', '--dash', 'plain']) {
      const line = printedRegister({
        csName: 'cs1',
        enrollmentKey: key,
        bank: 'bank',
        account: 'acct-1',
        currency: 'NCD',
      }).replace('MINT_LIMIT', '5000');
      const args = parse(line.split(' ').slice(3), registerCommand.flags);
      expect([args.get('enrollment-key'), args.get('name'), args.int('mint-limit')]).toEqual([
        key,
        'cs1',
        5000,
      ]);
    }
  });

  it('prints help for every command and refuses unknown ones', async () => {
    const top = await runNetcash(['--help']); // once through bin/netcash.mjs and tsx
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Usage: netcash <command>');
    for (const command of [
      'up',
      'insurer',
      'bank',
      'cs',
      'audit',
      'migrate',
      'insurer register',
      'insurer registrations',
      'insurer revoke',
      'cs rotate',
    ]) {
      const help = await cli([...command.split(' '), '--help']);
      expect([command, help.code]).toEqual([command, 0]);
      expect(help.stdout).toContain(`Usage: netcash ${command}`);
      expect(help.stdout).toContain('--data');
    }
    expect((await cli(['mint-money'])).code).toBe(2);
    // A currency server takes no other party's credential, nor chooses its own mint limit.
    const cs = (await cli(['cs', '--help'])).stdout;
    for (const flag of ['--insurer-token', '--bank-token', '--admin-token', '--mint-limit']) {
      expect([flag, cs.includes(flag)]).toEqual([flag, false]);
    }
    expect(cs).not.toMatch(/admin/i);
    const badFlag = await cli(['up', '--colour', 'blue']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('Usage: netcash up');
    const upHelp = (await cli(['up', '--help'])).stdout;
    for (const flag of [
      '--coin-lifetime',
      '--redemption-window',
      '--prune-grace',
      '--maintenance-interval',
    ]) {
      expect(upHelp).toContain(flag);
    }
    expect((await cli(['up', '--coin-lifetime', 'soon'])).code).toBe(2);
  });

  it('migrates the stores of `up` as a step of its own, once', async () => {
    const data = tempDir();
    const first = await cli(['migrate', '--data', data]);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' at ')[0])).toEqual(['insurer', 'bank', 'cs', 'cs']);
    for (const line of lines) expect(line).toMatch(/schema version 0 → [1-9]/);
    const again = await cli(['migrate', '--server', 'cs', '--name', 'cs2', '--data', data]);
    expect(again.stdout).toMatch(/cs2\/cs\.db: schema version \d+, up to date/);
    expect((await cli(['migrate', '--server', 'wallet'])).code).toBe(2);
    expect((await cli(['migrate', '--postgres', 'postgres://x/y'])).code).toBe(2);
  });

  // Two starts of four servers, each CS making its RSA denomination keys.
  it('runs `up`, keeps its state across a restart, and audits the books', {
    timeout: 2 * START_MS + 30_000,
  }, async () => {
    const data = tempDir();
    const base = await freePortBlock(4);
    const up = () =>
      spawnNetcash(['up', '--data', data, '--port', String(base)], {
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
    // The bank's statement key, printed for an operator to compare with the one a wallet pinned
    // (#17): the key the bank serves and signs statements with.
    const bankKey = /^\s+bank key\s+(\S+)$/m.exec(out)?.[1];
    const served = unwrap(await getJson(bank + PATHS.bank.info, BankInfo));
    expect(bankKey).toBe(served.signKey);
    expect(out).not.toContain('publisher'); // the demo publisher is `npm start`'s (@netcash/demo)
    const cs1 = `http://127.0.0.1:${base + 2}`;
    const insurer = `http://127.0.0.1:${base}`;
    // The audit command the printout gives works as printed, on ports other than the defaults.
    const printed = /^\s+audit\s+netcash (.+)$/m.exec(out)?.[1]?.split(' ') ?? [];
    expect(printed).toEqual(['audit', '--data', data, '--insurer', insurer, '--bank', bank]);
    const audit = () => runNetcash(printed);

    const alice = await TestClient.open(bank);
    const coins = await alice.buy(cs1, [500, 100]);
    const ok = await audit();
    expect(ok.stdout).toContain('cs1: outstanding 2 coins worth 600 (mint limit 100000000 set by');
    expect(ok.stdout).toContain('cs2: outstanding 0 coins');
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringContaining('the books balance')]);

    await fed.kill('SIGTERM');
    fed = await up();
    children.push(fed);
    expect(/insurer key (\S+)/.exec(fed.output())?.[1]).toBe(key);
    expect(/^\s+bank key\s+(\S+)$/m.exec(fed.output())?.[1]).toBe(bankKey);
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

  // Four processes started one after another.
  it('runs insurer, bank and a CS as separate processes; the CS starts once the operator registered it', {
    timeout: 4 * START_MS,
  }, async () => {
    const data = tempDir();
    const base = await freePortBlock(3);
    const insurer = await spawnNetcash([
      'insurer',
      '--data',
      data,
      '--port',
      String(base),
      '--redemption-window',
      '30d',
    ]);
    children.push(insurer);
    const bank = await spawnNetcash(['bank', '--data', data, '--port', String(base + 1), '--demo']);
    children.push(bank);
    const csArgs = [
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
      '--coin-lifetime',
      '2h',
      '--prune-grace',
      '1d',
      '--maintenance-interval',
      '0',
    ];
    // Not registered yet: it stops, saying what the insurer's operator must run.
    const refused = await runNetcash(csArgs);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('cs1 is not enrolled at the insurer');
    const line = /netcash insurer register (.+)/.exec(refused.stderr)?.[1];
    expect(line).toContain('--enrollment-key');
    const application = await cli([...csArgs, '--application']);
    expect(application.stdout).toContain(line!);
    // The operator, on the insurer's side (its admin token from DATA/insurer), registers it.
    const registerArgs = line!
      .replace('MINT_LIMIT', '5000')
      .split(' ')
      .concat(['--data', data, '--insurer', insurer.url]);
    const registered = await cli(['insurer', 'register', ...registerArgs]);
    expect([registered.code, registered.stdout]).toEqual([
      0,
      expect.stringContaining('registered cs1'),
    ]);
    const cs = await spawnNetcash(csArgs);
    children.push(cs);
    const alice = await TestClient.open(bank.url);
    const [coin] = await alice.buy(cs.url, [50]);
    expect(coin!.body.cs).toBe('cs1');
    // Time as the operators set it: 2-hour coins, the insurer's 30-day redemption window.
    const first = (await alice.info(cs.url)).certificates[0]!.body;
    expect(first.redeemFor).toBe(30 * 86_400);
    expect(Math.abs(coin!.body.expires - first.issued - 7_200)).toBeLessThanOrEqual(5);
    // The insurer's operator revokes the first certificate; the CS operator rotates at once
    // (`cs rotate` reads the revocation list before certifying new keys).
    const revoked = await cli([
      'insurer',
      'revoke',
      '--data',
      data,
      '--insurer',
      insurer.url,
      '--cert',
      first.certId,
      '--reason',
      'key compromised',
    ]);
    expect(revoked.code).toBe(0);
    const rotated = await cli(['cs', 'rotate', '--data', data, '--url', cs.url]);
    expect([rotated.code, rotated.stdout]).toEqual([
      0,
      expect.stringContaining(`was ${first.certId}`),
    ]);
    // The holder's coin comes back under the new certificate: a recoup (PROTOCOL §4.7;
    // recoup.test.ts has its rules), which the audit books.
    const [back] = await alice.exchange(cs.url, [coin!], [50]);
    expect(back!.body.certId).not.toBe(first.certId);
    const audit = await cli([
      'audit',
      '--data',
      data,
      '--insurer',
      insurer.url,
      '--bank',
      bank.url,
    ]);
    expect(audit.stdout).toContain('cs1: outstanding 1 coins worth 50 (mint limit 5000 set by');
    expect(audit.stdout).toContain(
      'over time: 0 expired unredeemed, 0 redeemed late, 50 recouped, 0 still owed under revoked keys (0 coins)',
    );
    expect(audit.stdout).toContain('backing: balance 50 = 50 outstanding + 0 uncleared checks');
    expect(audit.code).toBe(0);
    // Withdrawing the CS (PROTOCOL §4.7): the same registration with an end date.
    const ending = await cli(['insurer', 'register', ...registerArgs, '--ends', '2099-06-30']);
    expect([ending.code, ending.stdout]).toEqual([
      0,
      expect.stringContaining('insurance ends 2099-06-30T00:00:00.000Z'),
    ]);
    // The CS's folder holds its own secrets only: no other party's token.
    const secrets = ['insurer/admin-token', 'bank/audit-token'].map((f) =>
      readFileSync(join(data, f), 'utf8').trim(),
    );
    for (const file of readdirSync(join(data, 'cs1'))) {
      if (file.endsWith('.db')) continue;
      const text = readFileSync(join(data, 'cs1', file), 'utf8');
      for (const secret of secrets) expect([file, text.includes(secret)]).toEqual([file, false]);
    }
    for (const c of [cs, bank, insurer]) await c.kill('SIGTERM');
  });
});
