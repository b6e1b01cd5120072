/**
 * What a verifier trusts: insurer keys (the anchors), the certificates of insurance they signed
 * (paper figure 1) and their revocation lists. Wallets, merchants and currency servers each keep
 * one, filled from the insurer's public endpoints or from certificates sent with coins.
 */
import type { CryptoProvider } from './crypto/provider.ts';
import { fail, ok, type Result } from './errors.ts';
import type {
  Certificate,
  CertificateBody,
  RevocationList,
  RevocationListBody,
} from './schema/objects.ts';
import { verify } from './signing.ts';

export class TrustStore {
  private readonly insurers: ReadonlySet<string>;
  private readonly certificates = new Map<string, Certificate>();
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

  isRevoked(cert: CertificateBody): boolean {
    const list = this.revocations.get(cert.insurer);
    return list?.revoked.some((r) => r.certId === cert.certId) ?? false;
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
