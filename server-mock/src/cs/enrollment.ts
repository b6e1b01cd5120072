/**
 * A currency server's link to its insurer (SPEC §11, docs/PROTOCOL.md §7.1): it asks for its
 * certificates of insurance and denomination keys with requests signed by its *enrollment key*,
 * a key of its own that the insurer's operator registered for this CS's name together with the
 * bank account and mint limit the insurer chose. The CS holds no credential of the insurer's: a
 * stolen CS can renew its own certificates, and nothing else.
 *
 * Until the operator has registered the CS, the insurer answers `unauthorized`. Standalone, the
 * CS then stops with the registration the operator has to make (`Application`, printed as the
 * `netcash insurer register` command line); in `netcash up` and the test federation the operator
 * runs in the same process and registers it on the spot (`enroll`).
 */
import {
  type Certificate,
  type CertificateRequestBody,
  type CryptoProvider,
  type DenominationKey,
  type DenominationKeyRequestBody,
  endpoint,
  NetCashError,
  PATHS,
  postJson,
  type Result,
  randomId,
  type Schema,
  sign,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import type { NamedKeyPair } from '../keys.ts';

/** What the insurer's operator needs to register this CS. */
export interface Application {
  readonly csName: string;
  /** The CS's enrollment key (base64url Ed25519). */
  readonly enrollmentKey: string;
  readonly bank: string;
  readonly account: string;
  readonly currency: string;
}

/** The insurer's operator, in this process (`netcash up`, tests): registers an application. */
export type Enroll = (application: Application) => Promise<void>;

/**
 * The operator's command that registers `a` (`MINT_LIMIT` is the insurer's choice). The key is
 * glued to its flag with `=`: one base64url key in 64 begins with `-`, which a separate argument
 * would make look like a flag.
 */
export function registerCommand(a: Application): string {
  return (
    `netcash insurer register --name ${a.csName} --enrollment-key=${a.enrollmentKey} ` +
    `--bank ${a.bank} --account ${a.account} --currency ${a.currency} --mint-limit MINT_LIMIT`
  );
}

type Ask<B> = Omit<B, 'type' | 'insurer' | 'csName' | 'nonce' | 'date'>;

export class InsurerLink {
  constructor(
    private readonly o: {
      readonly p: CryptoProvider;
      readonly url: string;
      /** The insurer's signing key: requests name it, so they are worthless at another. */
      readonly insurerKey: string;
      readonly enrollmentKey: NamedKeyPair;
      readonly application: Application;
      readonly enroll?: Enroll;
      readonly now: Clock;
      readonly timeoutMs: number;
    },
  ) {}

  certificate(ask: Ask<CertificateRequestBody>, schema: Schema<Certificate>): Promise<Certificate> {
    return this.send(
      PATHS.insurer.enrollCertificate,
      (common) => ({ type: 'certificate-request', ...common, ...ask }),
      schema,
    );
  }

  denominationKey(
    ask: Ask<DenominationKeyRequestBody>,
    schema: Schema<DenominationKey>,
  ): Promise<DenominationKey> {
    return this.send(
      PATHS.insurer.enrollDenominationKey,
      (common) => ({ type: 'denomination-key-request', ...common, ...ask }),
      schema,
    );
  }

  private async send<B extends CertificateRequestBody | DenominationKeyRequestBody, T>(
    path: string,
    body: (common: { insurer: string; csName: string; nonce: string; date: number }) => B,
    schema: Schema<T>,
  ): Promise<T> {
    const { p, application } = this.o;
    const once = (): Promise<Result<T>> => {
      const signed = sign(
        p,
        this.o.enrollmentKey.secretKey,
        body({
          insurer: this.o.insurerKey,
          csName: application.csName,
          nonce: randomId(p),
          date: this.o.now(),
        }),
      );
      return postJson(endpoint(this.o.url, path), signed, schema, {
        timeoutMs: this.o.timeoutMs,
      });
    };
    let answer = await once();
    if (!answer.ok && answer.error.code === 'unauthorized' && this.o.enroll !== undefined) {
      await this.o.enroll(application);
      answer = await once();
    }
    if (answer.ok) return answer.value;
    if (answer.error.code === 'unauthorized') {
      throw new NetCashError(
        'unauthorized',
        `${application.csName} is not enrolled at the insurer ${this.o.url} (${answer.error.message}). ` +
          `Its operator registers it with:\n  ${registerCommand(application)}`,
        { ...application },
      );
    }
    throw answer.error;
  }
}
