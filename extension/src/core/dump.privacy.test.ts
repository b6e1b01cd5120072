/**
 * What a copy of every server's disk reveals (docs/PRIVACY.md, "Storage"): a shopper buys coins
 * at cs1 with a check from her bank account, pays a publisher who banks at cs2 (cs2 converts the
 * coins at cs1, which writes cs2 a check), and the publisher cashes out to its bank account. Then
 * the SQLite files of the insurer, the bank, cs1, cs2 and the publisher are copied — tables, WAL
 * and freed space — and searched together for a chain of join keys from her bank account to the
 * coins she spent (server-mock testing/forensics: the whole file format is read, not only what
 * SQLite shows).
 *
 *   blind-rsa coins   no chain: the currency server never saw the coins' serials before they
 *                     were spent, and stores nothing that ties her check to a withdrawal;
 *   nc1 coins         the same search finds the chain while the WAL still holds the buy (the
 *                     check's digest written with the coins minted for it) — the search can fail,
 *                     and this is why nc1 is the traceable scheme;
 *   nc1, scrubbed     once the stores scrubbed their WAL (every `scrubMs`), no file holds the
 *                     spent serials or the chain any more.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertRequestId } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import {
  dumpServer,
  type Evidence,
  findLinks,
  type Link,
  residue,
  type ServerDump,
  startFederation,
  tokensOf,
  withDerived,
} from '@netcash/server';
import { afterEach, describe, expect, it } from 'vitest';
import { readyWallet, startShop } from './testing/harness.ts';

interface Scenario {
  readonly dumps: readonly ServerDump[];
  readonly files: readonly string[];
  readonly buyer: ReadonlySet<string>;
  readonly spent: ReadonlySet<string>;
  readonly serials: readonly string[];
  /** Waits until every store has scrubbed its WAL (empty or gone). */
  readonly scrubbed: () => Promise<void>;
  readonly dump: () => ServerDump[];
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** buy → pay → convert → cash-out, then a way to copy every server's files. */
async function scenario(options: { blindRsa: boolean; scrubMs?: number }): Promise<Scenario> {
  const fed = await startFederation({
    blindRsa: options.blindRsa,
    ...(options.scrubMs === undefined ? {} : { scrubMs: options.scrubMs }),
  });
  stops.push(() => fed.stop());
  const shopDir = mkdtempSync(join(tmpdir(), 'netcash-publisher-'));
  stops.push(async () => rmSync(shopDir, { recursive: true, force: true }));
  const shopFile = join(shopDir, 'publisher.sqlite');
  const shop = await startShop(fed, fed.cs[1]!.url, undefined, {
    store: {
      engine: 'sqlite',
      path: shopFile,
      ...(options.scrubMs === undefined ? {} : { scrubMs: options.scrubMs }),
    },
  });
  stops.push(() => shop.close());

  const t = await readyWallet(fed);
  stops.push(async () => t.wallet.close());
  const account = await t.wallet.primaryAccount();
  expect((await t.wallet.buy(150, 'cs1')).status).toBe('done');
  const paid = await t.wallet.pay(await shop.offer('cheap'), shop.url, { approved: true });
  expect(paid.receipt.body.amount).toBe(7);
  const cashout = await shop.paywall.cashout();
  expect(cashout.deposited).toBe(7);

  const coins = (await t.wallet.core.db.getAll('ops')).flatMap((op) =>
    op.kind === 'pay' ? op.payment.coins : [],
  );
  expect(coins.map((c) => c.body.scheme)).toEqual(
    coins.map(() => (options.blindRsa ? 'blind-rsa' : 'nc1')),
  );
  const files = {
    insurer: join(fed.dataDir, 'insurer', 'insurer.db'),
    bank: join(fed.dataDir, 'bank', 'bank.db'),
    cs1: join(fed.dataDir, 'cs1', 'cs.db'),
    cs2: join(fed.dataDir, 'cs2', 'cs.db'),
    publisher: shopFile,
  };
  const walSize = (path: string) => {
    try {
      return statSync(`${path}-wal`).size;
    } catch {
      return 0;
    }
  };
  return {
    dumps: [],
    files: Object.values(files),
    buyer: new Set([account.account, account.signKey]),
    spent: new Set(coins.flatMap((c) => [c.body.serial, c.sig])),
    serials: coins.map((c) => c.body.serial),
    scrubbed: () =>
      expect
        .poll(() => Object.values(files).map(walSize), { timeout: 5_000, interval: 50 })
        .toEqual(Object.values(files).map(() => 0)),
    dump: () => Object.entries(files).map(([name, path]) => dumpServer(name, path)),
  };
}

