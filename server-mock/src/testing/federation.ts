/**
 * The test harness of the reference federation: an insurer, a bank and currency servers (cs1,
 * cs2, …) in this process, on 127.0.0.1 with OS-chosen ports, with SQLite files in a temporary
 * folder (or databases on a PostgreSQL server). Other packages' integration tests start one
 * with `startFederation()`, talk to it over real HTTP, call `audit()` and `stop()`.
 * Each server holds its own credentials only (SPEC §11); the insurer's operator runs here, in
 * the harness, and registers each CS (`enroll`) when it first asks for a certificate. The bank
 * is in demo mode: customer accounts open with the demo starting balance.
 *
 *   const fed = await startFederation();
 *   fed.insurer.signKey   // the trust anchor
 *   fed.bank.url          // open a demo account: POST /v1/accounts
 *   fed.cs[0].url         // cs1: GET /v1/info, POST /v1/requests
 *   expect((await fed.audit()).ok).toBe(true);
 *   await fed.stop();
 *
 * The API is stable: add options, don't change the shape.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CryptoProvider, MerchantHoldings } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import {
  type Logger,
  type RateLimitOptions,
  type ServerTimeouts,
  silentLogger,
} from '@netcash/server-kit';
import { type AuditReport, auditFederation } from '../audit/audit.ts';
import { type RunningBank, startBank } from '../bank/server.ts';
import { type Clock, DEFAULTS, systemNow } from '../config.ts';
import type { BlindKeyPolicy } from '../cs/blind-keys.ts';
import { csApplication } from '../cs/bootstrap.ts';
import type { Application } from '../cs/enrollment.ts';
import { type RunningCs, startCurrencyServer } from '../cs/server.ts';
import type { StoreConfig } from '../db/store-config.ts';
import { type RunningInsurer, startInsurer } from '../insurer/server.ts';
import { fixtureKeyCount, fixtureKeygen } from './rsa-fixtures.ts';

export interface FederationOptions {
  /** Number of currency servers, named cs1, cs2, … (default 2). */
  readonly csCount?: number;
  /** Keep state here (and reuse it on a later start); default: a temp folder removed by stop(). */
  readonly dataDir?: string;
  /** `sqlite` (default) or `postgres` (needs `postgresUrl`). */
  readonly store?: 'sqlite' | 'postgres';
  /**
   * A PostgreSQL URL whose user may CREATE DATABASE (e.g. `startPostgres().url`): each server
   * gets its own fresh database on it.
   */
  readonly postgresUrl?: string;
  /**
   * SQLite: how often each server's store scrubs deleted rows from its WAL (server-kit
   * sqlite.ts; default 60 s). The privacy dump test shortens it.
   */
  readonly scrubMs?: number;
  /** Injectable clock (integer seconds) shared by every server. */
  readonly now?: Clock;
  /** Starting balance of demo bank accounts, in cents (default 10,000 = 100.00 NCD). */
  readonly demoBalance?: number;
  /** Demo openings per client address (default off: every test client is 127.0.0.1). */
  readonly demoOpenings?: { readonly burst?: number; readonly perSecond?: number };
  readonly coinLifetime?: number;
  readonly checkLifetime?: number;
  readonly certificateLifetime?: number;
  /** The mint limit the insurer registers for each CS (default 1,000,000.00 NCD). */
  readonly mintLimit?: number;
  readonly denominations?: readonly number[];
  readonly pruneGrace?: number;
  /** The insurer's redemption window (seconds after a coin's expiry; PROTOCOL §4.7). */
  readonly redemptionWindow?: number;
  readonly requestRetention?: number;
  /** Worker threads of each CS for its sealed requests (default 0: on its main thread). */
  readonly workers?: number;
  /** Seconds between revocation list refreshes at the CSs (default 0 in tests: always fresh). */
  readonly revocationRefresh?: number;
  readonly outboundTimeoutMs?: number;
  /**
   * Blind-rsa coins at every CS (SPEC §7): `true` for a key per coin value, or a policy. Keys come
   * from the fixture pool (rsa-fixtures.ts), a separate slice per CS, unless `keygen` is given.
   */
  readonly blindRsa?: boolean | Partial<BlindKeyPolicy>;
  /**
   * Per-client rate limit at every server (default: off — tests send everything from 127.0.0.1;
   * a flood test turns it on with small numbers).
   */
  readonly rateLimit?: RateLimitOptions | false;
  /** Connection deadlines at every server (default: server-kit's). */
  readonly timeouts?: ServerTimeouts;
  /** Crypto provider of every server (default node:crypto; tests wrap it to count operations). */
  readonly provider?: CryptoProvider;
  /** Logs (default: silent). */
  readonly log?: Logger;
}

