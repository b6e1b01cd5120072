/**
 * `apply`, the single transaction every currency server operation commits (store.ts `commit`,
 * docs/PROTOCOL.md §4.4): claim the request id, consume the nc1 serials with one conditional
 * `DELETE … RETURNING` (a recouped coin's row must also match its certificate and value), insert
 * the blind-rsa serials into the spent list with one `INSERT … ON CONFLICT DO NOTHING RETURNING`
 * (a serial not returned was spent before), consume the withdrawal records of recouped blind-rsa
 * coins, count blind-rsa withdrawals (recording their blinded messages' hashes) and spends per
 * key, record deposits, mint, record the check, book the counters. Any failure throws `Rollback`.
 *
 * Counters are written on the request's stripe (store-schema.ts): no row is written by every
 * request, so commits on a distributed engine don't queue, or abort each other, on one row.
 */
import type { SqlDb, SqlTx } from '@netcash/server-kit';
import { inList, num, str } from '@netcash/server-kit';
import type { Commit, CommitOutcome, Consumed, RecoupRow, SpentRow, Withdrawal } from './store.ts';
import { Rollback, stripeOf } from './store-schema.ts';

export async function releaseIn(tx: SqlTx, requestId: string): Promise<number> {
  const rows = await tx.query('DELETE FROM pending WHERE request_id = $1 RETURNING amount', [
    requestId,
  ]);
  const amount = rows.reduce((s, r) => s + num(r, 'amount'), 0);
  if (amount > 0) {
    await tx.run('UPDATE quota SET reserved = reserved - $1 WHERE id = 1', [amount]);
  }
  return amount;
}

/**
 * Adds to a blind-rsa key's counters on `stripe`, recording the key's facts on first use (an
 * insert that finds the row writes nothing to it).
 */
async function countBlind(
  tx: SqlTx,
  key: { keyId: string; value: number; depositUntil: number; redeemUntil: number },
  counts: { stripe: number; withdrawn: number; spent: number },
): Promise<void> {
  await tx.run(
    `INSERT INTO blind_keys (key_id, value, deposit_until, redeem_until, withdrawn, spent) VALUES ($1, $2, $3, $4, 0, 0)
     ON CONFLICT (key_id) DO NOTHING`,
    [key.keyId, key.value, key.depositUntil, key.redeemUntil],
  );
  await tx.run(
    `INSERT INTO blind_counts (key_id, stripe, withdrawn, spent) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key_id, stripe) DO UPDATE SET withdrawn = blind_counts.withdrawn + excluded.withdrawn,
       spent = blind_counts.spent + excluded.spent`,
    [key.keyId, counts.stripe, counts.withdrawn, counts.spent],
  );
}

/**
 * Records the hashes of the blinded messages signed, with the signatures sent (a restore answers
 * with them, docs/PROTOCOL.md §4.8), in one statement for the request's ≤ 64. A message signed
 * before under another request refuses it all: two coins with one serial would be one coin paid
 * twice (a wallet restored from a phrase while its original still withdraws repeats secrets).
 */
async function recordWithdrawals(tx: SqlTx, w: Withdrawal): Promise<void> {
  if (w.hashes.length === 0) return;
  const rows = w.hashes.map((_, i) => inList(4 * i + 1, 4)).join(', ');
  const inserted = await tx.query(
    `INSERT INTO withdrawals (hash, key_id, expires, sig) VALUES ${rows} ON CONFLICT (hash) DO NOTHING RETURNING hash`,
    w.hashes.flatMap((hash, i) => [hash, w.keyId, w.redeemUntil, w.sigs?.[i] ?? null]),
  );
  if (inserted.length < w.hashes.length) {
    const fresh = new Set(inserted.map((r) => str(r, 'hash')));
    throw new Rollback({
      ok: false,
      reason: 'already-signed',
      hashes: w.hashes.filter((h) => !fresh.has(h)),
    });
  }
}

/**
 * Recoup of blind-rsa coins (§4.7): each proof's withdrawal record is consumed — one already gone
 * (recouped before, or never made here) refuses it all — and no key may end with more coins
 * spent than withdrawn under it (a thief of the key who also withdrew can't take more than the
 * key ever issued). The keys' rows are written (to themselves) first: recoups of one key take
 * turns, or conflict and are retried, so each sees the others' spends in its sum. (A revoked key's
 * coins are only taken by recoup, so no plain spend races them.)
 */