const CS_NAMES = ['cs1', 'cs2'];
/** The protocol's public derivations: a check number names its request; convert ids (§4.5). */
const derive = (token: string): string[] => [
  ...(token.startsWith('ck-') ? [token.slice(3)] : []),
  ...CS_NAMES.map((cs) => convertRequestId(nodeProvider, token, cs)),
];

/**
 * Every server's evidence (with residue), and the values that name public parties: the
 * insurer's lists, every bank account but the shopper's, the publisher's own keys.
 */
function search(s: Scenario, dumps: readonly ServerDump[]): Link[] {
  const evidence: Evidence[] = dumps.flatMap((d) =>
    d.evidence.map((e) => ({ where: e.where, tokens: withDerived(e.tokens, derive) })),
  );
  const known = new Set([...s.spent, ...evidence.flatMap((e) => [...e.tokens])]);
  evidence.push(...dumps.flatMap((d) => residue(d, known)));
  const byName = new Map(dumps.map((d) => [d.name, d]));
  const publicTokens = new Set<string>();
  for (const rows of byName.get('insurer')!.tables.values()) {
    for (const row of rows) tokensOf(row, publicTokens);
  }
  for (const row of byName.get('bank')!.tables.get('accounts') ?? []) {
    if (!s.buyer.has(String(row['account']))) tokensOf(row, publicTokens);
  }
  for (const row of byName.get('publisher')!.tables.get('meta') ?? []) tokensOf(row, publicTokens);
  for (const t of s.buyer) publicTokens.delete(t);
  // What anyone derives from a public value is public too.
  for (const t of [...publicTokens]) for (const d of derive(t)) publicTokens.add(d);
  return findLinks(evidence, s.buyer, s.spent, (t) => publicTokens.has(t));
}

const describeChain = (links: readonly Link[]) =>
  links.map((l) => l.chain.map((c) => `${c.where} [${c.via.slice(0, 12)}…]`).join(' → '));

describe('a copy of every server’s database after buy → pay → convert → cash-out', () => {
  it('holds no join key between the buyer and the blind-rsa coins she spent', async () => {
    const s = await scenario({ blindRsa: true });
    const dumps = s.dump();
    // The search had everything to work with: each server's tables and the WAL of the flow,
    // the shopper's account at the bank and the spent coins at cs1 and the publisher.
    for (const d of dumps) {
      expect(d.tables.size, d.name).toBeGreaterThan(0);
      expect(d.view.transactions.length, d.name).toBeGreaterThan(0);
    }
    const holding = (tokens: ReadonlySet<string>) =>
      dumps
        .filter((d) => d.evidence.some((e) => [...tokens].some((t) => e.tokens.has(t))))
        .map((d) => d.name);
    expect(holding(s.buyer)).toEqual(['bank']);
    expect(holding(s.spent)).toEqual(['cs1', 'publisher']);

    const links = search(s, dumps);
    expect(describeChain(links)).toEqual([]);
  });

  it('holds the chain for nc1 coins while the WAL keeps the buy: the search finds it', async () => {
    const s = await scenario({ blindRsa: false });
    const links = search(s, s.dump());
    expect(links.length).toBeGreaterThan(0);
    const chain = links[0]!.chain.map((c) => c.where);
    expect(chain[0]).toMatch(/^bank: /);
    expect(chain.some((w) => /^cs1: WAL transaction/.test(w))).toBe(true);
  });

  it('holds neither the chain nor the spent nc1 serials once the stores scrubbed their WAL', async () => {
    const s = await scenario({ blindRsa: false, scrubMs: 100 });
    await s.scrubbed();
    expect(describeChain(search(s, s.dump()))).toEqual([]);
    for (const file of s.files) {
      const bytes = readFileSync(file);
      expect(
        s.serials.filter((serial) => bytes.includes(serial)),
        file,
      ).toEqual([]);
    }
  });
});
