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
  type AnyCoinBody,
  Certificate,
  type CertificateBody,
  type CryptoProvider,
  DenominationKey,
  DirectoryEntry,
  endpoint,
  getJson,
  NetCashError,
  OUTBOUND,
  PATHS,
  type Result,
  RevocationList,
  type Schema,
  signerIdOf,
  TrustStore,
  withRetry,
} from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import type { Clock } from '../config.ts';

/** Most ids (certificates, denomination keys) one request may make this CS look up. */
export const MAX_LOOKUPS = 8;
/** Seconds an id the insurer said it does not know is answered from memory. */
export const UNKNOWN_TTL = 60;
/** Most unknown ids remembered (the oldest are forgotten first). */
const MAX_UNKNOWN = 10_000;

type Kind = 'certificate' | 'denomination-key' | 'directory';

export class CsTrust {
  readonly store: TrustStore;
  private revocationsRead = Number.NEGATIVE_INFINITY;
  /** `kind:id` → until when (seconds) the insurer's "not found" stands. */
  private readonly unknown = new Map<string, number>();
  /** `kind:id` → the lookup in flight. */
  private readonly asking = new Map<string, Promise<void>>();

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

  /**
   * Makes sure the certificates `certIds` and denomination keys `keyIds` (blind-rsa, SPEC §7) a
   * request names are known, asking the insurer for those that are not. More than MAX_LOOKUPS
   * unknown ones is refused at once; an id the insurer does not know stays unknown (and the coin
   * naming it is refused by verification).
   */
  async ensureSigners(certIds: Iterable<string>, keyIds: Iterable<string>): Promise<void> {
    const missing: [Kind, string][] = [];
    for (const id of new Set(certIds)) {
      if (this.store.certificate(id) === undefined) missing.push(['certificate', id]);
    }
    for (const id of new Set(keyIds)) {
      if (this.store.denominationKey(id) === undefined) missing.push(['denomination-key', id]);
    }
    if (missing.length > MAX_LOOKUPS) {
      throw new NetCashError(
        'unknown-cert',
        `the request names ${missing.length} certificates or keys this server does not know`,
        { lookups: MAX_LOOKUPS },
      );
    }
    await Promise.all(missing.map(([kind, id]) => this.lookup(kind, id)));
  }

  /** ensureSigners for what `coins` name: nc1 certificates, blind-rsa denomination keys. */
  ensureSignersOf(coins: readonly { readonly body: AnyCoinBody }[]): Promise<void> {
    const nc1 = coins.filter((c) => c.body.scheme === 'nc1');
    const blind = coins.filter((c) => c.body.scheme !== 'nc1');
    return this.ensureSigners(
      nc1.map((c) => signerIdOf(c.body)),
      blind.map((c) => signerIdOf(c.body)),
    );
  }

  /** Asks the insurer for one id, unless it said recently that it has none, or is being asked. */
  private lookup(kind: Kind, id: string): Promise<void> {
    const key = `${kind}:${id}`;
    const until = this.unknown.get(key);
    if (until !== undefined) {
      if (this.now() < until) return Promise.resolve();
      this.unknown.delete(key);
    }
    let asking = this.asking.get(key);
    if (asking === undefined) {
      asking = this.fetch(kind, id).finally(() => this.asking.delete(key));
      this.asking.set(key, asking);
    }
    return asking;
  }

  private async fetch(kind: Kind, id: string): Promise<void> {
    const at = (path: string) => endpoint(this.insurerUrl, path + encodeURIComponent(id));
    let answer: Result<unknown>;
    if (kind === 'certificate') {
      const got = await this.read(at(PATHS.insurer.certificate), Certificate);
      if (got.ok && got.value.body.certId === id) this.store.addCertificate(got.value);
      answer = got;
    } else if (kind === 'denomination-key') {
      const got = await this.read(at(PATHS.insurer.denominationKey), DenominationKey);
      if (got.ok && got.value.body.keyId === id) this.store.addDenominationKey(got.value);
      answer = got;
    } else {
      const got = await this.read(at(PATHS.insurer.directory), DirectoryEntry);
      if (got.ok) for (const cert of got.value.certificates) this.store.addCertificate(cert);
      answer = got;
    }
    // Only the insurer's own "no such thing" is remembered: an unreachable insurer is asked again.
    if (!answer.ok && answer.error.code === 'not-found') {
      if (this.unknown.size >= MAX_UNKNOWN) {
        const oldest = this.unknown.keys().next();
        if (!oldest.done) this.unknown.delete(oldest.value);
      }
      this.unknown.set(`${kind}:${id}`, this.now() + UNKNOWN_TTL);
    }
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
    await this.lookup('directory', csName);
    return valid();
  }
}
