/**
 * Batched apply (issue #16): the commits of plain exchanges — own nc1 coins in (no triplet lock,
 * no recoup), unlocked nc1 coins out, nothing else — that arrive in one turn of the event loop,
 * or while a batch is being committed, are committed together in ONE transaction of three
 * multi-row statements: claim every request id, delete every serial, insert every minted coin.
 * Alone, each exchange costs BEGIN, three statements and COMMIT — on PostgreSQL five round trips
 * to another process, on SQLite five statement executions.
 *
 * Each member gets exactly the answer it gets alone (store-apply.ts `apply`, via `commitOne`):
 *   - a member sharing a request id or a serial with an earlier member of the batch goes alone;
 *   - a request id already held: its claim wrote nothing, so the member is answered `duplicate`
 *     (or, after an unknown commit outcome, `ok` if the id holds its very own reply) and the
 *     batch goes on without it;
 *   - a serial not returned by the DELETE (spent meanwhile, or never outstanding): the batch
 *     rolls back, the members that lost a serial run alone — each finds out why — and the others
 *     are tried once more as a batch;
 *   - any other failure: every member alone (told `mayHaveCommitted` if the batch's outcome was
 *     ever unknown, so that it finds its own writes).
 * Nobody hears of success before the batch's COMMIT returned: durability is unchanged.
 *
 * Ids and serials are written in sorted order, so that two processes' batches over one
 * PostgreSQL take their locks in the same order (a deadlock, `40P01`, is retried anyway).
 */
import type { SqlDb, SqlTx } from '@netcash/server-kit';
import { inList, str } from '@netcash/server-kit';
import type { Commit, CommitOutcome } from './store.ts';
import { commitOne } from './store-apply.ts';

/** Most commits in one batch (bounds the wait of the last one in it). */
export const MAX_BATCH = 128;
/** Most coins (serials consumed plus coins minted) in one batch: bounds the statements' parameters. */
const MAX_COINS = 1024;

/** The fields of a commit a batch writes; any other field with a value makes it go alone. */
const PLAIN = new Set(['requestId', 'requestHash', 'reply', 'date', 'consume', 'mint']);

/** A commit of the common shape: claim, consume plain nc1 serials, mint unlocked coins. */
export function batchable(c: Commit): boolean {
  for (const [key, value] of Object.entries(c)) {
    if (PLAIN.has(key) || value === undefined || value === 0) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    return false;
  }
  return (
    (c.consume ?? []).every((x) => x.lock === undefined && x.match === undefined) &&
    (c.mint ?? []).every((row) => row.lock === undefined)
  );
}

const serialsOf = (c: Commit) => (c.consume ?? []).map((x) => x.serial);
const coinsOf = (c: Commit) => (c.consume ?? []).length + (c.mint ?? []).length;

/** Some members' serials were not outstanding: the batch rolled back; these go alone. */
class Shortfall extends Error {
  constructor(readonly culprits: ReadonlySet<Commit>) {
    super('a serial of the batch is not outstanding');
  }
}

/**
 * The batch's statements in one transaction; what each member's commit came to. Throws
 * Shortfall (rolling it all back) when a serial is not outstanding. `duplicates`: members found
 * under a request id someone else holds — final, kept across attempts (alone, `apply` would have
 * thrown and never run again), so they are not claimed again.
 */