async function recoupBlind(tx: SqlTx, recoup: readonly RecoupRow[]): Promise<void> {
  const gone = await tx.query(
    `DELETE FROM withdrawals WHERE hash IN ${inList(1, recoup.length)} RETURNING hash, key_id`,
    recoup.map((r) => r.hash),
  );
  const found = new Set(gone.map((r) => `${str(r, 'key_id')} ${str(r, 'hash')}`));
  const missing = recoup.filter((r) => !found.has(`${r.keyId} ${r.hash}`));
  if (missing.length > 0) {
    throw new Rollback({ ok: false, reason: 'double-spent', serials: missing.map((r) => r.hash) });
  }
  const keys = [...new Set(recoup.map((r) => r.keyId))];
  await tx.run(
    `UPDATE blind_keys SET spent = spent WHERE key_id IN ${inList(1, keys.length)}`,
    keys,
  );
  const over = await tx.query(
    `SELECT k.key_id FROM blind_keys k LEFT JOIN blind_counts c ON c.key_id = k.key_id
     WHERE k.key_id IN ${inList(1, keys.length)}
     GROUP BY k.key_id, k.withdrawn, k.spent
     HAVING k.spent + COALESCE(SUM(c.spent), 0) > k.withdrawn + COALESCE(SUM(c.withdrawn), 0)`,
    keys,
  );
  if (over.length > 0) {
    throw new Rollback({
      ok: false,
      reason: 'double-spent',
      serials: over.map((r) => str(r, 'key_id')),
    });
  }
}

/** Adds to the redemption counters (`late`, `recouped`); rare, so contention is no concern. */
async function countRedemption(tx: SqlTx, kind: 'late' | 'recouped', value: number): Promise<void> {
  if (value <= 0) return;
  await tx.run(
    `INSERT INTO redemptions (kind, value) VALUES ($1, $2)
     ON CONFLICT (kind) DO UPDATE SET value = redemptions.value + excluded.value`,
    [kind, value],
  );
}

/** Inserts blind-rsa serials into the spent list; any already there is a double spend. */
async function spendBlind(tx: SqlTx, spend: readonly SpentRow[], stripe: number): Promise<void> {
  const rows = spend.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ');
  const inserted = await tx.query(
    `INSERT INTO spent (serial, key_id, expires) VALUES ${rows} ON CONFLICT (serial) DO NOTHING RETURNING serial`,
    spend.flatMap((r) => [r.serial, r.keyId, r.expires]),
  );
  const fresh = new Set(inserted.map((r) => str(r, 'serial')));
  const missing = spend.filter((r) => !fresh.has(r.serial)).map((r) => r.serial);
  if (missing.length > 0) {
    throw new Rollback({ ok: false, reason: 'double-spent', serials: missing });
  }
  const perKey = new Map<string, { row: SpentRow; count: number }>();
  for (const row of spend) {
    const held = perKey.get(row.keyId);
    perKey.set(row.keyId, { row, count: (held?.count ?? 0) + 1 });
  }
  for (const { row, count } of perKey.values()) {
    await countBlind(
      tx,
      { ...row, redeemUntil: row.expires },
      { stripe, withdrawn: 0, spent: count },
    );
  }
}

