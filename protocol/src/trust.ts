/**
 * What a verifier trusts: insurer keys (the anchors), the certificates of insurance they signed
 * (paper figure 1), the blind-rsa denomination keys they signed (SPEC §7) and their revocation
 * lists. Wallets, merchants and currency servers each keep one, filled from the insurer's public
 * endpoints or from the certificates and keys sent with coins.
 *
 * A revocation list names certificates by `certId` and denomination keys by `keyId` (the same
 * `certId` field of an entry; the two id spaces can't collide: a keyId is 43 base64url
 * characters of a hash, a certId is chosen by the insurer as `csName.random`).
 */
import type { CryptoProvider } from './crypto/provider.ts';
import { parseRsaSpki, type RsaPublicKey } from './crypto/rsa/spki.ts';
import { fromB64u, toB64u } from './encoding/base64url.ts';
import { fail, ok, type Result } from './errors.ts';
import type {
  Certificate,
  CertificateBody,
  DenominationKey,
  DenominationKeyBody,
  RevocationList,
  RevocationListBody,
} from './schema/objects.ts';
import { verify } from './signing.ts';

/** A denomination key with its RSA public key parsed once. */
interface HeldKey {
  readonly signed: DenominationKey;
  readonly rsa: RsaPublicKey;
}

/** The key id of an RSA SubjectPublicKeyInfo: base64url SHA-256 of its DER bytes. */
export function denominationKeyId(p: CryptoProvider, spki: Uint8Array): string {
  return toB64u(p.sha256(spki));
}

export class TrustStore {
  private readonly insurers: ReadonlySet<string>;
  private readonly certificates = new Map<string, Certificate>();
  private readonly keys = new Map<string, HeldKey>();
  private readonly revocations = new Map<string, RevocationListBody>();

  constructor(
    private readonly p: CryptoProvider,
    insurerKeys: readonly string[],
  ) {
    this.insurers = new Set(insurerKeys);
  }

  /** Trusted insurer keys (base64url). */
  get insurerKeys(): readonly string[] {
    return [...this.insurers];
  }

  trustsInsurer(key: string): boolean {
    return this.insurers.has(key);
  }

  /**
   * Adds a certificate after checking it was signed by a trusted insurer. A certificate already
   * held under the same id must be the same one (ids are unique per insurer).
   */
  addCertificate(cert: Certificate): Result<CertificateBody> {
    const { body } = cert;
    if (!this.insurers.has(body.insurer)) {
      return fail('untrusted-cert', `certificate ${body.certId} is from an untrusted insurer`);
    }
    if (!verify(this.p, body.insurer, cert)) {
      return fail('untrusted-cert', `certificate ${body.certId} has a bad insurer signature`);
    }
    const held = this.certificates.get(body.certId);
    if (held !== undefined && held.sig !== cert.sig) {
      return fail('untrusted-cert', `certificate ${body.certId} conflicts with a known one`);
    }
    this.certificates.set(body.certId, cert);
    return ok(body);
  }

  /** Installs a revocation list if it is signed by a trusted insurer and newer than the held one. */
  setRevocations(list: RevocationList): Result<RevocationListBody> {
    const { body } = list;
    if (!this.insurers.has(body.insurer) || !verify(this.p, body.insurer, list)) {
      return fail('bad-signature', 'revocation list is not signed by a trusted insurer');
    }
    const held = this.revocations.get(body.insurer);
    if (held === undefined || body.seq >= held.seq) this.revocations.set(body.insurer, body);
    return ok(this.revocations.get(body.insurer)!);
  }

  certificate(certId: string): CertificateBody | undefined {
    return this.certificates.get(certId)?.body;
  }

  signedCertificate(certId: string): Certificate | undefined {
    return this.certificates.get(certId);
  }

  /** All held certificates of `csName`, newest first. */
  certificatesOf(csName: string): CertificateBody[] {
    return [...this.certificates.values()]
      .map((c) => c.body)
      .filter((b) => b.csName === csName)
      .sort((a, b) => b.issued - a.issued);
  }

  isRevoked(cert: CertificateBody | DenominationKeyBody): boolean {
    const id = cert.type === 'certificate' ? cert.certId : cert.keyId;
    const list = this.revocations.get(cert.insurer);
    return list?.revoked.some((r) => r.certId === id) ?? false;
  }