async function applyBatch(
  tx: SqlTx,
  commits: readonly Commit[],
  duplicates: Set<Commit>,
): Promise<CommitOutcome[]> {
  const byId = commits
    .filter((c) => !duplicates.has(c))
    .sort((a, b) => (a.requestId < b.requestId ? -1 : 1));
  const claimed =
    byId.length === 0
      ? []
      : await tx.query(
          `INSERT INTO requests (request_id, request_hash, reply, created) VALUES ${byId.map((_, i) => inList(4 * i + 1, 4)).join(', ')}
           ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
          byId.flatMap((c) => [c.requestId, c.requestHash, c.reply, c.date]),
        );
  const mine = new Set(claimed.map((r) => str(r, 'request_id')));
  const going = byId.filter((c) => mine.has(c.requestId));
  const held = byId.filter((c) => !mine.has(c.requestId));
  // After an unknown outcome, an id holding this very reply (sealed afresh for each request) is
  // this commit, done already — as in `apply`.
  const replies =
    held.length > 0 && tx.mayHaveCommitted === true
      ? await tx.query(
          `SELECT request_id, reply FROM requests WHERE request_id IN ${inList(1, held.length)}`,
          held.map((c) => c.requestId),
        )
      : [];
  const reply = new Map(replies.map((r) => [str(r, 'request_id'), str(r, 'reply')]));
  const done = new Set(held.filter((c) => reply.get(c.requestId) === c.reply));
  for (const c of held) if (!done.has(c)) duplicates.add(c);

  const serials = going.flatMap(serialsOf).sort();
  if (serials.length > 0) {
    const gone = await tx.query(
      `DELETE FROM outstanding WHERE serial IN ${inList(1, serials.length)} RETURNING serial`,
      serials,
    );
    if (gone.length < serials.length) {
      const deleted = new Set(gone.map((r) => str(r, 'serial')));
      throw new Shortfall(new Set(going.filter((c) => serialsOf(c).some((s) => !deleted.has(s)))));
    }
  }

  const mint = going.flatMap((c) => c.mint ?? []);
  if (mint.length > 0) {
    await tx.run(
      `INSERT INTO outstanding (serial, cert_id, value, expires, lock, tag) VALUES ${mint.map((_, i) => inList(6 * i + 1, 6)).join(', ')}`,
      mint.flatMap((row) => [
        row.serial,
        row.certId,
        row.value,
        row.expires,
        null,
        row.tag ?? null,
      ]),
    );
  }
  return commits.map((c) => (duplicates.has(c) ? DUPLICATE : { ok: true }));
}

const DUPLICATE: CommitOutcome = { ok: false, reason: 'duplicate' };

interface Member {
  readonly commit: Commit;
  readonly resolve: (outcome: CommitOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/** `m` committed alone, its answer passed on. */
function alone(db: SqlDb, m: Member, mayHaveCommitted: boolean): Promise<void> {
  return commitOne(db, m.commit, mayHaveCommitted).then(m.resolve, m.reject);
}

/**
 * Commits `members`: those that clash with an earlier one alone, the rest as one batch (or alone
 * when only one is left). `retried`: this is already the second batch of these members.
 */
async function commitMembers(db: SqlDb, members: readonly Member[], retried: boolean) {
  const ids = new Set<string>();
  const serials = new Set<string>();
  const batch: Member[] = [];
  const solo: Member[] = [];
  for (const m of members) {
    const own = serialsOf(m.commit);
    const clash =
      ids.has(m.commit.requestId) ||
      new Set(own).size < own.length ||
      own.some((s) => serials.has(s));
    if (clash) {
      solo.push(m);
      continue;
    }
    batch.push(m);
    ids.add(m.commit.requestId);
    for (const s of own) serials.add(s);
  }
  if (batch.length === 1) solo.unshift(...batch.splice(0));

  // Queued after the batch, so that on one connection the batch's members come first.
  await Promise.all([together(db, batch, retried), ...solo.map((m) => alone(db, m, false))]);
}

/** `batch` committed as one transaction; on a shortfall or a failure, as said above. */
async function together(db: SqlDb, batch: readonly Member[], retried: boolean): Promise<void> {
  if (batch.length === 0) return;
  let ambiguous = false;
  const duplicates = new Set<Commit>();
  try {
    const outcomes = await db.transaction(
      (tx) => {
        if (tx.mayHaveCommitted === true) ambiguous = true;
        return applyBatch(
          tx,
          batch.map((m) => m.commit),
          duplicates,
        );
      },
      { idempotent: true, label: 'exchange' },
    );
    for (const [i, m] of batch.entries()) m.resolve(outcomes[i]!);
    return;
  } catch (error) {
    const open = batch.filter((m) => !duplicates.has(m.commit));
    for (const m of batch) if (duplicates.has(m.commit)) m.resolve(DUPLICATE);
    if (!(error instanceof Shortfall)) {
      await Promise.all(open.map((m) => alone(db, m, ambiguous)));
      return;
    }
    // A shortfall means no attempt of this batch committed: one that did left every id it
    // claimed holding its own reply, and a run after it claims and deletes nothing.
    if (retried) {
      await Promise.all(open.map((m) => alone(db, m, false)));
      return;
    }
    const lost = open.filter((m) => error.culprits.has(m.commit));
    const rest = open.filter((m) => !error.culprits.has(m.commit));
    await Promise.all([commitMembers(db, rest, true), ...lost.map((m) => alone(db, m, false))]);
  }
}

/**
 * The batcher of a store over `db`: `commit` of a batchable commit (see `batchable`), answered
 * once its batch committed. At most `maxInFlight` batches are being committed at once; what
 * arrives meanwhile waits for the next.
 */
export function batcher(db: SqlDb, maxInFlight: number): (c: Commit) => Promise<CommitOutcome> {
  const queue: Member[] = [];
  let inFlight = 0;
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const taken: Member[] = [];
    let coins = 0;
    while (taken.length < MAX_BATCH && queue.length > 0) {
      const next = coinsOf(queue[0]!.commit);
      if (taken.length > 0 && coins + next > MAX_COINS) break;
      coins += next;
      taken.push(queue.shift()!);
    }
    inFlight++;
    schedule();
    void commitMembers(db, taken, false).finally(() => {
      inFlight--;
      schedule();
    });
  };
  /** After this turn's I/O callbacks (setImmediate): every commit of this turn joins. */
  function schedule() {
    if (scheduled || queue.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(flush);
  }

  return (commit) =>
    new Promise<CommitOutcome>((resolve, reject) => {
      queue.push({ commit, resolve, reject });
      schedule();
    });
}
