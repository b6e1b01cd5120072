/**
 * The fault suite's world (TESTING.md "What people do during faults"): a federation whose every
 * party is a real process that can be frozen (SIGSTOP/SIGCONT) or killed (SIGKILL) and restarted
 * on the same data and port — insurer, bank, cs1, cs2 (the `netcash` CLI) and the demo
 * publisher (merchant-kit) banking at cs2 — each reached only through its own fault proxy, which
 * can drop a reply after the party acted. Currency servers are certified at their proxy's
 * address and the publisher's offers name its proxy, so the wallet, the merchant and the servers
 * all talk through the proxies.
 *
 *   const world = await startWorld();
 *   world.party('cs1').freeze();  …  world.party('cs1').thaw();
 *   await world.party('publisher').kill();  …  await world.party('publisher').restart();
 *   world.party('cs1').proxy.next('drop-response');
 *   await world.audit()   // `netcash audit` on the federation: its exit code and output
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BankBooks, endpoint, getJson, PATHS } from '@netcash/protocol';
import {
  type FaultProxy,
  type NetcashChild,
  runNetcash,
  spawnNetcash,
  spawnReady,
  startFaultProxy,
} from '@netcash/server';

export type PartyName = 'insurer' | 'bank' | 'cs1' | 'cs2' | 'publisher';
export const PARTIES: readonly PartyName[] = ['insurer', 'bank', 'cs1', 'cs2', 'publisher'];

export interface Party {
  readonly name: PartyName;
  /** What everyone else uses: the proxy in front of the process. */
  readonly url: string;
  /** The process itself (for the audit, which must not go through injected faults). */
  readonly direct: string;
  readonly proxy: FaultProxy;
  /** SIGSTOP: the process stalls, connections queue in the kernel. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** Start again on the same data folder and port. */
  restart(): Promise<void>;
  readonly running: boolean;
}

