/**
 * The insurer over HTTP (docs/PROTOCOL.md §7): public reads with CORS; a currency server's
 * enrollment requests, signed by its enrollment key; the operator's writes (registrations,
 * revocations) with the admin token from the insurer's data folder, which no other party holds.
 * `startInsurer` opens the store, loads or creates the signing key and listens.
 */

import {
  CertificateRequest,
  type CryptoProvider,
  DenominationKeyRequest,
  PATHS,
  Registration,
  RevokeRequest,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { createLogger, json, type Logger, Router, readJson } from '@netcash/server-kit';
import { type Clock, DEFAULTS, systemNow } from '../config.ts';
import { bearerToken, jsonFile } from '../datadir.ts';
import { openStore, type StoreConfig } from '../db/store-config.ts';
import { requireToken } from '../http/admin.ts';
import { FEDERATION_CORS } from '../http/cors.ts';
import { type Serving, serve } from '../http/serve.ts';
import { ed25519Pair, secretText } from '../keys.ts';
import { createInsurer, type Insurer } from './insurer.ts';
import { createInsurerStore } from './store.ts';

export interface InsurerConfig extends Serving, StoreConfig {
  /** This server's folder (keys, admin token, SQLite file). */
  readonly dataDir: string;
  readonly name?: string;
  readonly now?: Clock;
  readonly log?: Logger;
  readonly maxBodyBytes?: number;
  /** Longest certificate a CS may ask for (default 365 days). */
  readonly maxCertificateLifetime?: number;
  /** Seconds after a coin's expiry its CS must still redeem it (docs/PROTOCOL.md §4.7). */
  readonly redemptionWindow?: number;
  readonly provider?: CryptoProvider;
}

export interface RunningInsurer {
  readonly url: string;
  readonly name: string;
  /** The trust anchor (base64url Ed25519 public key). */
  readonly signKey: string;
  /** The operator's token (register, revoke); it never leaves the insurer's side. */
  readonly adminToken: string;
  readonly insurer: Insurer;
  readonly handler: (request: Request) => Promise<Response>;
  close(): Promise<void>;
}

export function insurerHandler(
  insurer: Insurer,
  token: string,
  log: Logger,
  maxBodyBytes: number,
): (request: Request) => Promise<Response> {
  const P = PATHS.insurer;
  const router = new Router(log, FEDERATION_CORS)
    .on('GET', PATHS.health, () => json(200, { status: 'ok', name: insurer.name }), { cors: true })
    .on('GET', P.info, () => json(200, { name: insurer.name, signKey: insurer.signKey }), {
      cors: true,
    })
    .on(
      'GET',
      P.certificates,
      async (request) => {
        const redeemable = new URL(request.url).searchParams.has('redeemable');
        return json(200, { certificates: await insurer.certificates(redeemable) });
      },
      {
        cors: true,
      },
    )
    .on(
      'GET',
      `${P.certificate}:certId`,
      async (_r, params) => json(200, await insurer.certificate(params['certId']!)),
      { cors: true },
    )
    .on(
      'GET',
      P.denominationKeys,
      async () => json(200, { denominationKeys: await insurer.denominationKeys() }),
      { cors: true },
    )
    .on(
      'GET',
      `${P.denominationKey}:keyId`,
      async (_r, params) => json(200, await insurer.denominationKey(params['keyId']!)),
      { cors: true },
    )
    .on('GET', P.revocations, async () => json(200, await insurer.revocations()), { cors: true })
    .on(
      'GET',
      `${P.directory}:csName`,
      async (_r, params) => json(200, await insurer.directory(params['csName']!)),
      { cors: true },
    )
    .on('POST', P.enrollCertificate, async (request) => {
      const body = await readJson(request, CertificateRequest, maxBodyBytes);
      if (!body.ok) throw body.error;
      const cert = await insurer.certify(body.value);
      log.info('certified', { certId: cert.body.certId, csName: cert.body.csName });
      return json(200, cert);
    })
    .on('POST', P.enrollDenominationKey, async (request) => {
      const body = await readJson(request, DenominationKeyRequest, maxBodyBytes);
      if (!body.ok) throw body.error;
      const key = await insurer.certifyDenominationKey(body.value);
      log.info('denomination key certified', {
        keyId: key.body.keyId,
        csName: key.body.cs,
        value: key.body.value,
      });
      return json(200, key);
    })
    .on('POST', P.adminRegistrations, async (request) => {
      requireToken(request, token, 'admin');
      const body = await readJson(request, Registration, maxBodyBytes);
      if (!body.ok) throw body.error;
      const registered = await insurer.register(body.value);
      log.info('registered', {
        csName: registered.csName,
        account: registered.account,
        mintLimit: registered.mintLimit,
      });
      return json(200, registered);
    })
    .on('GET', P.adminRegistrations, async (request) => {
      requireToken(request, token, 'admin');
      return json(200, { registrations: await insurer.registrations() });
    })
    .on('POST', P.adminRevoke, async (request) => {
      requireToken(request, token, 'admin');
      const body = await readJson(request, RevokeRequest, maxBodyBytes);
      if (!body.ok) throw body.error;
      const list = await insurer.revoke(body.value);
      log.info('revoked', { certId: body.value.certId, seq: list.body.seq });
      return json(200, list);
    });
  return router.handle;
}

export async function startInsurer(config: InsurerConfig): Promise<RunningInsurer> {
  const p = config.provider ?? nodeProvider;
  const name = config.name ?? DEFAULTS.insurerName;
  const log = (config.log ?? createLogger(name)).child(name);
  const stored = jsonFile(config.dataDir, 'keys.json', () => ({
    signSecret: secretText(p.ed25519.keygen()),
  }));
  const keys = ed25519Pair(p, stored.signSecret);
  const token = bearerToken(config.dataDir, 'admin-token');
  const { db, start } = openStore(config, config.dataDir, 'insurer.db', log);
  const store = await createInsurerStore(db, start, log);
  const insurer = await createInsurer({
    p,
    name,
    keys,
    store,
    now: config.now ?? systemNow,
    maxLifetime: config.maxCertificateLifetime ?? DEFAULTS.certificateLifetime,
    requestWindow: DEFAULTS.requestWindow,
    redemptionWindow: config.redemptionWindow ?? DEFAULTS.redemptionWindow,
  });
  const maxBodyBytes = config.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const handler = insurerHandler(insurer, token, log, maxBodyBytes);
  const server = await serve(handler, log, { ...config, maxBodyBytes });
  log.info('listening', { url: server.url, signKey: keys.public });
  return {
    url: server.url,
    name,
    signKey: keys.public,
    adminToken: token,
    insurer,
    handler,
    async close() {
      await server.close();
      await store.close();
    },
  };
}
