/**
 * The shopper's trust anchors: insurer keys (paper figure 1's FIC), the certificates of
 * insurance and blind-rsa denomination keys (SPEC §7) they signed, and their revocation lists. A key is trusted only as the shopper typed
 * it (the one `netcash up` prints); the insurer's URL is only where to fetch its lists, and an
 * insurer answering with another key is refused. Every certificate is verified before it is
 * stored; the in-memory TrustStore is rebuilt from the stores after each change.
 */
import {
  type CertificateBody,
  CertificateList,
  DenominationKeyList,
  endpoint,
  getJson,
  InsurerInfo,
  NetCashError,
  PATHS,
  RevocationList,
  TrustStore,
  unwrap,
} from '@netcash/protocol';
import { type Core, http } from './context.ts';
import type { CertificateRow, DenominationKeyRow } from './db/schema.ts';
import type { CsTargetRow } from './journal/types.ts';
import { isStopped } from './stopped.ts';

/** Rebuilds the in-memory trust store from IndexedDB. */
export async function loadTrust(core: Core): Promise<TrustStore> {
  const tx = core.db.transaction(
    ['insurers', 'certificates', 'denominationKeys', 'revocations'],
    'readonly',
  );
  const [insurers, certificates, keys, revocations] = await Promise.all([
    tx.objectStore('insurers').getAll(),
    tx.objectStore('certificates').getAll(),
    tx.objectStore('denominationKeys').getAll(),
    tx.objectStore('revocations').getAll(),
  ]);
  await tx.done;
  const trust = new TrustStore(
    core.p,
    insurers.map((i) => i.key),
  );
  for (const row of certificates) trust.addCertificate(row.cert);
  for (const row of keys) trust.addDenominationKey(row.key);
  for (const row of revocations) trust.setRevocations(row.list);
  core.trust = trust;
  core.csNames = [...new Set(certificates.map((c) => c.csName))].sort();
  return trust;
}

/** Fetches one insurer's certificates and revocations, verifies them and stores them. */
async function fetchInsurer(core: Core, key: string, url: string): Promise<number> {
  const options = http(core);
  const info = unwrap(await getJson(endpoint(url, PATHS.insurer.info), InsurerInfo, options));
  if (info.signKey !== key) {
    throw new NetCashError(
      'untrusted-cert',
      `The insurer at ${url} has a different key than the one you entered.`,
    );
  }
  const list = unwrap(
    await getJson(endpoint(url, PATHS.insurer.certificates), CertificateList, options),
  );
  const revocations = unwrap(
    await getJson(endpoint(url, PATHS.insurer.revocations), RevocationList, options),
  );
  // An insurer without blind-rsa keys (an older one) is fine: nc1 coins only.
  const keyList = await getJson(
    endpoint(url, PATHS.insurer.denominationKeys),
    DenominationKeyList,
    options,
  );
  const check = new TrustStore(core.p, [key]);
  unwrap(check.setRevocations(revocations));
  const rows: CertificateRow[] = [];
  for (const cert of list.certificates) {
    // Certificates that don't verify under this key are skipped, never stored.
    const added = check.addCertificate(cert);
    if (added.ok) {
      rows.push({ certId: added.value.certId, insurer: key, csName: added.value.csName, cert });
    }
  }
  const keyRows: DenominationKeyRow[] = [];
  for (const signed of keyList.ok ? keyList.value.denominationKeys : []) {
    const added = check.addDenominationKey(signed);
    if (added.ok) {
      const { keyId, cs, depositUntil } = added.value;
      keyRows.push({ keyId, insurer: key, cs, depositUntil, key: signed });
    }
  }
  const tx = core.db.transaction(
    ['insurers', 'certificates', 'denominationKeys', 'revocations'],
    'readwrite',
  );
  const now = core.now();
  const held = await tx.objectStore('insurers').get(key);
  await tx.objectStore('insurers').put({
    key,
    name: info.name,
    url,
    added: held?.added ?? now,
    fetched: now,
  });
  for (const row of rows) await tx.objectStore('certificates').put(row);
  for (const row of keyRows) await tx.objectStore('denominationKeys').put(row);
  // Keys whose coins are past their redemption window are of no more use: the store stays
  // bounded. Until then their coins are still owed (renew, recoup: PROTOCOL §4.7).
  for (const held of await tx.objectStore('denominationKeys').getAll()) {
    if (held.key.body.redeemUntil <= now) {
      await tx.objectStore('denominationKeys').delete(held.keyId);
    }
  }
  const oldList = await tx.objectStore('revocations').get(key);
  if (oldList === undefined || oldList.list.body.seq <= revocations.body.seq) {
    await tx.objectStore('revocations').put({ insurer: key, list: revocations });
  }
  await tx.done;
  return rows.length;
}

/** Trusts the insurer `key` (b64u Ed25519) whose lists are at `url`. */
export async function trustInsurer(core: Core, key: string, url: string): Promise<number> {
  const count = await fetchInsurer(core, key.trim(), url.trim());
  await loadTrust(core);
  return count;
}

