/**
 * The currency server's books (paper §4.1): the list of *outstanding* serials — never the spent
 * ones, so storage follows the coins in circulation, not the number of transactions — with the
 * idempotency records (request id → request hash + sealed reply), the digests of checks it
 * deposited, the checks it wrote, and counters of value minted, redeemed and expired.
 *
 * `commit` is the one transaction of every operation (docs/PROTOCOL.md §4.4): it claims the
 * request id, consumes the instruments with one conditional `DELETE … RETURNING` (a serial that
 * is not returned was not outstanding: double spend, roll back), inserts the minted serials,
 * records checks and deposits, books the counters and stores the reply — all or nothing.
 * Exchanges of nc1 coins don't touch the counters, so concurrent exchanges never contend on one row.
 *
 * Blind-rsa coins (SPEC §7) are the other way round: the CS never learns a serial before the coin
 * is spent, so it keeps the *spent* serials instead (unique: a second insert is a double spend),
 * each until its denomination key's `redeemUntil` (+ grace), after which the coin is refused as
 * expired anyway. Since serials are unknown at withdrawal, the books count blind-rsa coins per key:
 * withdrawn − spent are outstanding; when the key closes the rest is booked as expired. It also
 * keeps the hash of each blinded message it signed until then: a holder recoups a coin of a
 * revoked key by showing which withdrawal it came from (docs/PROTOCOL.md §4.7).
 *
 * Two windows per coin (§4.7): an nc1 row's `expires` is the end of its coin's redemption window,
 * not the coin's expiry, so a wallet that slept past expiry still finds its serial outstanding.
 */

/** A serial on the outstanding list. */
export interface OutstandingRow {
  readonly serial: string;
  readonly certId: string;
  /** Value this row carries on the books (a triplet's C_A row carries 0: C_B carries it). */
  readonly value: number;
  /** When the row may be pruned (after the grace period); a triplet's rows use `dateA`. */
  readonly expires: number;
  /** The triplet id of a locked coin: consuming one coin of a triplet consumes both. */
  readonly lock?: string;
  /** The requester's restore tag (docs/PROTOCOL.md §4.8); never on a locked coin. */
  readonly tag?: string;
}

/** The coin being consumed; `lock` deletes its triplet sibling too. */
export interface Consumed {
  readonly serial: string;
  readonly lock?: string;
  /**
   * Recoup (docs/PROTOCOL.md §4.7): the coin's revoked key proves nothing, so the row must say
   * the same certificate and value, or the serial counts as not outstanding.
   */
  readonly match?: { readonly certId: string; readonly value: number };
}

/** A blind-rsa coin being spent: its serial goes on the spent list until `expires`. */
export interface SpentRow {
  readonly serial: string;
  readonly keyId: string;
  readonly value: number;
  /** The key's depositUntil (= the coin's expiry). */
  readonly depositUntil: number;
  /** The key's redeemUntil: the serial is kept until then (+ grace). */
  readonly expires: number;
}

/** Blind-rsa coins signed under one key in this operation (their serials are unknown). */
export interface Withdrawal {
  readonly keyId: string;
  readonly value: number;
  readonly depositUntil: number;
  /** The key closes then: its withdrawal records and spent list are kept until it (+ grace). */
  readonly redeemUntil: number;
  readonly count: number;
  /** SHA-256 of each blinded message signed (recoup proofs point at them, §4.7). */
  readonly hashes: readonly string[];
  /** The blind signature sent for each, in the same order (restore answers with it, §4.8). */
  readonly sigs?: readonly string[];
}

/** A recoup of a blind-rsa coin: the withdrawal record its proof points at, consumed. */
export interface RecoupRow {
  readonly hash: string;
  readonly keyId: string;
}

export interface Changes {
  readonly consume?: readonly Consumed[];
  /** Blind-rsa coins spent: inserted into the spent list; one already there refuses it all. */
  readonly spend?: readonly SpentRow[];
  /** Blind-rsa coins withdrawn, counted per key. */
  readonly withdraw?: readonly Withdrawal[];
  /**
   * Recoups of blind-rsa coins under revoked keys: each withdrawal record must still be there
   * (else refused as not outstanding), and no key may end with more spent than withdrawn.
   */
  readonly recoup?: readonly RecoupRow[];
  readonly mint?: readonly OutstandingRow[];
  /** Value entering (buy, convert-in); releases this request's reservation. */
  readonly minted?: number;
  /** Value leaving (cashout, convert): a check written for it. */
  readonly redeemed?: number;
  readonly deposits?: readonly { digest: string; amount: number; expires: number }[];
  readonly check?: { checkNo: string; payee: string; amount: number; expires: number };
  /** Value of coins taken after their expiry, in their redemption window (the books' `late`). */
  readonly late?: number;
  /** Value of coins taken under a revoked certificate or key (the books' `recouped`). */
  readonly recouped?: number;
  /**
   * A triplet request: its record (the reply) is kept until its C_A rows go (pruned with
   * `expiredBefore`), however short the request retention — a restore finds C_A only in it.
   */
  readonly keepReplyUntil?: number;
  /** C_B coins of triplets redeemed by their payee: remembered for the payor's `claim`. */
  readonly tripletSpends?: readonly {
    tripletId: string;
    serial: string;
    owner: string;
    value: number;
  }[];
}