export interface World {
  readonly dataDir: string;
  readonly insurerKey: string;
  party(name: PartyName): Party;
  /** Thaws every frozen party, restarts every killed one, clears the proxies' faults. */
  heal(): Promise<void>;
  /** `netcash audit` over the federation: exit code and what it printed. */
  audit(): Promise<{ code: number; output: string }>;
  /** An account's balance at the bank (from the bank's books, audit token from the data folder). */
  balance(account: string): Promise<number>;
  /** The balance of the one account held by `holder`, or undefined when there is none yet. */
  holderBalance(holder: string): Promise<number | undefined>;
  /** The publisher's store (for merchant-kit's cash-out CLI). */
  readonly publisherStore: string;
  stop(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const PUBLISHER_MAIN = join(here, 'publisher-main.ts');
const ROOT = resolve(here, '..', '..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export async function startWorld(): Promise<World> {
  const dataDir = mkdtempSync(join(tmpdir(), 'netcash-faults-'));
  const proxies = new Map<PartyName, FaultProxy>();
  const ports = new Map<PartyName, number>();
  for (const name of PARTIES) {
    proxies.set(name, await startFaultProxy());
    ports.set(name, await freePort());
  }
  const via = (name: PartyName) => proxies.get(name)!.url;
  const direct = (name: PartyName) => `http://127.0.0.1:${ports.get(name)}`;
  let insurerKey = '';

  const commands: Record<PartyName, () => Promise<NetcashChild>> = {
    insurer: () =>
      spawnNetcash(['insurer', '--data', dataDir, '--port', String(ports.get('insurer'))], {
        // Ready once it printed its key too.
        ready: /listening on (http:\/\/\S+)\s+insurer key \S+/,
      }),
    bank: () =>
      // Every scenario's shopper opens a demo account from 127.0.0.1: no limit on openings.
      spawnNetcash([
        'bank',
        '--data',
        dataDir,
        '--port',
        String(ports.get('bank')),
        '--demo',
        '--demo-openings',
        '0',
      ]),
    cs1: () => cs('cs1'),
    cs2: () => cs('cs2'),
    publisher: () =>
      spawnReady(
        process.execPath,
        [
          '--import',
          'tsx',
          PUBLISHER_MAIN,
          JSON.stringify({
            cs: via('cs2'),
            insurerKey,
            insurer: via('insurer'),
            bank: via('bank'),
            dataDir: join(dataDir, 'publisher'),
            port: ports.get('publisher'),
            publicUrl: via('publisher'),
          }),
        ],
        { cwd: ROOT },
      ),
  };
  function csArgs(name: 'cs1' | 'cs2'): string[] {
    return [
      'cs',
      '--name',
      name,
      '--data',
      dataDir,
      '--port',
      String(ports.get(name)),
      '--public-url',
      via(name),
      '--insurer',
      via('insurer'),
      '--bank',
      via('bank'),
      // `=`: a base64url key may start with '-'.
      `--insurer-key=${insurerKey}`,
    ];
  }
  function cs(name: 'cs1' | 'cs2') {
    return spawnNetcash(csArgs(name));
  }
  /** The insurer's operator registers a new CS with what `netcash cs --application` prints. */
  async function register(name: 'cs1' | 'cs2'): Promise<void> {
    const application = await runNetcash([...csArgs(name), '--application']);
    const line = /netcash insurer register (.+)/.exec(application.stdout)?.[1];
    if (line === undefined) throw new Error(`no application from ${name}: ${application.stderr}`);
    // As `--flag=value`: a base64url key may start with '-'.
    const words = line.replace('MINT_LIMIT', '100000000').split(' ');
    const args: string[] = [];
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      args.push(word.includes('=') ? word : `${word}=${words[++i]}`);
    }
    const registered = await runNetcash([
      'insurer',
      'register',
      ...args,
      '--data',
      dataDir,
      '--insurer',
      direct('insurer'),
    ]);
    if (registered.code !== 0) throw new Error(`register ${name}: ${registered.stderr}`);
  }

  const children = new Map<PartyName, NetcashChild | null>();
  const frozen = new Set<PartyName>();
  const parties = new Map<PartyName, Party>();
  for (const name of PARTIES) {
    proxies.get(name)!.setTarget(direct(name));
    parties.set(name, {
      name,
      url: via(name),
      direct: direct(name),
      proxy: proxies.get(name)!,
      freeze() {
        children.get(name)?.process.kill('SIGSTOP');
        frozen.add(name);
      },
      thaw() {
        children.get(name)?.process.kill('SIGCONT');
        frozen.delete(name);
      },
      async kill() {
        const child = children.get(name);
        children.set(name, null);
        frozen.delete(name);
        await child?.kill('SIGKILL');
      },
      async restart() {
        children.set(name, await commands[name]());
      },
      get running() {
        return children.get(name) !== null && !frozen.has(name);
      },
    });
  }
  const stopAll = async () => {
    for (const name of [...PARTIES].reverse()) {
      const child = children.get(name);
      child?.process.kill('SIGCONT');
      await child?.kill('SIGTERM');
      await proxies.get(name)!.close();
    }
  };
  try {
    // The insurer first (its key), the bank, both currency servers at once, the publisher.
    const insurer = await commands.insurer();
    children.set('insurer', insurer);
    insurerKey = /insurer key (\S+)/.exec(insurer.output())![1]!;
    children.set('bank', await commands.bank());
    await Promise.all([register('cs1'), register('cs2')]);
    const [cs1, cs2] = await Promise.all([commands.cs1(), commands.cs2()]);
    children.set('cs1', cs1);
    children.set('cs2', cs2);
    children.set('publisher', await commands.publisher());
  } catch (error) {
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const auditToken = (name: string) =>
    readFileSync(join(dataDir, name, 'audit-token'), 'utf8').trim();
  const bankAccounts = async () => {
    const books = await getJson(endpoint(direct('bank'), PATHS.bank.adminAudit), BankBooks, {
      headers: { authorization: `Bearer ${auditToken('bank')}` },
    });
    if (!books.ok) throw books.error;
    return books.value.accounts;
  };

  return {
    dataDir,
    insurerKey,
    publisherStore: join(dataDir, 'publisher', 'publisher.sqlite'),
    party: (name) => parties.get(name)!,
    async heal() {
      for (const name of PARTIES) {
        parties.get(name)!.proxy.rule(null);
        if (frozen.has(name)) parties.get(name)!.thaw();
      }
      // Killed ones start again on their own data and port, in the order they depend on each
      // other (a currency server reads the bank's info at start): the two CSs together.
      for (const stage of [['insurer'], ['bank'], ['cs1', 'cs2'], ['publisher']] as const) {
        const dead = stage.filter((name) => children.get(name) === null);
        await Promise.all(dead.map((name) => parties.get(name)!.restart()));
      }
    },
    async audit() {
      // The auditor finds the currency servers through the insurer (at their certified, proxied
      // addresses: no fault is set while it reads).
      const result = await runNetcash([
        'audit',
        '--data',
        dataDir,
        '--insurer',
        direct('insurer'),
        `--insurer-key=${insurerKey}`,
        '--bank',
        direct('bank'),
      ]);
      return { code: result.code, output: (result.stdout + result.stderr).trim() };
    },
    async balance(account) {
      const row = (await bankAccounts()).find((a) => a.account === account);
      if (row === undefined) throw new Error(`no account ${account} at the bank`);
      return row.balance;
    },
    async holderBalance(holder) {
      const rows = (await bankAccounts()).filter((a) => a.holder === holder);
      if (rows.length > 1) throw new Error(`${rows.length} accounts held by ${holder}`);
      return rows[0]?.balance;
    },
    async stop() {
      await stopAll();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
