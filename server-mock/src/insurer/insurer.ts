/**
 * The insurer (the paper's FIC, §4): the root of trust. Its operator registers each currency
 * server — name, enrollment key, bank account, currency, mint limit (SPEC §11) — and the CS then
 * obtains, with requests signed by that enrollment key, certificates of insurance for its keys
 * (figure 1) and its RSA denomination keys for blind-rsa coins (SPEC §7). What a certificate
 * promises about money (currency, mint limit, bank account) comes from the registration, never
 * from the request, and a key enrolled for one name obtains nothing for another. The insurer
 * publishes certificates, keys and a signed revocation list with an increasing `seq`, and answers
 * the directory (CS name → addresses, paper §4.1). Its policy sets the redemption window every
 * certificate and key carries (how long a CS must redeem its coins after they expire).
 * Domain logic only: HTTP is in server.ts, persistence in store.ts.
 */
import {
  type Certificate,
  type CertificateBody,
  type CertificateRequest,
  type CryptoProvider,
  type DenominationKey,
  type DenominationKeyBody,
  type DenominationKeyRequest,
  type DirectoryEntry,
  denominationKeyId,
  fromB64u,
  NetCashError,
  parseRsaSpki,
  type Registration,
  type RevocationList,
  type RevokeRequest,
  type SignedBody,
  sign,
  toB64u,
  verify,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import { requireFresh } from '../fresh.ts';
import type { NamedKeyPair } from '../keys.ts';
import type { InsurerStore, Revocation } from './store.ts';

export interface Insurer {
  readonly name: string;
  /** The trust anchor wallets and merchants configure (base64url Ed25519 key). */
  readonly signKey: string;
  /** Operator: registers a CS, or replaces its registration (a new key, account or limit). */
  register(registration: Registration): Promise<Registration>;
  registrations(): Promise<Registration[]>;
  /**
   * A certificate for the keys in a request signed by the CS's enrollment key, carrying the
   * currency, mint limit and bank account of its registration.
   */
  certify(request: CertificateRequest): Promise<Certificate>;
  /**
   * Certifies a CS's RSA key for blind-rsa coins of one value, on a request signed by its
   * enrollment key. The CS must hold a valid certificate of insurance listing that value.
   * Certifying a key id again returns the key as first certified (a CS that lost the answer asks
   * again).
   */
  certifyDenominationKey(request: DenominationKeyRequest): Promise<DenominationKey>;
  denominationKey(keyId: string): Promise<DenominationKey>;
  denominationKeys(): Promise<DenominationKey[]>;
  revoke(request: RevokeRequest): Promise<RevocationList>;
  certificate(certId: string): Promise<Certificate>;
  /**
   * Certificates not expired, newest first; with `redeemable`, also those whose coins are still
   * in their redemption window (a withdrawn CS owes them: the audit reads its books).
   */
  certificates(redeemable?: boolean): Promise<Certificate[]>;
  revocations(): Promise<RevocationList>;
  directory(csName: string): Promise<DirectoryEntry>;
}

export async function createInsurer(options: {
  readonly p: CryptoProvider;
  readonly name: string;
  readonly keys: NamedKeyPair;
  readonly store: InsurerStore;
  readonly now: Clock;
  /** Longest certificate a CS may ask for, in seconds. */
  readonly maxLifetime: number;
  /** Seconds a signed request's date may be off the insurer's clock. */
  readonly requestWindow: number;
  /**
   * The insurer's policy for how long after a coin's expiry its issuing CS must still redeem it
   * (docs/PROTOCOL.md §4.7), written into every certificate and denomination key.
   */
  readonly redemptionWindow: number;
}): Promise<Insurer> {
  const { p, name, keys, store, now, requestWindow, redemptionWindow } = options;
  const signList = (seq: number, revoked: Revocation[]): RevocationList =>
    sign(p, keys.secretKey, {
      type: 'revocation-list',
      insurer: keys.public,
      seq,
      issued: now(),
      revoked: revoked.map((r) => ({ certId: r.certId, date: r.date, reason: r.reason })),
    });
  await store.initRevocations(signList);

  /**
   * The registration of the CS that signed `request` with its enrollment key: refused with
   * `unauthorized` unless the request is for this insurer and signed by the key registered for
   * the CS it names; `expired` outside the clock window; `request-id-reused` for a nonce seen.
   */
  const enrolled = async (request: {
    readonly body: SignedBody & {
      readonly insurer: string;
      readonly csName: string;
      readonly nonce: string;
      readonly date: number;
    };
    readonly sig: string;
  }): Promise<Registration> => {
    const r = request.body;
    if (r.insurer !== keys.public) {
      throw new NetCashError('unauthorized', 'this request is for another insurer');
    }
    const registration = await store.registration(r.csName);
    if (registration === null) {
      throw new NetCashError('unauthorized', `${r.csName} is not registered with this insurer`);
    }
    if (!verify(p, registration.enrollmentKey, request)) {
      throw new NetCashError('unauthorized', `not signed by the enrollment key of ${r.csName}`);
    }
    const date = now();
    requireFresh(r.date, date, requestWindow, 'the request');
    if (!(await store.useNonce(r.csName, r.nonce, r.date, date - 2 * requestWindow))) {
      throw new NetCashError('request-id-reused', 'this request was already made');
    }
    return registration;
  };

  /**
   * The latest time a certificate or key issued now may reach: the registration's `ends`, if the
   * operator set one (a CS withdrawn, docs/PROTOCOL.md §4.7). Past it nothing more is issued.
   */
  const insuredUntil = (registration: Registration, issued: number): number => {
    const ends = registration.ends ?? Number.POSITIVE_INFINITY;
    if (issued >= ends) {
      throw new NetCashError(
        'expired',
        `the insurance of ${registration.csName} ended at ${new Date(ends * 1000).toISOString()}`,
      );
    }
    return ends;
  };

  return {
    name,
    signKey: keys.public,
    async register(registration) {
      if (!(await store.register(registration, now()))) {
        throw new NetCashError(
          'malformed',
          'this enrollment key is registered for another currency server',
        );
      }
      return registration;
    },
    registrations: () => store.registrations(),
    async certify(request) {
      const r = request.body;
      const d = r.denominations;
      if (!d.every((x, i) => i === 0 || x > d[i - 1]!)) {
        throw new NetCashError('malformed', 'denominations must be strictly ascending');
      }
      if (r.signKey === r.encKey) {
        throw new NetCashError('malformed', 'signing and encryption keys must differ');
      }
      if (r.lifetime > options.maxLifetime) {
        throw new NetCashError(
          'limit-exceeded',
          `certificates live at most ${options.maxLifetime} s here`,
        );
      }
      const registration = await enrolled(request);
      const issued = now();
      const ends = insuredUntil(registration, issued);
      const body: CertificateBody = {
        type: 'certificate',
        certId: `${r.csName}.${toB64u(p.randomBytes(9))}`,
        csName: r.csName,
        signKey: r.signKey,
        encKey: r.encKey,
        addresses: r.addresses,
        currency: registration.currency,
        denominations: r.denominations,
        mintLimit: registration.mintLimit,
        bank: registration.bank,
        account: registration.account,
        insurer: keys.public,
        issued,
        expires: Math.min(issued + r.lifetime, ends),
        redeemFor: redemptionWindow,
        ...(registration.ends === undefined ? {} : { ends: registration.ends }),
      };
      const cert = sign(p, keys.secretKey, body);
      await store.addCertificate(cert);
      return cert;
    },
    async certifyDenominationKey(signed) {
      const request = signed.body;
      const spki = fromB64u(request.publicKey);
      if (spki === null || parseRsaSpki(spki) === null) {
        throw new NetCashError(
          'malformed',
          'publicKey must be the RSASSA-PSS SubjectPublicKeyInfo of a 2048–4096-bit key, e = 65537',
        );
      }
      if (request.depositFor <= request.withdrawFor) {
        throw new NetCashError('malformed', 'depositFor must be longer than withdrawFor');
      }
      const registration = await enrolled(signed);
      const currency = registration.currency;
      const keyId = denominationKeyId(p, spki);
      const held = await store.denominationKey(keyId);
      if (held !== null) {
        if (held.body.cs !== request.csName || held.body.value !== request.value) {
          throw new NetCashError('malformed', `key ${keyId} is certified for another use`);
        }
        return held;
      }
      const issued = now();
      const ends = insuredUntil(registration, issued);
      const insured = (await store.certificates(issued, request.csName)).find(
        (c) => c.body.currency === currency && c.body.denominations.includes(request.value),
      );
      if (insured === undefined) {
        throw new NetCashError(
          'unknown-cert',
          `${request.csName} holds no certificate for ${request.value} ${currency}`,
        );
      }
      const body: DenominationKeyBody = {
        type: 'denomination-key',
        keyId,
        cs: request.csName,
        value: request.value,
        currency,
        publicKey: request.publicKey,
        insurer: keys.public,
        issued,
        withdrawUntil: Math.min(issued + request.withdrawFor, ends),
        depositUntil: Math.min(issued + request.depositFor, ends),
        redeemUntil: Math.min(issued + request.depositFor, ends) + redemptionWindow,
      };
      const key = sign(p, keys.secretKey, body);
      if (!(await store.addDenominationKey(key))) {
        // Certified concurrently: the first one stands.
        const first = await store.denominationKey(keyId);
        if (first !== null) return first;
      }
      return key;
    },
    async denominationKey(keyId) {
      const key = await store.denominationKey(keyId);
      if (key === null) throw new NetCashError('not-found', `no denomination key ${keyId}`);
      return key;
    },
    denominationKeys: () => store.denominationKeys(now()),
    async revoke(request) {
      const known =
        (await store.certificate(request.certId)) !== null ||
        (await store.denominationKey(request.certId)) !== null;
      if (!known) {
        throw new NetCashError('unknown-cert', `no certificate ${request.certId}`);
      }
      return store.revoke(
        { certId: request.certId, date: now(), reason: request.reason },
        signList,
      );
    },
    async certificate(certId) {
      const cert = await store.certificate(certId);
      if (cert === null) throw new NetCashError('not-found', `no certificate ${certId}`);
      return cert;
    },
    async certificates(redeemable = false) {
      if (!redeemable) return store.certificates(now());
      const t = now();
      // Certificates of this insurer's policy carry redeemFor = redemptionWindow.
      return (await store.certificates(t - redemptionWindow)).filter(
        (c) => c.body.expires + c.body.redeemFor > t,
      );
    },
    async revocations() {
      const list = await store.revocationList();
      if (list === null) throw new NetCashError('internal', 'no revocation list');
      return list;
    },
    async directory(csName) {
      const certificates = (await store.certificates(now(), csName)).slice(0, 100);
      if (certificates.length === 0) throw new NetCashError('not-found', `no CS named ${csName}`);
      return { csName, addresses: certificates[0]!.body.addresses, certificates };
    },
  };
}
