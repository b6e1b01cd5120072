/**
 * A currency server over HTTP (docs/PROTOCOL.md §4.1): health, public info (certificates,
 * denominations, blind-rsa denomination keys, limits), the sealed requests of figure 3, and the
 * auditor's read of its books. `startCurrencyServer` listens first (the certificate names the
 * address), then bootstraps keys, bank account, certificate and denomination keys, and runs
 * maintenance (pruning, certificate renewal, denomination key rotation) on a timer. It holds its
 * own credentials only (SPEC §11): its account key at the bank, its enrollment key at the insurer.
 */

import {
  type Certificate,
  type CertificateBody,
  type CryptoProvider,
  type CsBooks,
  type CsInfo,
  NetCashError,
  PATHS,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import {
  corsHeaders,
  createLogger,
  json,
  type Logger,
  type RouteHandler,
  Router,
  refusal,
} from '@netcash/server-kit';
import { type Clock, DEFAULTS, systemNow } from '../config.ts';
import { bearerToken, ensureDir } from '../datadir.ts';
import { openStore, type StoreConfig } from '../db/store-config.ts';
import { requireToken } from '../http/admin.ts';
import { FEDERATION_CORS } from '../http/cors.ts';
import { type Serving, serve } from '../http/serve.ts';
import { createBankClient } from './bank-client.ts';
import { type BlindKeyPolicy, BlindKeyRing } from './blind-keys.ts';
import { csBooks, csInfo } from './books.ts';
import {
  type CertificateWish,
  csApplication,
  ensureCertificate,
  insurerKey,
  type Upstreams,
} from './bootstrap.ts';
import type { CsContext, CsLimits } from './context.ts';
import { inlineService, type SealedService, sealedEndpoint } from './endpoint.ts';
import { type Enroll, InsurerLink } from './enrollment.ts';
import { type CsStore, createCsStore } from './store.ts';
import { CsTrust } from './trust.ts';
import type { WorkerInit } from './workers/messages.ts';
import { WorkerPool } from './workers/pool.ts';

export interface CsConfig extends Serving, StoreConfig {
  /** This CS's folder (keys, audit token, SQLite file). */
  readonly dataDir: string;
  /** The CS's name (`cs1`); certificates and coins carry it. */
  readonly name: string;
  readonly insurerUrl: string;
  /** The trust anchor; read from the insurer's /v1/info when absent. */
  readonly insurerKey?: string;
  /**
   * The insurer's operator in this process (`netcash up`, tests): called when the insurer does
   * not know this CS's enrollment key, to register it; then the request is made again. Absent
   * (a standalone CS), the start fails with the registration to ask the operator for.
   */
  readonly enroll?: Enroll;
  readonly bankUrl: string;
  /** The address certified and put in coins; defaults to the listening URL. */
  readonly publicUrl?: string;
  readonly now?: Clock;
  readonly log?: Logger;
  readonly denominations?: readonly number[];
  readonly coinLifetime?: number;
  readonly checkLifetime?: number;
  readonly certificateLifetime?: number;
  readonly pruneGrace?: number;
  readonly requestRetention?: number;
  readonly outboundTimeoutMs?: number;
  readonly revocationRefresh?: number;
  readonly maxBodyBytes?: number;
  /** Milliseconds between maintenance runs (pruning, renewal); 0 turns the timer off. */
  readonly maintenanceIntervalMs?: number;
  /**
   * Blind-rsa coins (SPEC §7): one RSA key per value of `denominations` (default: every coin
   * value), certified by the insurer, taking withdrawals for `withdrawPeriod` seconds (default 7
   * days) with coins valid `coinLifetime` after that. Absent: this CS mints nc1 coins only.
   */
  readonly blindRsa?: Partial<BlindKeyPolicy>;
  readonly provider?: CryptoProvider;
  /**
   * Worker threads for the sealed requests (workers/pool.ts); 0 (the default here; `netcash cs`
   * defaults to one per core) runs them on the main thread. Workers use the system clock and
   * node:crypto, so `now` and `provider` must be left to their defaults.
   */
  readonly workers?: number;
}

export interface RunningCs {
  readonly url: string;
  readonly name: string;
  /** The auditor's token: reads this CS's books, nothing else. */
  readonly auditToken: string;
  /** Its operator's token: `POST /v1/admin/rotate` (new keys and certificate now), nothing else. */
  readonly adminToken: string;
  readonly store: CsStore;
  readonly context: CsContext;
  /** The certificate new coins are minted under. */
  certificate(): Certificate;
  info(): CsInfo;
  books(): Promise<CsBooks>;
  /** New key pairs and a new certificate; the old keys stay for old coins. */
  rotateKeys(): Promise<Certificate>;
  /**
   * Prunes serials past their redemption window and old request records; renews the certificate
   * and denomination keys if due, and replaces any the insurer revoked.
   */
  maintain(): Promise<{ coins: number; value: number }>;
  close(): Promise<void>;
}

export async function startCurrencyServer(config: CsConfig): Promise<RunningCs> {
  const p = config.provider ?? nodeProvider;
  const now = config.now ?? systemNow;
  const log = (config.log ?? createLogger(config.name)).child(config.name);
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const workers = config.workers ?? 0;
  if (workers > 0 && (config.now !== undefined || config.provider !== undefined)) {
    throw new Error('worker threads run on the system clock and node:crypto: no `now`, `provider`');
  }
  let handler: ((request: Request) => Promise<Response>) | null = null;
  let service: SealedService | null = null;
  // The hot path: served straight from Node's request (endpoint.ts), like the router's routes
  // behind the server's pieces.
  const sealed = sealedEndpoint(
    PATHS.cs.requests,
    () => service,
    maxBodyBytes,
    corsHeaders(FEDERATION_CORS),
  );
  const server = await serve(
    (request) =>
      handler === null
        ? refusal(new NetCashError('upstream-unavailable', 'starting'))
        : handler(request),
    log,
    { ...config, maxBodyBytes },
    [sealed.direct],
  );
  const hooks: Hooks = { keysChanged: async () => undefined };
  // Workers load their modules while this thread starts the server.
  const pool = workers > 0 ? new WorkerPool(workers, log) : null;
  try {
    const running = await bootstrapCs(
      config,
      { p, now, log, url: server.url, maxBodyBytes, hooks },
      sealed.route,
    );
    if (pool !== null) {
      await pool.open(running.workerInit, running.cs.store);
      hooks.keysChanged = (current) => pool.keysChanged(current);
      service = pool.service;
    } else {
      service = inlineService(running.cs.context, maxBodyBytes);
    }
    handler = running.handler;
    log.info('listening', {
      url: server.url,
      certId: running.cs.certificate().body.certId,
      workers,
    });
    return {
      ...running.cs,
      url: server.url,
      async close() {
        running.stopTimer();
        await server.close();
        await pool?.close();
        await running.cs.store.close();
      },
    };
  } catch (error) {
    await server.close();
    await pool?.close();
    throw error;
  }
}

/** What bootstrapCs tells the rest of the server about (the worker threads). */
interface Hooks {
  keysChanged(current: CertificateBody): Promise<void>;
}

async function bootstrapCs(
  config: CsConfig,
  env: {
    p: CryptoProvider;
    now: Clock;
    log: Logger;
    url: string;
    maxBodyBytes: number;
    hooks: Hooks;
  },
  sealedRoute: RouteHandler,
) {
  const { p, now, log, url, maxBodyBytes, hooks } = env;
  const dir = ensureDir(config.dataDir);
  const token = bearerToken(dir, 'audit-token');
  // The CS operator's own token (`netcash cs rotate`): this CS's keys, nothing of anyone else's.
  const operatorToken = bearerToken(dir, 'admin-token');
  const limits: CsLimits = {
    denominations: config.denominations ?? DEFAULTS.denominations,
    coinLifetime: config.coinLifetime ?? DEFAULTS.coinLifetime,
    checkLifetime: config.checkLifetime ?? DEFAULTS.checkLifetime,
    maxInstruments: DEFAULTS.maxInstruments,
    maxBodyBytes,
    outboundTimeoutMs: config.outboundTimeoutMs ?? DEFAULTS.outboundTimeoutMs,
  };
  const up: Upstreams = {
    insurerUrl: config.insurerUrl,
    bankUrl: config.bankUrl,
    timeoutMs: limits.outboundTimeoutMs,
  };
  const { application, keys, bank } = await csApplication({
    p,
    dataDir: dir,
    name: config.name,
    up,
    now,
  });
  const account = application.account;
  const anchor = config.insurerKey ?? (await insurerKey(up));
  const insurer = new InsurerLink({
    p,
    url: config.insurerUrl,
    insurerKey: anchor,
    enrollmentKey: keys.enrollment,
    application,
    ...(config.enroll === undefined ? {} : { enroll: config.enroll }),
    now,
    timeoutMs: limits.outboundTimeoutMs,
  });
  const trust = new CsTrust(
    p,
    anchor,
    config.insurerUrl,
    now,
    config.revocationRefresh ?? DEFAULTS.revocationRefresh,
    limits.outboundTimeoutMs,
    log,
  );
  for (const cert of keys.certificates) trust.store.addCertificate(cert);
  const wish: CertificateWish = {
    csName: config.name,
    addresses: [config.publicUrl ?? url],
    currency: bank.currency,
    denominations: limits.denominations,
    bank: bank.name,
    account,
    lifetime: config.certificateLifetime ?? DEFAULTS.certificateLifetime,
    renewal: Math.min(
      DEFAULTS.certificateRenewal,
      Math.floor((config.certificateLifetime ?? DEFAULTS.certificateLifetime) / 4),
    ),
  };
  let current = await ensureCertificate(keys, trust, wish, insurer, now);
  const opened = openStore(config, dir, 'cs.db', log);
  const store = await createCsStore(opened.db, opened.start, log);
  const blindPolicy: BlindKeyPolicy | null =
    config.blindRsa === undefined
      ? null
      : {
          denominations: config.blindRsa.denominations ?? limits.denominations,
          withdrawPeriod: config.blindRsa.withdrawPeriod ?? DEFAULTS.blindWithdrawPeriod,
          coinLifetime: config.blindRsa.coinLifetime ?? limits.coinLifetime,
          renewal:
            config.blindRsa.renewal ??
            Math.floor((config.blindRsa.withdrawPeriod ?? DEFAULTS.blindWithdrawPeriod) / 4),
          ...(config.blindRsa.keygen === undefined ? {} : { keygen: config.blindRsa.keygen }),
        };
  const blind = blindPolicy === null ? null : BlindKeyRing.open(p, dir);
  /** New denomination keys when due; every valid one in the trust store. */
  const ensureBlindKeys = async () => {
    if (blind === null || blindPolicy === null) return;
    const made = await blind.ensure(
      blindPolicy,
      config.name,
      insurer,
      now(),
      (key) => trust.store.isRevoked(key),
      current.body.ends,
    );
    for (const key of blind.published(now())) trust.store.addDenominationKey(key);
    if (made.length > 0) log.info('denomination keys certified', { count: made.length });
  };
  await ensureBlindKeys();
  const ctx: CsContext = {
    p,
    name: config.name,
    currency: bank.currency,
    bank: bank.name,
    account,
    keys,
    blind,
    store,
    trust,
    bankClient: createBankClient({
      p,
      url: config.bankUrl,
      accountKey: keys.account,
      account: () => account,
      now,
      timeoutMs: limits.outboundTimeoutMs,
    }),
    now,
    limits,
    log,
    currentCertificate: () => current.body,
  };
  const grace = config.pruneGrace ?? DEFAULTS.pruneGrace;
  const retention = config.requestRetention ?? DEFAULTS.requestRetention;

  const info = () => csInfo(ctx, maxBodyBytes);
  const books = () => csBooks(ctx);
  const maintain = async () => {
    const pruned = await store.prune(now() - grace, now() - retention);
    if (pruned.coins > 0) log.info('pruned coins past their redemption window', pruned);
    // Reads the revocation list first: a revoked certificate or key is replaced here.
    current = await ensureCertificate(keys, trust, wish, insurer, now);
    await ensureBlindKeys();
    blind?.forget(now(), now() - grace);
    await hooks.keysChanged(current.body);
    return pruned;
  };
  const rotateKeys = async () => {
    keys.rotate();
    current = await ensureCertificate(keys, trust, wish, insurer, now);
    // The new certificate may bring an end of insurance the denomination keys must keep to.
    await ensureBlindKeys();
    await hooks.keysChanged(current.body);
    log.info('keys rotated', { certId: current.body.certId });
    return current;
  };

  const router = new Router(log, FEDERATION_CORS)
    .on('GET', PATHS.health, () => json(200, { status: 'ok', name: config.name }), { cors: true })
    .on(
      'GET',
      PATHS.cs.info,
      async () => {
        // With how many coins each key has issued so far: its anonymity set (PRIVACY.md).
        const withdrawn = blind === null ? [] : await store.withdrawnPerKey();
        const listed = new Set((info().denominationKeys ?? []).map((k) => k.body.keyId));
        const counts = withdrawn.filter((w) => listed.has(w.keyId));
        return json(200, { ...info(), ...(blind === null ? {} : { withdrawn: counts }) });
      },
      { cors: true },
    )
    .on('POST', PATHS.cs.requests, sealedRoute, { cors: true })
    .on('GET', PATHS.cs.adminAudit, async (request) => {
      requireToken(request, token, 'audit');
      return json(200, await books());
    })
    .on('POST', PATHS.cs.adminRotate, async (request) => {
      requireToken(request, operatorToken, 'admin');
      const previous = current.body.certId;
      const cert = await rotateKeys();
      return json(200, { certId: cert.body.certId, previous });
    });

  const interval = config.maintenanceIntervalMs ?? DEFAULTS.maintenanceIntervalMs;
  const timer =
    interval > 0
      ? setInterval(() => {
          maintain().catch((error: unknown) =>
            log.error('maintenance failed', { error: String(error) }),
          );
        }, interval)
      : undefined;
  timer?.unref();
  await maintain();

  const workerInit: WorkerInit = {
    dataDir: dir,
    name: config.name,
    currency: bank.currency,
    bank: bank.name,
    account,
    insurerUrl: config.insurerUrl,
    insurerKey: anchor,
    bankUrl: config.bankUrl,
    limits,
    revocationRefresh: config.revocationRefresh ?? DEFAULTS.revocationRefresh,
    blindRsa: blind !== null,
    current: current.body,
  };

  return {
    handler: router.handle,
    workerInit,
    stopTimer: () => clearInterval(timer),
    cs: {
      name: config.name,
      auditToken: token,
      adminToken: operatorToken,
      store,
      context: ctx,
      certificate: () => current,
      info,
      books,
      rotateKeys,
      maintain,
    },
  };
}
