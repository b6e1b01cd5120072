/**
 * Where the wallet keeps its recovery phrase and its counters (IndexedDB stores `recovery` and
 * `counters`, extension-origin only, like the account keys): the phrase and its seed, whether
 * the shopper confirmed writing it down, and the next counter per blind-rsa denomination key.
 *
 * A wallet gets a phrase the first time it opens, so every coin it ever withdraws is
 * recoverable; onboarding shows it and asks the shopper to confirm it, and a new install may
 * replace it with the phrase of a lost wallet before it holds anything (`adoptPhrase`).
 */
import { fromB64u, NetCashError, toB64u } from '@netcash/protocol';
import type { WalletDb } from '../db/open.ts';
import type { Tx } from '../journal/journal.ts';
import { newPhrase, seedOf } from './phrase.ts';

export interface RecoveryRow {
  readonly name: 'seed';
  readonly phrase: string;
  /** The BIP-39 seed (64 bytes, b64u). */
  readonly seed: string;
  /** The shopper typed back words of the phrase (onboarding) or restored from it. */
  readonly confirmed: boolean;
  readonly created: number;
}

export interface CounterRow {
  readonly keyId: string;
  readonly cs: string;
  /** The next counter to derive a blind-rsa coin with, under this key. */
  readonly next: number;
}

/** The wallet's seed, made (with a fresh phrase) on first open. */
export async function ensureSeed(db: WalletDb, now: number): Promise<Uint8Array> {
  const held = await db.get('recovery', 'seed');
  if (held !== undefined) return seedBytes(held);
  const { phrase, seed } = seedOf(newPhrase());
  const row: RecoveryRow = {
    name: 'seed',
    phrase,
    seed: toB64u(seed),
    confirmed: false,
    created: now,
  };
  const tx = db.transaction(['recovery'], 'readwrite');
  // Another instance may have made one meanwhile: the first one written stays.
  const raced = await tx.objectStore('recovery').get('seed');
  if (raced === undefined) await tx.objectStore('recovery').put(row);
  await tx.done;
  return seedBytes(raced ?? row);
}

function seedBytes(row: RecoveryRow): Uint8Array {
  const seed = fromB64u(row.seed);
  if (seed === null) throw new NetCashError('internal', 'the stored recovery seed is damaged');
  return seed;
}

/**
 * `count` counters of blind-rsa key `keyId`, taken inside the transaction that journals the
 * request using them (so a counter is never used twice); the first one.
 */
export async function takeCounters(
  tx: Tx,
  keyId: string,
  cs: string,
  count: number,
): Promise<number> {
  const store = tx.objectStore('counters');
  const from = (await store.get(keyId))?.next ?? 0;
  await store.put({ keyId, cs, next: from + count });
  return from;
}

/** Counters a request took and never used (it was refused outright): back, if still the last. */
export async function returnCounters(
  tx: Tx,
  used: readonly { keyId: string; from: number; to: number }[],
): Promise<void> {
  const store = tx.objectStore('counters');
  for (const range of used) {
    const held = await store.get(range.keyId);
    if (held?.next === range.to) await store.put({ ...held, next: range.from });
  }
}

/** Moves `keyId`'s counter past `next` (restore found coins up to next − 1). */
export async function counterAtLeast(
  db: WalletDb,
  keyId: string,
  cs: string,
  next: number,
): Promise<void> {
  const tx = db.transaction(['counters'], 'readwrite');
  const held = await tx.objectStore('counters').get(keyId);
  if ((held?.next ?? 0) < next) await tx.objectStore('counters').put({ keyId, cs, next });
  await tx.done;
}