export interface Commit extends Changes {
  readonly requestId: string;
  readonly requestHash: string;
  /** The sealed reply as sent (JSON text). */
  readonly reply: string;
  readonly date: number;
}

export type CommitOutcome =
  | { readonly ok: true }
  /** The request id is taken (a concurrent duplicate committed first): re-read it. */
  | { readonly ok: false; readonly reason: 'duplicate' }
  | { readonly ok: false; readonly reason: 'double-spent'; readonly serials: string[] }
  /** A check deposited here before (under another request). */
  | { readonly ok: false; readonly reason: 'check-cleared' }
  /** Outstanding value would exceed the deposits net of checks written. */
  | { readonly ok: false; readonly reason: 'not-backed' }
  /** A blinded message signed before, under another request (§4.8). */
  | { readonly ok: false; readonly reason: 'already-signed'; readonly hashes: string[] };

/** The books of one blind-rsa denomination key not yet closed. */
export interface BlindKeyBooks {
  readonly keyId: string;
  readonly value: number;
  readonly depositUntil: number;
  readonly redeemUntil: number;
  readonly withdrawn: number;
  readonly spent: number;
}

export interface CsBooksData {
  /** nc1 rows plus blind-rsa coins withdrawn and not spent (keys not yet closed). */
  readonly outstanding: { count: number; value: number };
  readonly blindRsa: { outstanding: { count: number; value: number }; keys: BlindKeyBooks[] };
  readonly minted: number;
  readonly redeemed: number;
  readonly expired: number;
  /** Value taken in after expiry (redemption window) and under revoked keys (recoup). */
  readonly late: number;
  readonly recouped: number;
  /** nc1 rows outstanding per certificate (the caller tells which are revoked). */
  readonly byCert: readonly { certId: string; count: number; value: number }[];
  readonly pending: { count: number; value: number };
  readonly deposited: number;
  readonly written: number;
  readonly checksWritten: { checkNo: string; payee: string; amount: number; expires: number }[];
  /** Present when the engine has no one snapshot to read the books at (docs/SCALING.md). */
  readonly atOneSnapshot?: false;
}

export interface CsStore {
  /** The stored request, if `requestId` was answered. */
  stored(requestId: string): Promise<{ hash: string; reply: string } | null>;
  /** True when a check with this digest was deposited here. */
  depositSeen(digest: string): Promise<boolean>;
  /** Reserves `amount` of minting room under `mintLimit` for a request (idempotent per id). */
  reserve(requestId: string, amount: number, mintLimit: number, date: number): Promise<boolean>;
  /** Gives back a request's reservation (no-op without one). */
  release(requestId: string): Promise<void>;
  commit(commit: Commit): Promise<CommitOutcome>;
  /** The spend record of a triplet whose C_B was redeemed. */
  tripletSpend(
    tripletId: string,
  ): Promise<{ serial: string; owner: string; value: number; date: number } | null>;
  /**
   * Prunes serials whose redemption window closed before `expiredBefore` (booked as `expired`),
   * requests created before `requestsBefore` (a triplet's only once its `keepReplyUntil` is
   * before `expiredBefore` too), stale reservations, and deposit digests and triplet
   * spends past expiry; closes blind-rsa keys whose redemption window closed before
   * `expiredBefore`: their spent serials and withdrawal records are dropped and their unspent
   * coins booked as `expired` (counted in the result).
   */
  prune(expiredBefore: number, requestsBefore: number): Promise<{ coins: number; value: number }>;
  books(): Promise<CsBooksData>;
  /**
   * How many coins were withdrawn under each blind-rsa key not yet closed: its anonymity set,
   * published in the CS's info (docs/PRIVACY.md "Anonymity sets").
   */
  withdrawnPerKey(): Promise<{ keyId: string; count: number }[]>;
  /**
   * Restore (docs/PROTOCOL.md §4.8): unlocked outstanding rows under `tags`, serials after
   * `after`, in serial order, at most `limit`.
   */
  tagged(
    tags: readonly string[],
    after: string | undefined,
    limit: number,
  ): Promise<OutstandingRow[]>;
  /** Which of these blinded-message hashes have a withdrawal record (signed before). */
  withdrawn(hashes: readonly string[]): Promise<string[]>;
  /** The stored blind signatures of withdrawal records, by hash, for key `keyId`. */
  withdrawalSigs(keyId: string, hashes: readonly string[]): Promise<Map<string, string>>;
  /** Which of these serials are outstanding (nc1) or on the spent list (blind-rsa). */
  standing(
    nc1: readonly string[],
    blind: readonly string[],
  ): Promise<{ outstanding: Set<string>; spent: Set<string> }>;
  /** The row of one serial (tests, audits). */
  outstanding(serial: string): Promise<OutstandingRow | null>;
  /** Every outstanding and spent serial, sorted (tests: compare state before and after). */
  snapshot(): Promise<{
    serials: string[];
    spent: string[];
    requests: number;
    books: CsBooksData;
  }>;
  close(): Promise<void>;
}

export { createCsStore } from './store-sql.ts';
