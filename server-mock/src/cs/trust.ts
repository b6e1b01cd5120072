/**
 * What a currency server trusts, kept fresh from its insurer: the protocol's TrustStore (insurer
 * key, certificates of insurance, revocation list) plus fetching. A certificate a coin names
 * but the CS hasn't seen is fetched from the insurer (paper footnote 2: "retrieved from a
 * directory service") — likewise a denomination key a blind-rsa coin names (SPEC §7); the
 * revocation list is re-read when older than `refresh` seconds; another
 * CS's certificates come from the insurer's directory (paper §4.1). A certificate, key or directory
 * read goes through the one retry policy (`OUTBOUND`): a dropped connection costs a quick retry,
 * not the client's request.
 */
import {
  Certificate,
  type CertificateBody,
  type CryptoProvider,
  DenominationKey,
  DirectoryEntry,
  endpoint,
  getJson,
  OUTBOUND,
  PATHS,
  type Result,
  RevocationList,
  type Schema,
  TrustStore,
  withRetry,
} from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import type { Clock } from '../config.ts';

export class CsTrust {
  readonly store: TrustStore;
  private revocationsRead = Number.NEGATIVE_INFINITY;

  constructor(
    p: CryptoProvider,
    insurerKey: string,
    private readonly insurerUrl: string,
    private readonly now: Clock,
    private readonly refresh: number,
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {
    this.store = new TrustStore(p, [insurerKey]);
  }

  private read<T>(url: string, schema: Schema<T>): Promise<Result<T>> {
    return withRetry(OUTBOUND, () => getJson(url, schema, { timeoutMs: this.timeoutMs }));
  }

  /** Makes sure `certId` is known, asking the insurer if not. Unknown stays unknown. */
  async ensureCertificate(certId: string): Promise<void> {
    if (this.store.certificate(certId) !== undefined) return;
    const url = endpoint(this.insurerUrl, PATHS.insurer.certificate + encodeURIComponent(certId));
    const got = await this.read(url, Certificate);
    if (got.ok && got.value.body.certId === certId) this.store.addCertificate(got.value);
  }

  /** Makes sure denomination key `keyId` (blind-rsa, SPEC §7) is known, asking the insurer if not. */
  async ensureDenominationKey(keyId: string): Promise<void> {
    if (this.store.denominationKey(keyId) !== undefined) return;
    const url = endpoint(
      this.insurerUrl,
      PATHS.insurer.denominationKey + encodeURIComponent(keyId),
    );
    const got = await this.read(url, DenominationKey);
    if (got.ok && got.value.body.keyId === keyId) this.store.addDenominationKey(got.value);
  }

  /** Re-reads the revocation list when it is older than the refresh interval. */
  async refreshRevocations(force = false): Promise<void> {
    const now = this.now();
    if (!force && now - this.revocationsRead < this.refresh) return;
    const url = endpoint(this.insurerUrl, PATHS.insurer.revocations);
    // Even a failed attempt waits a full interval, and is not retried at once: an unreachable
    // insurer must not cost every request a timeout. The list held so far stays in force.
    this.revocationsRead = now;
    const got = await getJson(url, RevocationList, { timeoutMs: this.timeoutMs });
    if (!got.ok) {
      this.log.warn('revocation list not refreshed', { error: got.error.message });
      return;
    }
    const set = this.store.setRevocations(got.value);
    if (!set.ok) this.log.warn('revocation list refused', { error: set.error.message });
  }

  /** The newest valid certificate of CS `csName`, from the insurer's directory if needed. */
  async certificateOf(csName: string): Promise<CertificateBody | undefined> {
    const valid = () =>
      this.store
        .certificatesOf(csName)
        .find((c) => this.store.validCertificate(c.certId, this.now()).ok);
    const held = valid();
    if (held !== undefined) return held;
    const url = endpoint(this.insurerUrl, PATHS.insurer.directory + encodeURIComponent(csName));
    const got = await this.read(url, DirectoryEntry);
    if (got.ok) for (const cert of got.value.certificates) this.store.addCertificate(cert);
    return valid();
  }
}