export interface Federation {
  readonly insurer: { url: string; name: string; signKey: string; adminToken: string };
  readonly bank: { url: string; name: string; currency: string; auditToken: string };
  /** cs1, cs2, …: each with `name`, `url`, `auditToken` and test hooks (see RunningCs). */
  readonly cs: RunningCs[];
  readonly dataDir: string;
  /** The running servers, for tests that reach inside. */
  readonly servers: { insurer: RunningInsurer; bank: RunningBank };
  /** PostgreSQL URL of each server's database by name (`insurer`, `bank`, `cs1`…); empty on SQLite. */
  readonly databases: Readonly<Record<string, string>>;
  /**
   * The insurer's operator registers a currency server (`netcash insurer register`): in-process,
   * as `netcash up` does. `enroll(name)` prepares the CS folder `dataDir/name` (keys, bank
   * account) and registers it, for a CS started outside the harness (a child process).
   */
  enroll(application: Application | string, mintLimit?: number): Promise<Application>;
  /**
   * The federation audit of every CS the insurer certified (audit tokens from the data folder),
   * the bank, and what the given merchants hold.
   */
  audit(merchants?: readonly MerchantHoldings[]): Promise<AuditReport>;
  stop(): Promise<void>;
}

async function databaseFor(adminUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The audit token in a server's folder, if it has one. */
function auditTokenIn(dir: string): string | undefined {
  try {
    return readFileSync(join(dir, 'audit-token'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The insurer's operator, in-process, registers the CS whose folder is `dataDir` (its keys made
 * and its bank account opened if new), as `netcash up` does — for a CS started as a child
 * process (`netcash cs --data …`) next to an insurer and a bank of this process.
 */
export async function enrollCs(
  insurer: RunningInsurer,
  options: {
    readonly dataDir: string;
    readonly name: string;
    readonly bankUrl: string;
    readonly mintLimit?: number;
    readonly now?: Clock;
  },
): Promise<Application> {
  const { application } = await csApplication({
    p: nodeProvider,
    dataDir: options.dataDir,
    name: options.name,
    up: {
      insurerUrl: insurer.url,
      bankUrl: options.bankUrl,
      timeoutMs: DEFAULTS.outboundTimeoutMs,
    },
    now: options.now ?? systemNow,
  });
  await insurer.insurer.register({
    ...application,
    mintLimit: options.mintLimit ?? DEFAULTS.mintLimit,
  });
  return application;
}

export async function startFederation(options: FederationOptions = {}): Promise<Federation> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'netcash-fed-'));
  const log = options.log ?? silentLogger();
  const prefix = `netcash_${Math.random().toString(36).slice(2, 10)}`;
  const databases: Record<string, string> = {};
  /** Each server's database file, as the servers name it by default. */
  const sqliteFile = (server: string) =>
    join(dataDir, server, server === 'insurer' || server === 'bank' ? `${server}.db` : 'cs.db');
  // A fresh database per server, migrated by the server as it starts (as `--migrate` does).
  const storeFor = async (server: string): Promise<StoreConfig> => {
    if (options.store !== 'postgres') {
      return options.scrubMs === undefined
        ? {}
        : { store: { engine: 'sqlite', path: sqliteFile(server), scrubMs: options.scrubMs } };
    }
    if (options.postgresUrl === undefined) throw new Error('store postgres needs postgresUrl');
    const url = await databaseFor(options.postgresUrl, `${prefix}_${server}`);
    databases[server] = url;
    return { store: { engine: 'postgres', url }, migrate: true };
  };
  const serving = {
    rateLimit: options.rateLimit ?? false,
    timeouts: options.timeouts,
    ...(options.provider === undefined ? {} : { provider: options.provider }),
  };
  const started: { close(): Promise<void> }[] = [];
  const slice = Math.floor(fixtureKeyCount() / Math.max(2, options.csCount ?? 2));
  try {
    const insurer = await startInsurer({
      dataDir: join(dataDir, 'insurer'),
      ...(await storeFor('insurer')),
      now: options.now,
      log,
      ...serving,
      redemptionWindow: options.redemptionWindow,
    });
    started.push(insurer);
    const bank = await startBank({
      dataDir: join(dataDir, 'bank'),
      ...(await storeFor('bank')),
      now: options.now,
      log,
      ...serving,
      demoBalance: options.demoBalance ?? DEFAULTS.demoBalance,
      demoOpenings: options.demoOpenings ?? false,
    });
    started.push(bank);
    const registerLimit = options.mintLimit ?? DEFAULTS.mintLimit;
    const enroll = (what: Application | string, mintLimit = registerLimit) =>
      typeof what !== 'string'
        ? insurer.insurer.register({ ...what, mintLimit }).then(() => what)
        : enrollCs(insurer, {
            dataDir: join(dataDir, what),
            name: what,
            bankUrl: bank.url,
            mintLimit,
            now: options.now,
          });
    const cs: RunningCs[] = [];
    for (let i = 1; i <= (options.csCount ?? 2); i++) {
      const name = `cs${i}`;
      const server = await startCurrencyServer({
        dataDir: join(dataDir, name),
        name,
        insurerUrl: insurer.url,
        insurerKey: insurer.signKey,
        enroll: async (application) => {
          await enroll(application);
        },
        bankUrl: bank.url,
        ...(await storeFor(name)),
        now: options.now,
        log,
        ...serving,
        denominations: options.denominations,
        coinLifetime: options.coinLifetime,
        checkLifetime: options.checkLifetime,
        certificateLifetime: options.certificateLifetime,
        pruneGrace: options.pruneGrace,
        requestRetention: options.requestRetention,
        revocationRefresh: options.revocationRefresh ?? 0,
        outboundTimeoutMs: options.outboundTimeoutMs,
        maintenanceIntervalMs: 0,
        workers: options.workers,
        ...(options.blindRsa === undefined || options.blindRsa === false
          ? {}
          : {
              blindRsa: {
                keygen: fixtureKeygen((i - 1) * slice, slice),
                ...(options.blindRsa === true ? {} : options.blindRsa),
              },
            }),
      });
      started.push(server);
      cs.push(server);
    }
    return {
      insurer: {
        url: insurer.url,
        name: insurer.name,
        signKey: insurer.signKey,
        adminToken: insurer.adminToken,
      },
      bank: {
        url: bank.url,
        name: bank.name,
        currency: bank.currency,
        auditToken: bank.auditToken,
      },
      cs,
      dataDir,
      servers: { insurer, bank },
      databases,
      enroll,
      audit: (merchants) =>
        auditFederation({
          insurer: { url: insurer.url, signKey: insurer.signKey },
          banks: [{ url: bank.url, token: bank.auditToken }],
          csToken: (name) => auditTokenIn(join(dataDir, name)),
          ...(merchants === undefined ? {} : { merchants }),
        }),
      async stop() {
        for (const s of [...started].reverse()) await s.close();
        if (temporary) rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const s of started.reverse()) await s.close().catch(() => {});
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
