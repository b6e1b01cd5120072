/**
 * The merchant's view of the federation: its own currency server (certificate, denominations,
 * currency) and the trust store that offline coin verification (SPEC §3, §7) runs against —
 * insurer keys as anchors, certificates and blind-rsa denomination keys from the insurer's lists,
 * from its CS and from those sent with coins, and the insurer's revocation list. Refreshed every
 * few minutes, and at once (at most every 10 s) when a coin names a key it does not know.
 */
import {
  CertificateList,
  type CryptoProvider,
  CsInfo,
  type CsTarget,
  DenominationKeyList,
  endpoint,
  type FetchFn,
  fail,
  getJson,
  ok,
  PATHS,
  type Result,
  RevocationList,
  TrustStore,
} from '@netcash/protocol';

export interface OwnCs {
  readonly csName: string;
  readonly currency: string;
  readonly denominations: readonly number[];
  readonly target: CsTarget;
}

const INFO_TTL_MS = 5 * 60_000;
const TRUST_RETRY_MS = 10_000;

export class CsLink {
  readonly trust: TrustStore;
  private own: { value: OwnCs; at: number } | null = null;
  private trustAt = 0;
  private loading: Promise<Result<OwnCs>> | null = null;

  constructor(
    p: CryptoProvider,
    insurers: readonly string[],
    private readonly csUrl: string,
    private readonly insurerUrl: string | undefined,
    private readonly fetchFn: FetchFn | undefined,
    private readonly now: () => number,
  ) {
    this.trust = new TrustStore(p, insurers);
  }

  private http() {
    return this.fetchFn === undefined ? {} : { fetch: this.fetchFn };
  }

  /** The merchant's CS, loaded on first use and every few minutes after. */
  async ownCs(): Promise<Result<OwnCs>> {
    if (this.own !== null && Date.now() - this.own.at < INFO_TTL_MS) return ok(this.own.value);
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    const loaded = await this.loading;
    // A stale view beats none while the CS is briefly away.
    if (!loaded.ok && this.own !== null) return ok(this.own.value);
    return loaded;
  }

  /**
   * The merchant's CS as last seen, without waiting on it: for a payment taken offline, which
   * must not hang on a currency server that does not answer (a stale view is reloaded in the
   * background). Loads it only if it was never seen.
   */
  async ownCsNow(): Promise<Result<OwnCs>> {
    if (this.own === null) return this.ownCs();
    if (Date.now() - this.own.at >= INFO_TTL_MS) void this.ownCs().catch(() => undefined);
    return ok(this.own.value);
  }

  /** Like ownCs, throwing the refusal: for code paths that answer with it. */
  async requireOwnCs(): Promise<OwnCs> {
    const own = await this.ownCs();
    if (!own.ok) throw own.error;
    return own.value;
  }

  private async load(): Promise<Result<OwnCs>> {
    await this.refreshTrust(true);
    const info = await getJson(endpoint(this.csUrl, PATHS.cs.info), CsInfo, this.http());
    if (!info.ok) return info;
    const now = this.now();
    for (const key of info.value.denominationKeys ?? []) this.trust.addDenominationKey(key);
    let target: CsTarget | null = null;
    for (const cert of info.value.certificates) {
      const added = this.trust.addCertificate(cert);
      if (!added.ok) continue;
      const valid = this.trust.validCertificate(cert.body.certId, now);
      if (target === null && valid.ok && cert.body.csName === info.value.csName) {
        target = {
          certId: cert.body.certId,
          encKey: cert.body.encKey,
          addresses: cert.body.addresses,
        };
      }
    }
    if (target === null) {
      return fail(
        'untrusted-cert',
        `${info.value.csName} has no certificate from a trusted insurer`,
      );
    }
    const value: OwnCs = {
      csName: info.value.csName,
      currency: info.value.currency,
      denominations: info.value.denominations,
      target,
    };
    this.own = { value, at: Date.now() };
    return ok(value);
  }

  /**
   * Reads the insurer's certificates and revocation list. `force` ignores the rate limit only for
   * the periodic reload; a payment naming an unknown certificate waits at least 10 s between tries.
   */
  async refreshTrust(force = false): Promise<void> {
    if (this.insurerUrl === undefined) return;
    if (!force && Date.now() - this.trustAt < TRUST_RETRY_MS) return;
    this.trustAt = Date.now();
    const http = this.http();
    const [certs, keys, revocations] = await Promise.all([
      getJson(endpoint(this.insurerUrl, PATHS.insurer.certificates), CertificateList, http),
      getJson(endpoint(this.insurerUrl, PATHS.insurer.denominationKeys), DenominationKeyList, http),
      getJson(endpoint(this.insurerUrl, PATHS.insurer.revocations), RevocationList, http),
    ]);
    if (certs.ok) for (const c of certs.value.certificates) this.trust.addCertificate(c);
    if (keys.ok) for (const k of keys.value.denominationKeys) this.trust.addDenominationKey(k);
    if (revocations.ok) this.trust.setRevocations(revocations.value);
  }
}
