/**
 * The insurer (the paper's FIC, §4): the root of trust. It certifies a currency server's keys
 * with a certificate of insurance (figure 1) and its RSA denomination keys for blind-rsa coins
 * (SPEC §7), publishes both and a signed revocation list with an increasing `seq`, and answers
 * the directory (CS name → addresses, paper §4.1).
 * Domain logic only: HTTP is in server.ts, persistence in store.ts.
 */
import {
  type Certificate,
  type CertificateBody,
  type CertifyDenominationKeyRequest,
  type CertifyRequest,
  type CryptoProvider,
  type DenominationKey,
  type DenominationKeyBody,
  type DirectoryEntry,
  denominationKeyId,
  fromB64u,
  NetCashError,
  parseRsaSpki,
  type RevocationList,
  type RevokeRequest,
  sign,
  toB64u,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import type { NamedKeyPair } from '../keys.ts';
import type { InsurerStore, Revocation } from './store.ts';

export interface Insurer {
  readonly name: string;
  /** The trust anchor wallets and merchants configure (base64url Ed25519 key). */
  readonly signKey: string;
  certify(request: CertifyRequest): Promise<Certificate>;
  /**
   * Certifies a CS's RSA key for blind-rsa coins of one value. The CS must hold a valid
   * certificate of insurance for that currency and value. Certifying a key id again returns the
   * key as first certified (a CS that lost the answer asks again).
   */
  certifyDenominationKey(request: CertifyDenominationKeyRequest): Promise<DenominationKey>;
  denominationKey(keyId: string): Promise<DenominationKey>;
  denominationKeys(): Promise<DenominationKey[]>;
  revoke(request: RevokeRequest): Promise<RevocationList>;
  certificate(certId: string): Promise<Certificate>;
  certificates(): Promise<Certificate[]>;
  revocations(): Promise<RevocationList>;
  directory(csName: string): Promise<DirectoryEntry>;
}

export async function createInsurer(options: {
  readonly p: CryptoProvider;
  readonly name: string;
  readonly keys: NamedKeyPair;
  readonly store: InsurerStore;
  readonly now: Clock;
}): Promise<Insurer> {
  const { p, name, keys, store, now } = options;
  const signList = (seq: number, revoked: Revocation[]): RevocationList =>
    sign(p, keys.secretKey, {
      type: 'revocation-list',
      insurer: keys.public,
      seq,
      issued: now(),
      revoked: revoked.map((r) => ({ certId: r.certId, date: r.date, reason: r.reason })),
    });
  await store.initRevocations(signList);

  return {
    name,
    signKey: keys.public,
    async certify(request) {
      const d = request.denominations;
      if (!d.every((x, i) => i === 0 || x > d[i - 1]!)) {
        throw new NetCashError('malformed', 'denominations must be strictly ascending');
      }
      if (request.signKey === request.encKey) {
        throw new NetCashError('malformed', 'signing and encryption keys must differ');
      }
      const issued = now();
      const body: CertificateBody = {
        type: 'certificate',
        certId: `${request.csName}.${toB64u(p.randomBytes(9))}`,
        csName: request.csName,
        signKey: request.signKey,
        encKey: request.encKey,
        addresses: request.addresses,
        currency: request.currency,
        denominations: request.denominations,
        mintLimit: request.mintLimit,
        bank: request.bank,
        account: request.account,
        insurer: keys.public,
        issued,
        expires: issued + request.lifetime,
      };
      const cert = sign(p, keys.secretKey, body);
      await store.addCertificate(cert);
      return cert;
    },
    async certifyDenominationKey(request) {
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
      const keyId = denominationKeyId(p, spki);
      const held = await store.denominationKey(keyId);
      if (held !== null) {
        if (held.body.cs !== request.csName || held.body.value !== request.value) {
          throw new NetCashError('malformed', `key ${keyId} is certified for another use`);
        }
        return held;
      }
      const issued = now();
      const insured = (await store.certificates(issued, request.csName)).find(
        (c) => c.body.currency === request.currency && c.body.denominations.includes(request.value),
      );
      if (insured === undefined) {
        throw new NetCashError(
          'unknown-cert',
          `${request.csName} holds no certificate for ${request.value} ${request.currency}`,
        );
      }
      const body: DenominationKeyBody = {
        type: 'denomination-key',
        keyId,
        cs: request.csName,
        value: request.value,
        currency: request.currency,
        publicKey: request.publicKey,
        insurer: keys.public,
        issued,
        withdrawUntil: issued + request.withdrawFor,
        depositUntil: issued + request.depositFor,
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
    certificates: () => store.certificates(now()),
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
