/**
 * The bank over HTTP (docs/PROTOCOL.md §8). Public endpoints (demo opening, deposits, signed
 * statements) answer browsers with CORS; admin endpoints (server account opening, audit) take
 * the bearer token from the bank's data folder.
 */

import { join } from 'node:path';
import {
  AccountRequest,
  type CryptoProvider,
  DepositRequest,
  OpenAccountRequest,
  PATHS,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import {
  createLogger,
  json,
  type Logger,
  listen,
  openDb,
  Router,
  readJson,
  type StoreOption,
} from '@netcash/server-kit';
import { type Clock, DEFAULTS, systemNow } from '../config.ts';
import { adminToken } from '../datadir.ts';
import { requireAdmin } from '../http/admin.ts';
import { FEDERATION_CORS } from '../http/cors.ts';
import { type Bank, createBank } from './bank.ts';
import { createBankStore } from './store.ts';

export interface BankConfig {
  readonly dataDir: string;
  readonly name?: string;
  readonly currency?: string;
  /** Defaults to SQLite in `dataDir/bank.db`. */
  readonly store?: StoreOption;
  readonly host?: string;
  readonly port?: number;
  readonly now?: Clock;
  readonly log?: Logger;
  /** Starting balance of a demo account (default 100.00 NCD); 0 turns demo opening off. */
  readonly demoBalance?: number;
  readonly maxBodyBytes?: number;
  readonly provider?: CryptoProvider;
}

export interface RunningBank {
  readonly url: string;
  readonly name: string;
  readonly currency: string;
  readonly adminToken: string;
  readonly bank: Bank;
  readonly handler: (request: Request) => Promise<Response>;
  close(): Promise<void>;
}

export function bankHandler(
  bank: Bank,
  token: string,
  log: Logger,
  maxBodyBytes: number,
): (request: Request) => Promise<Response> {
  const P = PATHS.bank;
  const body = async <T>(request: Request, schema: Parameters<typeof readJson<T>>[1]) => {
    const decoded = await readJson(request, schema, maxBodyBytes);
    if (!decoded.ok) throw decoded.error;
    return decoded.value;
  };
  const info = () => ({
    name: bank.name,
    currency: bank.currency,
    demoAccounts: bank.demoAccounts,
  });
  const router = new Router(log, FEDERATION_CORS)
    .on('GET', PATHS.health, () => json(200, { status: 'ok', name: bank.name }), { cors: true })
    .on('GET', P.info, () => json(200, info()), { cors: true })
    .on(
      'POST',
      P.accounts,
      async (request) => {
        const opened = await bank.openAccount(await body(request, OpenAccountRequest), 'customer');
        log.info('account opened', { account: opened.account, balance: opened.balance });
        return json(200, opened);
      },
      { cors: true },
    )
    .on(
      'POST',
      P.deposits,
      async (request) => {
        const reply = await bank.deposit(await body(request, DepositRequest));
        log.debug('deposit', { account: reply.account, amount: reply.amount });
        return json(200, reply);
      },
      { cors: true },
    )
    .on(
      'POST',
      P.statement,
      async (request) => json(200, await bank.statement(await body(request, AccountRequest))),
      { cors: true },
    )
    .on('POST', PATHS.bank.adminAccounts, async (request) => {
      requireAdmin(request, token);
      const opened = await bank.openAccount(await body(request, OpenAccountRequest), 'server');
      log.info('server account opened', { account: opened.account });
      return json(200, opened);
    })
    .on('GET', P.adminAudit, async (request) => {
      requireAdmin(request, token);
      return json(200, await bank.books());
    });
  return router.handle;
}

export async function startBank(config: BankConfig): Promise<RunningBank> {
  const p = config.provider ?? nodeProvider;
  const name = config.name ?? DEFAULTS.bankName;
  const log = (config.log ?? createLogger(name)).child(name);
  const token = adminToken(config.dataDir);
  const db = openDb(config.store ?? { engine: 'sqlite', path: join(config.dataDir, 'bank.db') });
  const store = await createBankStore(db);
  const bank = await createBank({
    p,
    name,
    currency: config.currency ?? DEFAULTS.currency,
    store,
    now: config.now ?? systemNow,
    demoBalance: config.demoBalance ?? DEFAULTS.demoBalance,
    requestWindow: DEFAULTS.accountRequestWindow,
  });
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const handler = bankHandler(bank, token, log, maxBodyBytes);
  const server = await listen(handler, { host: config.host, port: config.port, maxBodyBytes });
  log.info('listening', { url: server.url });
  return {
    url: server.url,
    name,
    currency: bank.currency,
    adminToken: token,
    bank,
    handler,
    async close() {
      await server.close();
      await store.close();
    },
  };
}
