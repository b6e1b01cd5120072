/**
 * A currency server's start (SPEC §1, paper §4: "an organization wishing to set up a currency
 * server obtains insurance for the new currency"): load or create its keys, open its own bank
 * account (signed by its account key, zero balance) if it has none, learn the insurer's key, and
 * obtain a certificate of insurance for its current keys and address, by a request signed with
 * its enrollment key (enrollment.ts), if it holds no valid one. The certificate's mint limit,
 * currency and account are the insurer's registration, not the CS's wish.
 * Also key rotation: a new key pair and a new certificate, the old secrets kept.
 */
import {
  BankInfo,
  Certificate,
  type CertificateBody,
  type Certificate as CertificateT,
  type CryptoProvider,
  endpoint,
  getJson,
  InsurerInfo,
  NetCashError,
  PATHS,
  unwrap,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import { openServerAccount } from './bank-client.ts';
import type { Application, InsurerLink } from './enrollment.ts';
import { type KeyEntry, KeyRing } from './keyring.ts';
import type { CsTrust } from './trust.ts';

/**
 * What the certificate must say for this CS: what it chooses (addresses, denominations,
 * lifetime) and what it checks the insurer's registration against (its own bank and account).
 */
export interface CertificateWish {
  readonly csName: string;
  readonly addresses: readonly string[];
  readonly currency: string;
  readonly denominations: readonly number[];
  readonly bank: string;
  readonly account: string;
  readonly lifetime: number;
  /** Renew when fewer seconds than this are left. */
  readonly renewal: number;
}

export interface Upstreams {
  readonly insurerUrl: string;
  readonly bankUrl: string;
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

/** The CS's account id, opening its account at the bank on first start. */
export async function ensureAccount(
  p: CryptoProvider,
  keys: KeyRing,
  name: string,
  bank: BankInfo,
  up: Upstreams,
  now: Clock,
): Promise<string> {
  const held = keys.accountIdOrNull;
  if (held !== null) return held;
  const account = unwrap(
    await openServerAccount({
      p,
      url: up.bankUrl,
      bank: bank.name,
      accountKey: keys.account,
      holder: `currency server ${name}`,
      now,
      timeoutMs: up.timeoutMs,
    }),
  );
  keys.setAccount(account);
  return account;
}

/**
 * What the insurer's operator needs to register the CS of `dataDir` (enrollment.ts): its keys are
 * created and its bank account opened if it has none yet.
 */
export async function csApplication(options: {
  readonly p: CryptoProvider;
  readonly dataDir: string;
  readonly name: string;
  readonly up: Upstreams;
  readonly now: Clock;
}): Promise<{ application: Application; keys: KeyRing; bank: BankInfo }> {
  const { p, up, now } = options;
  const keys = KeyRing.open(p, options.dataDir);
  const bank = await bankInfo(up);
  const account = await ensureAccount(p, keys, options.name, bank, up, now);
  return {
    application: {
      csName: options.name,
      enrollmentKey: keys.enrollment.public,
      bank: bank.name,
      account,
      currency: bank.currency,
    },
    keys,
    bank,
  };
}

function fits(cert: CertificateBody, wish: CertificateWish, entry: KeyEntry, now: number) {
  return (
    cert.csName === wish.csName &&
    cert.signKey === entry.sign.public &&
    cert.encKey === entry.enc.public &&
    cert.addresses.join(' ') === wish.addresses.join(' ') &&
    cert.currency === wish.currency &&
    cert.denominations.join(' ') === wish.denominations.join(' ') &&
    cert.bank === wish.bank &&
    cert.account === wish.account &&
    // Renewed a while before it expires — unless the insurance ends then (PROTOCOL §4.7): no
    // certificate reaches past that, so asking again would only get the same end.
    (cert.expires - now > wish.renewal || (cert.ends !== undefined && cert.expires >= cert.ends))
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
  insurer: InsurerLink,
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
  const cert = await insurer.certificate(
    {
      signKey: entry.sign.public,
      encKey: entry.enc.public,
      addresses: [...wish.addresses],
      denominations: [...wish.denominations],
      lifetime: wish.lifetime,
    },
    Certificate,
  );
  const c = cert.body;
  if (
    c.csName !== wish.csName ||
    c.signKey !== entry.sign.public ||
    c.encKey !== entry.enc.public
  ) {
    throw new NetCashError('untrusted-cert', 'the insurer certified other keys');
  }
  if (c.bank !== wish.bank || c.account !== wish.account || c.currency !== wish.currency) {
    // Minting under it would promise money in an account this CS does not hold.
    throw new NetCashError(
      'untrusted-cert',
      `the insurer registered ${wish.csName} with account ${c.account} at ${c.bank} (${c.currency}), ` +
        `but its account is ${wish.account} at ${wish.bank} (${wish.currency}): ask the insurer's operator to register it again`,
    );
  }
  const added = trust.store.addCertificate(cert);
  if (!added.ok) {
    throw new NetCashError('untrusted-cert', `the insurer's certificate: ${added.error.message}`);
  }
  keys.addCertificate(entry, cert);
  return cert;
}