export async function apply(tx: SqlTx, c: Commit): Promise<void> {
  // The request id first: a concurrent duplicate waits here (PostgreSQL) and then backs off,
  // instead of reaching the serials and reporting a false double spend.
  const claimed = await tx.query(
    'INSERT INTO requests (request_id, request_hash, reply, created, keep_until) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id) DO NOTHING RETURNING request_id',
    [c.requestId, c.requestHash, c.reply, c.date, c.keepReplyUntil ?? 0],
  );
  if (claimed.length === 0) {
    // After a commit whose outcome was unknown, the request id held with this very reply (sealed
    // afresh for each request, so no other request has it) is this commit, done already.
    if (tx.mayHaveCommitted === true) {
      const [held] = await tx.query('SELECT reply FROM requests WHERE request_id = $1', [
        c.requestId,
      ]);
      if (held !== undefined && str(held, 'reply') === c.reply) return;
    }
    throw new Rollback({ ok: false, reason: 'duplicate' });
  }

  const stripe = stripeOf(c.requestId);
  const consume = c.consume ?? [];
  if (consume.length > 0) {
    const serials = consume.map((x) => x.serial);
    const locks = [...new Set(consume.flatMap((x) => (x.lock === undefined ? [] : [x.lock])))];
    // A triplet's coins go together: its members, recorded at mint, are deleted by key too.
    const members =
      locks.length === 0
        ? []
        : await tx.query(
            `DELETE FROM triplet_members WHERE triplet_id IN ${inList(1, locks.length)} RETURNING serial`,
            locks,
          );
    const targets = [...new Set([...serials, ...members.map((r) => str(r, 'serial'))])];
    const gone = await tx.query(
      `DELETE FROM outstanding WHERE serial IN ${inList(1, targets.length)} RETURNING serial, cert_id, value, expires, lock`,
      targets,
    );
    const deleted = new Map(gone.map((r) => [str(r, 'serial'), r]));
    // A recouped coin's row must say what its coin says: its revoked key vouches for nothing.
    const matches = (x: Consumed) => {
      const row = deleted.get(x.serial);
      return (
        row !== undefined &&
        (x.match === undefined ||
          (str(row, 'cert_id') === x.match.certId && num(row, 'value') === x.match.value))
      );
    };
    const missing = consume.filter((x) => !matches(x)).map((x) => x.serial);
    if (missing.length > 0) {
      throw new Rollback({ ok: false, reason: 'double-spent', serials: missing });
    }
    for (const t of c.tripletSpends ?? []) {
      // Kept until the triplet's rows would have been pruned (dateA + grace).
      const expires = Math.max(
        0,
        ...gone.filter((r) => r['lock'] === t.tripletId).map((r) => num(r, 'expires')),
      );
      await tx.run(
        'INSERT INTO triplet_spends (triplet_id, serial, owner, value, date, expires) VALUES ($1, $2, $3, $4, $5, $6)',
        [t.tripletId, t.serial, t.owner, t.value, c.date, expires],
      );
    }
  }

  if ((c.spend ?? []).length > 0) await spendBlind(tx, c.spend ?? [], stripe);
  if ((c.recoup ?? []).length > 0) await recoupBlind(tx, c.recoup ?? []);
  for (const w of c.withdraw ?? []) {
    await countBlind(tx, w, { stripe, withdrawn: w.count, spent: 0 });
    await recordWithdrawals(tx, w);
  }
  await countRedemption(tx, 'late', c.late ?? 0);
  await countRedemption(tx, 'recouped', c.recouped ?? 0);

  for (const d of c.deposits ?? []) {
    const inserted = await tx.query(
      'INSERT INTO deposits (digest, amount, expires) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING RETURNING digest',
      [d.digest, d.amount, d.expires],
    );
    if (inserted.length === 0) throw new Rollback({ ok: false, reason: 'check-cleared' });
  }

  const mint = c.mint ?? [];
  if (mint.length > 0) {
    // One statement for all of them (a request has at most 64 outputs): one per coin was
    // 8 × ~14 µs of an 8→8 exchange's ~200 µs of SQL.
    const rows = mint.map((_, i) => inList(6 * i + 1, 6)).join(', ');
    await tx.run(
      `INSERT INTO outstanding (serial, cert_id, value, expires, lock, tag) VALUES ${rows}`,
      mint.flatMap((row) => [
        row.serial,
        row.certId,
        row.value,
        row.expires,
        row.lock ?? null,
        row.tag ?? null,
      ]),
    );
    const locked = mint.flatMap((row) =>
      row.lock === undefined ? [] : [{ ...row, lock: row.lock }],
    );
    if (locked.length > 0) {
      await tx.run(
        `INSERT INTO triplet_members (triplet_id, serial, expires) VALUES ${locked.map((_, i) => inList(3 * i + 1, 3)).join(', ')}`,
        locked.flatMap((row) => [row.lock, row.serial, row.expires]),
      );
    }
  }

  if (c.check !== undefined) {
    await tx.run(
      'INSERT INTO checks_written (check_no, payee, amount, expires, created) VALUES ($1, $2, $3, $4, $5)',
      [c.check.checkNo, c.check.payee, c.check.amount, c.check.expires, c.date],
    );
  }

  const minted = c.minted ?? 0;
  const redeemed = c.redeemed ?? 0;
  if (minted > 0) await releaseIn(tx, c.requestId);
  if (minted > 0 || redeemed > 0) {
    const deposited = (c.deposits ?? []).reduce((s, d) => s + d.amount, 0);
    const written = redeemed > 0 ? (c.check?.amount ?? redeemed) : 0;
    // Backed (§4.4), on this stripe: its outstanding after this commit ≤ its deposits net of
    // its checks written. Every stripe backed, the books are.
    const backed =
      minted > 0
        ? ' AND minted + $1 - redeemed - $3 - expired <= deposited + $2 - written - $4'
        : '';
    const booked = await tx.run(
      `UPDATE books SET minted = minted + $1, deposited = deposited + $2,
         redeemed = redeemed + $3, written = written + $4
       WHERE id = $5${backed}`,
      [minted, deposited, redeemed, written, stripe],
    );
    if (booked !== 1) throw new Rollback({ ok: false, reason: 'not-backed' });
  }
}

/**
 * `c` committed alone, in its own transaction (idempotent: run again after an unknown commit
 * outcome, it finds its own writes). `mayHaveCommitted`: an earlier transaction that held `c`
 * (a batch, store-batch.ts) ended with its outcome unknown.
 */
export async function commitOne(
  db: SqlDb,
  c: Commit,
  mayHaveCommitted = false,
): Promise<CommitOutcome> {
  try {
    // An exchange (nothing minted or redeemed) is labelled for the SQL lint's hot-row rule.
    const label = (c.minted ?? 0) === 0 && (c.redeemed ?? 0) === 0 ? 'exchange' : 'commit';
    await db.transaction((tx) => apply(mayHaveCommitted ? { ...tx, mayHaveCommitted } : tx, c), {
      idempotent: true,
      label,
    });
    return { ok: true };
  } catch (error) {
    if (error instanceof Rollback) return error.outcome;
    throw error;
  }
}
