/**
 * A currency server's blind-rsa denomination keys (SPEC §7): one RSA key per coin value, each
 * certified by the insurer (`denomination-key`, PROTOCOL §3.12), and a new one before the current
 * one stops taking withdrawals. Coins of a key expire at its `depositUntil`, which is what bounds
 * the CS's spent list.
 *
 * Persisted in `denomination-keys.json` (mode 0600) in the CS's data folder. A key is written
 * before it goes to the insurer, so a crash in between certifies the same key on the next start
 * (the insurer answers a repeat with the key as first certified). The private key only ever signs
 * withdrawals, so it is deleted once the key's withdrawal period is over: a stolen data folder
 * can't mint coins under old keys; spending needs only the public key, which stays certified.
 *
 * Several processes of one CS share the data folder (SPEC §9): before deciding whether a key is
 * due, `ensure` re-reads the file and takes in keys another process made, so a rotation done by
 * one is used, not repeated, by the others. (Two processes rotating in the same instant would
 * both make a key; both are certified and valid, the file keeps the later writer's list, and the
 * other process keeps signing with its own key until it restarts — wasteful, not unsafe.)
 */
import {
  type CryptoProvider,
  DenominationKey,
  type DenominationKeyBody,
  type DenominationKey as DenominationKeyT,
  decode,
  denominationKeyId,
  fromB64u,
  NetCashError,
  toB64u,
} from '@netcash/protocol';
import {
  type BlindSigningKey,
  blindSigningKey,
  generateBlindSigningKeyAsync,
} from '@netcash/protocol/node';
import { jsonFile, saveJsonFile } from '../datadir.ts';
import type { InsurerLink } from './enrollment.ts';

/** What keys the CS keeps, and how long they live. */
export interface BlindKeyPolicy {
  /** Coin values with a blind-rsa key (a subset of the certified denominations). */
  readonly denominations: readonly number[];
  /** Seconds a key takes withdrawals. */
  readonly withdrawPeriod: number;
  /** Seconds its coins stay valid after its withdrawal period: depositUntil − withdrawUntil. */
  readonly coinLifetime: number;
  /** A new key is made when fewer seconds than this are left of the current one's withdrawals. */
  readonly renewal: number;
  /** Where new RSA keys come from (OpenSSL on the thread pool; tests pass fixture keys). */
  readonly keygen?: () => Promise<BlindSigningKey>;
}

interface StoredKey {
  value: number;
  keyId: string;
  /** PKCS#8 DER, base64url; null once the withdrawal period is over. */
  pkcs8: string | null;
  /** The insurer's `denomination-key`, once certified. */
  certified: unknown;
}

interface Entry {
  readonly stored: StoredKey;
  signer: BlindSigningKey | null;
  key: DenominationKeyT | null;
}

function readStored(dir: string): { keys: StoredKey[] } {
  return jsonFile(dir, 'denomination-keys.json', () => ({ keys: [] as StoredKey[] }));
}

function entryOf(k: StoredKey): Entry {
  const decoded = k.certified === null ? null : decode(DenominationKey, k.certified);
  return {
    stored: k,
    signer: k.pkcs8 === null ? null : blindSigningKey(fromB64u(k.pkcs8)!),
    key: decoded?.ok ? decoded.value : null,
  };
}

export class BlindKeyRing {
  private readonly entries: Entry[];

  private constructor(
    private readonly p: CryptoProvider,
    private readonly dir: string,
    private readonly stored: { keys: StoredKey[] },
  ) {
    this.entries = stored.keys.map(entryOf);
  }

  static open(p: CryptoProvider, dir: string): BlindKeyRing {
    return new BlindKeyRing(p, dir, readStored(dir));
  }

  /** Takes in keys another process of this CS wrote to the shared file since we read it. */
  private reload(): void {
    for (const k of readStored(this.dir).keys) {
      if (this.stored.keys.some((held) => held.keyId === k.keyId)) continue;
      this.stored.keys.push(k);
      this.entries.push(entryOf(k));
    }
  }

  /**
   * Certified keys whose coins are still redeemable at `now` (the trust store; CsInfo lists those
   * whose coins still pay), newest first.
   */
  published(now: number): DenominationKeyT[] {
    return this.entries
      .flatMap((e) => (e.key === null ? [] : [e.key]))
      .filter((k) => k.body.redeemUntil > now)
      .sort((a, b) => b.body.issued - a.body.issued || a.body.keyId.localeCompare(b.body.keyId));
  }

