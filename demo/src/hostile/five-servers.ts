/**
 * The five servers a user runs with `npm start` (`netcash-demo`) — insurer, bank, cs1, cs2 and the
 * demo publisher — as one real child process on fresh ports, and what a hostile-input
 * test needs of them: their URLs and admin tokens, the keys requests are sealed to, a snapshot of
 * every table of their SQLite files (to prove nothing changed), and whether each still answers.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CsInfo, decode, getJson, PATHS, PaymentRequired, unwrap } from '@netcash/protocol';
import { freePortBlock, type NetcashChild, spawnCli } from '@netcash/server';
import Database from 'better-sqlite3';
import type { Targets } from './targets.ts';

export interface FiveServers {
  readonly targets: Targets;
  readonly dataDir: string;
  /** A digest of every row of every table of each server's database, by server. */
  snapshot(): Record<string, Record<string, string>>;
  /** The status each server's health page answers (the publisher's home page). */
  health(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const DATABASES = {
  insurer: 'insurer/insurer.db',
  bank: 'bank/bank.db',
  cs1: 'cs1/cs.db',
  cs2: 'cs2/cs.db',
  publisher: 'publisher/publisher.sqlite',
} as const;

function tableDigests(path: string): Record<string, string> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string }[];
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      // In a canonical order: random-keyed tables are WITHOUT ROWID (docs/PRIVACY.md "Storage").
      const rows = db
        .prepare(`SELECT * FROM "${name}"`)
        .all()
        .map((row) => JSON.stringify(row))
        .sort();
      out[name] =
        `${rows.length} rows, ${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`;
    }
    return out;
  } finally {
    db.close();
  }
}

const DEMO_BIN = fileURLToPath(new URL('../../bin/netcash-demo.mjs', import.meta.url));

/** `netcash-demo` with the given extra flags (no blind-rsa keys: they take seconds to make). */
export async function startFiveServers(flags: readonly string[] = []): Promise<FiveServers> {
  const dataDir = mkdtempSync(join(tmpdir(), 'netcash-hostile-'));
  let child: NetcashChild | undefined;
  try {
    const base = await freePortBlock(5);
    child = await spawnCli(
      DEMO_BIN,
      ['--data', dataDir, '--port', String(base), '--no-blind-rsa', ...flags],
      { ready: /publisher\s+(http:\/\/\S+)/, timeoutMs: 60_000 },
    );
    const out = child.output();
    const url = (name: string) => new RegExp(`^\\s+${name}\\s+(http://\\S+)$`, 'm').exec(out)![1]!;
    const token = (server: string, file: 'admin-token' | 'audit-token') =>
      readFileSync(join(dataDir, server, file), 'utf8').trim();
    const cs: Targets['cs'][number][] = [];
    for (const name of ['cs1', 'cs2']) {
      const info = unwrap(await getJson(url(name) + PATHS.cs.info, CsInfo));
      const cert = info.certificates[0]!.body;
      cs.push({
        url: url(name),
        auditToken: token(name, 'audit-token'),
        certId: cert.certId,
        encKey: cert.encKey,
        name: info.csName,
        bank: info.bank,
        account: info.account,
      });
    }
    // An article's paid part answers a reader without proof with a 402 and the offer, which names
    // the payee's key and pay URL.
    const publisherUrl = url('publisher');
    const home = await (await fetch(`${publisherUrl}/`)).text();
    const slug = /\/articles\/([a-z0-9-]+)/.exec(home)![1]!;
    const paidPath = `/articles/${slug}/full`;
    const offered = await fetch(publisherUrl + paidPath);
    const offer = unwrap(decode(PaymentRequired, await offered.json())).offer.body;
    const targets: Targets = {
      insurer: { url: url('insurer'), adminToken: token('insurer', 'admin-token') },
      bank: { url: url('bank'), auditToken: token('bank', 'audit-token') },
      cs,
      publisher: {
        url: publisherUrl,
        payPath: new URL(offer.payUrl).pathname,
        paidPaths: [paidPath],
        encKey: offer.payeeEncKey,
        sid: offer.sid,
      },
    };
    const running = child;
    return {
      targets,
      dataDir,
      snapshot: () =>
        Object.fromEntries(
          Object.entries(DATABASES).map(([server, file]) => [
            server,
            tableDigests(join(dataDir, file)),
          ]),
        ),
      async health() {
        const status = async (u: string) => (await fetch(u)).status;
        return {
          insurer: await status(targets.insurer.url + PATHS.health),
          bank: await status(targets.bank.url + PATHS.health),
          cs1: await status(cs[0]!.url + PATHS.health),
          cs2: await status(cs[1]!.url + PATHS.health),
          publisher: await status(`${publisherUrl}/`),
        };
      },
      async stop() {
        await running.kill('SIGTERM');
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
