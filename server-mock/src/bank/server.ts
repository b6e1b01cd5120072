/**
 * The bank over HTTP (docs/PROTOCOL.md §8). Public endpoints (signed openings, deposits, signed
 * statements) answer browsers with CORS; the books (`GET /v1/admin/audit`) are read with the
 * auditor's token from the bank's data folder. There is no admin endpoint: every account holder,
 * currency servers included, acts on its own account with its own key.
 */

import {
  AccountOpening,
  AccountRequest,
  type CryptoProvider,
  DepositRequest,
  PATHS,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import {
  compose,
  corsHeaders,
  createLogger,
  json,
  type Logger,
  type Piece,
  Router,
  rateLimit,
  readJson,
} from '@netcash/server-kit';
import { type Clock, DEFAULTS, systemNow } from '../config.ts';
import { bearerToken, jsonFile } from '../datadir.ts';
import { openStore, type StoreConfig } from '../db/store-config.ts';
import { requireToken } from '../http/admin.ts';
import { FEDERATION_CORS } from '../http/cors.ts';
import { type Serving, serve } from '../http/serve.ts';
import { ed25519Pair, secretText } from '../keys.ts';
import { type Bank, createBank } from './bank.ts';
import { createBankStore } from './store.ts';

export interface BankConfig extends Serving, StoreConfig {
  readonly dataDir: string;
  readonly name?: string;
  readonly currency?: string;
  readonly now?: Clock;
  readonly log?: Logger;
  /**
   * Demo mode: a customer opening is credited this much (`netcash up`, `netcash bank --demo`).
   * Default 0: a bank started for real gives no free money.
   */
  readonly demoBalance?: number;
  /**
   * In demo mode, account openings (each may carry free money) per client address: a burst, then
   * `perSecond` (default: 10, then one a minute). `false` turns it off — the test harness, which
   * opens every account from 127.0.0.1.
   */
  readonly demoOpenings?: { readonly burst?: number; readonly perSecond?: number } | false;
  readonly maxBodyBytes?: number;
  readonly provider?: CryptoProvider;
}

export interface RunningBank {
  readonly url: string;
  readonly name: string;
  readonly currency: string;
  /** The key its statements are signed with. */
  readonly signKey: string;
  /** The auditor's token: reads the books (`GET /v1/admin/audit`), nothing else. */
  readonly auditToken: string;
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
    signKey: bank.signKey,
  });
  const router = new Router(log, FEDERATION_CORS)
    .on('GET', PATHS.health, () => json(200, { status: 'ok', name: bank.name }), { cors: true })
    .on('GET', P.info, () => json(200, info()), { cors: true })
    .on(
      'POST',
      P.accounts,
      async (request) => {
        const opened = await bank.openAccount(await body(request, AccountOpening));
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
    .on('GET', P.adminAudit, async (request) => {
      requireToken(request, token, 'audit');
      return json(200, await bank.books());
    });
  return router.handle;
}

export async function startBank(config: BankConfig): Promise<RunningBank> {
  const p = config.provider ?? nodeProvider;
  const name = config.name ?? DEFAULTS.bankName;
  const log = (config.log ?? createLogger(name)).child(name);
  const token = bearerToken(config.dataDir, 'audit-token');
  // The statement signing key, made on first start and kept with the bank's other secrets.
  const stored = jsonFile(config.dataDir, 'keys.json', () => ({
    signSecret: secretText(p.ed25519.keygen()),
  }));
  const { db, start } = openStore(config, config.dataDir, 'bank.db', log);
  const store = await createBankStore(db, start, log);
  const bank = await createBank({
    p,
    name,
    currency: config.currency ?? DEFAULTS.currency,
    store,
    now: config.now ?? systemNow,
    demoBalance: config.demoBalance ?? 0,
    requestWindow: DEFAULTS.requestWindow,
    signKey: ed25519Pair(p, stored.signSecret),
  });
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const handler = bankHandler(bank, token, log, maxBodyBytes);
  const pieces: Piece[] = [];
  if (bank.demoAccounts && config.demoOpenings !== false) {
    pieces.push(demoOpeningLimit(config.demoOpenings ?? DEFAULTS.demoOpenings));
  }
  const server = await serve(compose(handler, ...pieces), log, { ...config, maxBodyBytes });
  log.info('listening', { url: server.url });
  return {
    url: server.url,
    name,
    currency: bank.currency,
    signKey: bank.signKey,
    auditToken: token,
    bank,
    handler,
    async close() {
      await server.close();
      await store.close();
    },
  };
}

/**
 * Free demo money is rate-limited per client address (SPEC §11): in demo mode each opening may
 * credit the starting balance, so openings from one address past a burst get `429 rate-limited`
 * with `Retry-After` (server-kit's limiter, counting `POST /v1/accounts` only).
 */
function demoOpeningLimit(limit: { readonly burst?: number; readonly perSecond?: number }): Piece {
  return rateLimit({
    ...limit,
    key: (head, client) =>
      head.method === 'POST' && head.path === PATHS.bank.accounts ? client?.address : undefined,
    headers: corsHeaders(FEDERATION_CORS),
  });
}
