/**
 * A currency server's keys (SPEC §2, §3 key rotation, §11): its bank account key, its enrollment
 * key (signs its requests to the insurer; registered by the insurer's operator), a secret for
 * deriving `convert` reply keys (docs/PROTOCOL.md §4.5), and a history of key pairs, each an
 * Ed25519 signing key and a separate X25519 encryption key with the certificates of insurance
 * issued for them. Rotation appends a new pair; old pairs stay, so coins signed under an older,
 * unexpired certificate stay redeemable and requests sealed to its encKey still open.
 * Persisted in `keys.json` (mode 0600) in the CS's data folder.
 */
import {
  Certificate,
  type CertificateBody,
  type Certificate as CertificateT,
  type CryptoProvider,
  decode,
} from '@netcash/protocol';
import { jsonFile, saveJsonFile } from '../datadir.ts';
import { ed25519Pair, type NamedKeyPair, secretBytes, secretText, x25519Pair } from '../keys.ts';

interface StoredKeys {
  account: { secret: string; id: string | null };
  /** Absent in folders made before enrollment keys: created on the next start. */
  enrollment?: { secret: string };
  deriveSecret: string;
  pairs: { signSecret: string; encSecret: string; certificates: unknown[] }[];
}

/** One key pair set with the certificates issued for it. */
export interface KeyEntry {
  readonly sign: NamedKeyPair;
  readonly enc: NamedKeyPair;
  readonly certificates: CertificateT[];
}

export class KeyRing {
  private readonly entries: KeyEntry[];
  readonly account: NamedKeyPair;
  /** Signs this CS's certificate and denomination key requests to the insurer. */
  readonly enrollment: NamedKeyPair;
  readonly deriveSecret: Uint8Array;
  private accountId: string | null;

  private constructor(
    private readonly p: CryptoProvider,
    private readonly dir: string,
    private readonly stored: StoredKeys,
  ) {
    this.account = ed25519Pair(p, stored.account.secret);
    if (stored.enrollment === undefined) {
      stored.enrollment = { secret: secretText(p.ed25519.keygen()) };
      saveJsonFile(dir, 'keys.json', stored);
    }
    this.enrollment = ed25519Pair(p, stored.enrollment.secret);
    this.accountId = stored.account.id;
    this.deriveSecret = secretBytes(stored.deriveSecret);
    this.entries = stored.pairs.map((pair) => ({
      sign: ed25519Pair(p, pair.signSecret),
      enc: x25519Pair(p, pair.encSecret),
      certificates: pair.certificates.flatMap((c) => {
        const decoded = decode(Certificate, c);
        return decoded.ok ? [decoded.value] : [];
      }),
    }));
  }

  /** Loads `dir/keys.json`, creating the keys on first start. */
  static open(p: CryptoProvider, dir: string): KeyRing {
    const stored = jsonFile<StoredKeys>(dir, 'keys.json', () => ({
      account: { secret: secretText(p.ed25519.keygen()), id: null },
      enrollment: { secret: secretText(p.ed25519.keygen()) },
      deriveSecret: secretText(p.ed25519.keygen()),
      pairs: [
        {
          signSecret: secretText(p.ed25519.keygen()),
          encSecret: secretText(p.x25519.keygen()),
          certificates: [],
        },
      ],
    }));
    return new KeyRing(p, dir, stored);
  }

  /**
   * Reads `dir/keys.json` as the main thread last wrote it: a worker thread's view of the keys,
   * which never creates or changes any.
   */
  static read(p: CryptoProvider, dir: string): KeyRing {
    const stored = jsonFile<StoredKeys>(dir, 'keys.json', () => {
      throw new Error(`no keys in ${dir}: the server's main thread creates them`);
    });
    if (stored.enrollment === undefined) throw new Error(`keys in ${dir} are not complete`);
    return new KeyRing(p, dir, stored);
  }

  get accountIdOrNull(): string | null {
    return this.accountId;
  }

  setAccount(id: string): void {
    this.accountId = id;
    this.stored.account.id = id;
    this.save();
  }

  /** The newest key pair: new coins are signed with it. */
  get newest(): KeyEntry {
    return this.entries[this.entries.length - 1]!;
  }

  /** Every certificate of every key pair. */
  get certificates(): CertificateT[] {
    return this.entries.flatMap((e) => e.certificates);
  }

  /** The key pair certified by `certId`. */
  byCertId(certId: string): KeyEntry | undefined {
    return this.entries.find((e) => e.certificates.some((c) => c.body.certId === certId));
  }

  /** The newest certificate of the newest key pair that `usable` accepts. */
  current(usable: (cert: CertificateBody) => boolean): CertificateT | undefined {
    return [...this.newest.certificates]
      .sort((a, b) => b.body.issued - a.body.issued)
      .find((c) => usable(c.body));
  }

  addCertificate(entry: KeyEntry, cert: CertificateT): void {
    entry.certificates.push(cert);
    const index = this.entries.indexOf(entry);
    this.stored.pairs[index]!.certificates.push(cert);
    this.save();
  }

  /** Appends a fresh key pair (not yet certified); returns it. */
  rotate(): KeyEntry {
    const sign = this.p.ed25519.keygen();
    const enc = this.p.x25519.keygen();
    const stored = { signSecret: secretText(sign), encSecret: secretText(enc), certificates: [] };
    this.stored.pairs.push(stored);
    const entry: KeyEntry = {
      sign: ed25519Pair(this.p, stored.signSecret),
      enc: x25519Pair(this.p, stored.encSecret),
      certificates: [],
    };
    this.entries.push(entry);
    this.save();
    return entry;
  }

  private save(): void {
    saveJsonFile(this.dir, 'keys.json', this.stored);
  }
}
