/**
 * A currency server's start (SPEC §1, paper §4: "an organization wishing to set up a currency
 * server obtains insurance for the new currency"): load or create its keys, open its bank
 * account (admin, zero balance) if it has none, learn the insurer's key, and obtain a
 * certificate of insurance for its current keys and address if it holds no valid one.
 * Also key rotation: a new key pair and a new certificate, the old secrets kept.
 */
import {
  BankInfo,
  Certificate,
  type CertificateBody,
  type Certificate as CertificateT,
  endpoint,
  getJson,
  InsurerInfo,
  NetCashError,
  PATHS,
  postJson,
  unwrap,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import { openServerAccount } from './bank-client.ts';
import type { KeyEntry, KeyRing } from './keyring.ts';
import type { CsTrust } from './trust.ts';

/** What the certificate must say for this CS as configured. */
export interface CertificateWish {
  readonly csName: string;
  readonly addresses: readonly string[];
  readonly currency: string;
  readonly denominations: readonly number[];
  readonly mintLimit: number;
  readonly bank: string;
  readonly account: string;
  readonly lifetime: number;
  /** Renew when fewer seconds than this are left. */
  readonly renewal: number;
}

export interface Upstreams {
  readonly insurerUrl: string;
  readonly insurerToken: string;
  readonly bankUrl: string;
  readonly bankToken: string;
  readonly timeoutMs: number;
}

/** The bank's name and currency, from its public info. */
export async function bankInfo(up: Upstreams): Promise<BankInfo> {
  return unwrap(
    await getJson(endpoint(up.bankUrl, PATHS.bank.info), BankInfo, { timeoutMs: up.timeoutMs }),
  );
}

/** The insurer's signing key (the trust anchor), from its public info. */
export async function insurerKey(up: Upstreams): Promise<string> {
  const info = unwrap(
    await getJson(endpoint(up.insurerUrl, PATHS.insurer.info), InsurerInfo, {
      timeoutMs: up.timeoutMs,
    }),
  );
  return info.signKey;
}

/** The CS's account id, opening the account at the bank on first start. */
export async function ensureAccount(keys: KeyRing, name: string, up: Upstreams): Promise<string> {
  const held = keys.accountIdOrNull;
  if (held !== null) return held;
  const account = unwrap(
    await openServerAccount({
      url: up.bankUrl,
      adminToken: up.bankToken,
      signKey: keys.account.public,
      holder: `currency server ${name}`,
      timeoutMs: up.timeoutMs,
    }),
  );
  keys.setAccount(account);
  return account;
}

function fits(cert: CertificateBody, wish: CertificateWish, entry: KeyEntry, now: number) {
  return (
    cert.csName === wish.csName &&
    cert.signKey === entry.sign.public &&
    cert.encKey === entry.enc.public &&
    cert.addresses.join(' ') === wish.addresses.join(' ') &&
    cert.currency === wish.currency &&
    cert.denominations.join(' ') === wish.denominations.join(' ') &&
    cert.mintLimit === wish.mintLimit &&
    cert.bank === wish.bank &&
    cert.account === wish.account &&
    cert.expires - now > wish.renewal
  );
}

/**
 * The certificate new coins are minted under: the newest key pair's certificate if it still
 * fits the configuration and is valid, else a new one from the insurer.
 */
export async function ensureCertificate(
  keys: KeyRing,
  trust: CsTrust,
  wish: CertificateWish,
  up: Upstreams,
  now: Clock,
): Promise<CertificateT> {
  await trust.refreshRevocations(true);
  // A revoked certificate means its keys are not to be trusted: certify fresh ones.
  if (keys.newest.certificates.some((c) => trust.store.isRevoked(c.body))) keys.rotate();
  const entry = keys.newest;
  const held = keys.current(
    (c) => fits(c, wish, entry, now()) && trust.store.validCertificate(c.certId, now()).ok,
  );
  if (held !== undefined) return held;
  const cert = unwrap(
    await postJson(
      endpoint(up.insurerUrl, PATHS.insurer.adminCertify),
      {
        csName: wish.csName,
        signKey: entry.sign.public,
        encKey: entry.enc.public,
        addresses: wish.addresses,
        currency: wish.currency,
        denominations: wish.denominations,
        mintLimit: wish.mintLimit,
        bank: wish.bank,
        account: wish.account,
        lifetime: wish.lifetime,
      },
      Certificate,
      { timeoutMs: up.timeoutMs, headers: { authorization: `Bearer ${up.insurerToken}` } },
    ),
  );
  const added = trust.store.addCertificate(cert);
  if (!added.ok) {
    throw new NetCashError('untrusted-cert', `the insurer's certificate: ${added.error.message}`);
  }
  keys.addCertificate(entry, cert);
  return cert;
}