  /**
   * The key and signer for a withdrawal under `keyId` at `now`. Refusals: not a key of this CS
   * (`unknown-cert`), revoked (`revoked`: the CS never signs under a revoked key), its withdrawal
   * period not begun or over (`expired`).
   */
  signer(
    keyId: string,
    now: number,
    revoked: (key: DenominationKeyBody) => boolean,
  ): { key: DenominationKeyBody; signer: BlindSigningKey } {
    const entry = this.entries.find((e) => e.key?.body.keyId === keyId);
    if (entry?.key === null || entry === undefined) {
      throw new NetCashError('unknown-cert', `no denomination key ${keyId} here`);
    }
    const key = entry.key.body;
    if (revoked(key)) {
      throw new NetCashError('revoked', `denomination key ${keyId} is revoked; use its successor`);
    }
    if (entry.signer === null || now < key.issued || now >= key.withdrawUntil) {
      throw new NetCashError('expired', `denomination key ${keyId} takes no withdrawals now`);
    }
    return { key, signer: entry.signer };
  }

  /**
   * Makes sure every value of the policy has a certified, unrevoked key with more than `renewal`
   * seconds of withdrawals left: new keys are generated (in parallel), saved, then certified by the
   * insurer on requests signed with this CS's enrollment key. A revoked key is replaced at once
   * (docs/PROTOCOL.md §4.7) and its private key deleted. `ends`: the end of the CS's insurance,
   * if the insurer set one — a key whose coins outlive it is replaced, one whose withdrawals reach
   * it is as fresh as any can be.
   */
  async ensure(
    policy: BlindKeyPolicy,
    csName: string,
    insurer: InsurerLink,
    now: number,
    revoked: (key: DenominationKeyBody) => boolean,
    ends?: number,
  ): Promise<DenominationKeyT[]> {
    this.reload();
    for (const e of this.entries) {
      if (e.key !== null && e.signer !== null && revoked(e.key.body)) {
        e.signer = null;
        e.stored.pkcs8 = null;
        this.save();
      }
    }
    const due = policy.denominations.filter(
      (value) =>
        !this.entries.some(
          (e) =>
            e.stored.value === value &&
            e.signer !== null &&
            (e.key === null ||
              ((e.key.body.withdrawUntil - now > policy.renewal ||
                (ends !== undefined && e.key.body.withdrawUntil >= ends)) &&
                (ends === undefined || e.key.body.depositUntil <= ends))),
        ),
    );
    const keygen = policy.keygen ?? (() => generateBlindSigningKeyAsync());
    const fresh = await Promise.all(due.map(async (value) => ({ value, signer: await keygen() })));
    for (const { value, signer } of fresh) {
      const stored: StoredKey = {
        value,
        keyId: denominationKeyId(this.p, signer.spki),
        pkcs8: toB64u(signer.pkcs8),
        certified: null,
      };
      this.stored.keys.push(stored);
      this.entries.push({ stored, signer, key: null });
    }
    if (fresh.length > 0) this.save();
    const certified: DenominationKeyT[] = [];
    for (const entry of this.entries) {
      if (entry.key !== null || entry.signer === null) continue;
      const key = await insurer.denominationKey(
        {
          value: entry.stored.value,
          publicKey: toB64u(entry.signer.spki),
          withdrawFor: policy.withdrawPeriod,
          depositFor: policy.withdrawPeriod + policy.coinLifetime,
        },
        DenominationKey,
      );
      if (key.body.keyId !== entry.stored.keyId || key.body.cs !== csName) {
        throw new NetCashError('untrusted-cert', 'the insurer certified another key');
      }
      entry.key = key;
      entry.stored.certified = key;
      certified.push(key);
    }
    if (certified.length > 0) this.save();
    return certified;
  }

  /**
   * Deletes private keys whose withdrawal period is over, and whole entries whose redemption
   * window closed before `expiredBefore` (the same cut as the spent list's pruning).
   */
  forget(now: number, expiredBefore: number): void {
    let changed = false;
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
      const key = entry.key?.body;
      if (key === undefined) continue;
      if (key.redeemUntil < expiredBefore) {
        this.entries.splice(i, 1);
        this.stored.keys.splice(this.stored.keys.indexOf(entry.stored), 1);
        changed = true;
      } else if (entry.signer !== null && now >= key.withdrawUntil) {
        entry.signer = null;
        entry.stored.pkcs8 = null;
        changed = true;
      }
    }
    if (changed) this.save();
  }

  private save(): void {
    saveJsonFile(this.dir, 'denomination-keys.json', this.stored);
  }
}