/**
 * Stops trusting insurer `key`: its certificates, denomination keys and revocation list go with
 * it. Refused (`busy`, nothing changed) while the wallet holds coins of a currency server it
 * certified or an operation with one is still pending — those coins could no longer be checked
 * or spent. Cash them out first.
 */
export async function untrustInsurer(core: Core, key: string): Promise<void> {
  const tx = core.db.transaction(
    ['insurers', 'certificates', 'denominationKeys', 'revocations', 'coins', 'ops'],
    'readwrite',
  );
  const certs = (await tx.objectStore('certificates').getAll()).filter((c) => c.insurer === key);
  const names = new Set(certs.map((c) => c.csName));
  const others = (await tx.objectStore('certificates').getAll()).filter(
    (c) => c.insurer !== key && names.has(c.csName),
  );
  for (const c of others) names.delete(c.csName);
  for (const cs of names) {
    const held = await tx.objectStore('coins').index('byCs').count(cs);
    const pending = (await tx.objectStore('ops').index('byStatus').getAll('pending')).some(
      (op) => op.cs === cs,
    );
    if (held > 0 || pending) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new NetCashError(
        'busy',
        `You still hold money at ${cs}, which this insurer vouches for. Cash it out first.`,
      );
    }
  }
  for (const c of certs) await tx.objectStore('certificates').delete(c.certId);
  for (const k of await tx.objectStore('denominationKeys').getAll()) {
    if (k.insurer === key) await tx.objectStore('denominationKeys').delete(k.keyId);
  }
  await tx.objectStore('revocations').delete(key);
  await tx.objectStore('insurers').delete(key);
  await tx.done;
  await loadTrust(core);
}

/** Refreshes every trusted insurer's lists (new certificates, key rotation, revocations). */
export async function refreshTrust(core: Core): Promise<void> {
  const insurers = await core.db.getAll('insurers');
  for (const insurer of insurers) await fetchInsurer(core, insurer.key, insurer.url);
  await loadTrust(core);
}

/** A currency server as the wallet knows it from its certificates. */
export interface CurrencyServer {
  readonly csName: string;
  readonly currency: string;
  readonly denominations: readonly number[];
  readonly bank: string;
  readonly account: string;
  readonly insurer: string;
  /** Requests are sealed to the newest valid certificate. */
  readonly target: CsTargetRow;
  /** The shopper stopped using it (stopped.ts): no new coins from it. */
  readonly stopped: boolean;
}

function serverOf(core: Core, cert: CertificateBody): CurrencyServer {
  return {
    stopped: isStopped(core, cert.csName),
    csName: cert.csName,
    currency: cert.currency,
    denominations: cert.denominations,
    bank: cert.bank,
    account: cert.account,
    insurer: cert.insurer,
    target: { certId: cert.certId, encKey: cert.encKey, addresses: cert.addresses },
  };
}

/**
 * Every currency server with a valid certificate from a trusted insurer, by name — except one
 * whose insurance ended: its latest certificate carries an `ends` now past (PROTOCOL §4.7), even
 * if an older certificate is still valid.
 */
export function currencyServers(core: Core): CurrencyServer[] {
  const now = core.now();
  const out: CurrencyServer[] = [];
  for (const name of core.csNames) {
    if (endedServer(core, name) !== undefined) continue;
    const newest = core.trust
      .certificatesOf(name)
      .find((c) => core.trust.validCertificate(c.certId, now).ok);
    if (newest !== undefined) out.push(serverOf(core, newest));
  }
  return out;
}

/**
 * The currency server `csName` if its insurance ended — its latest certificate carries an `ends`
 * now past (PROTOCOL §4.7, a CS withdrawn) — addressed through that certificate: it mints nothing
 * more, but still cashes out the coins it owes through their redemption window.
 */
export function endedServer(core: Core, csName: string): CurrencyServer | undefined {
  const [latest] = core.trust.certificatesOf(csName).filter((c) => !core.trust.isRevoked(c));
  return latest?.ends !== undefined && core.now() >= latest.ends
    ? serverOf(core, latest)
    : undefined;
}

/**
 * Currency servers whose insurance ends (docs/PROTOCOL.md §4.7, a CS withdrawn): the insurer
 * announced the end in the newest valid certificate (`ends`), or that certificate expires within
 * `within` seconds and none follows it (a CS in good standing renews a month ahead). The shopper
 * is told to cash out, spend or move the coins before `ends`.
 */
export function endingServers(
  core: Core,
  within = 14 * 86_400,
): { csName: string; ends: number }[] {
  const now = core.now();
  return currencyServers(core).flatMap((s) => {
    const cert = core.trust.certificate(s.target.certId);
    if (cert === undefined) return [];
    if (cert.ends !== undefined) return [{ csName: s.csName, ends: cert.ends }];
    return cert.expires - now < within ? [{ csName: s.csName, ends: cert.expires }] : [];
  });
}

/** The currency server `csName`, or a refusal a shopper can read. */
export function currencyServer(core: Core, csName: string): CurrencyServer {
  const found = currencyServers(core).find((s) => s.csName === csName);
  if (found === undefined) {
    throw new NetCashError(
      'unknown-cert',
      `No valid certificate for the currency server ${csName}.`,
    );
  }
  return found;
}