  /**
   * Adds a denomination key after checking its insurer signature, that `keyId` is the hash of
   * its `publicKey`, that the key is a canonical RSASSA-PSS key of a supported size, and that
   * `issued ≤ withdrawUntil ≤ depositUntil ≤ redeemUntil`. A key already held under the id must be the same.
   */
  addDenominationKey(key: DenominationKey): Result<DenominationKeyBody> {
    const { body } = key;
    if (!this.insurers.has(body.insurer) || !verify(this.p, body.insurer, key)) {
      return fail('untrusted-cert', `denomination key ${body.keyId} is not from a trusted insurer`);
    }
    const spki = fromB64u(body.publicKey);
    const rsa = spki === null ? null : parseRsaSpki(spki);
    if (spki === null || rsa === null || denominationKeyId(this.p, spki) !== body.keyId) {
      return fail('untrusted-cert', `denomination key ${body.keyId} does not match its RSA key`);
    }
    if (
      !(
        body.issued <= body.withdrawUntil &&
        body.withdrawUntil <= body.depositUntil &&
        body.depositUntil <= body.redeemUntil
      )
    ) {
      return fail('untrusted-cert', `denomination key ${body.keyId} has inconsistent dates`);
    }
    const held = this.keys.get(body.keyId);
    if (held !== undefined && held.signed.sig !== key.sig) {
      return fail('untrusted-cert', `denomination key ${body.keyId} conflicts with a known one`);
    }
    this.keys.set(body.keyId, { signed: key, rsa });
    return ok(body);
  }

  denominationKey(keyId: string): DenominationKeyBody | undefined {
    return this.keys.get(keyId)?.signed.body;
  }

  signedDenominationKey(keyId: string): DenominationKey | undefined {
    return this.keys.get(keyId)?.signed;
  }

  /** The parsed RSA public key of a held denomination key. */
  rsaKey(keyId: string): RsaPublicKey | undefined {
    return this.keys.get(keyId)?.rsa;
  }

  /** Held denomination keys of `csName`, newest first. */
  denominationKeysOf(csName: string): DenominationKeyBody[] {
    return [...this.keys.values()]
      .map((k) => k.signed.body)
      .filter((b) => b.cs === csName)
      .sort((a, b) => b.issued - a.issued || a.keyId.localeCompare(b.keyId));
  }

  /** The denomination key `keyId` if known, not revoked and its coins not expired at `now`. */
  validDenominationKey(keyId: string, now: number): Result<DenominationKeyBody> {
    const key = this.denominationKey(keyId);
    if (key === undefined) return fail('unknown-cert', `denomination key ${keyId} is not known`);
    if (this.isRevoked(key)) return fail('revoked', `denomination key ${keyId} is revoked`);
    if (now >= key.depositUntil) return fail('expired', `denomination key ${keyId} expired`);
    return ok(key);
  }

  /**
   * The key a wallet withdraws `value` of `csName` under at `now`: the oldest one still taking
   * withdrawals. Every wallet choosing the same key from the public lists keeps the anonymity set
   * whole, and the oldest has the largest one: while a new key overlaps it, withdrawals stay in
   * the old crowd instead of starting a tiny new one (docs/PRIVACY.md "Anonymity sets").
   */
  withdrawalKey(csName: string, value: number, now: number): DenominationKeyBody | undefined {
    return this.denominationKeysOf(csName).findLast(
      (k) =>
        k.value === value &&
        k.issued <= now &&
        now < k.withdrawUntil &&
        this.validDenominationKey(k.keyId, now).ok,
    );
  }

  /** The certificate `certId` if known, trusted, not revoked and not expired at `now`. */
  validCertificate(certId: string, now: number): Result<CertificateBody> {
    const cert = this.certificate(certId);
    if (cert === undefined) return fail('unknown-cert', `certificate ${certId} is not known`);
    if (this.isRevoked(cert)) return fail('revoked', `certificate ${certId} is revoked`);
    if (now >= cert.expires) return fail('expired', `certificate ${certId} expired`);
    return ok(cert);
  }
}
