/**
 * The federation audit's rules (SPEC §4 "Backed"), pure functions over books already read: each
 * returns the differences it finds, in words, i.e. any value created or destroyed, any promise
 * broken.
 *
 * - a bank: the ledger sums to zero, every balance equals its ledger entries, no account but the
 *   system issuance account is negative;
 * - a CS, against what the *insurer* certified (never the CS's own word for its limit or its
 *   account): minted = outstanding + redeemed + expired; outstanding plus pending mints within
 *   the insurer's mint limit; its books name the certified bank and account; outstanding backed
 *   by that account's balance net of its uncleared checks; the checks it deposited are those the
 *   bank cleared into its account (the bank may be ahead by mints still pending, never behind);
 *   every check it wrote cleared or still valid, every check cleared from its account one it
 *   wrote; no denomination key with more coins spent than withdrawn (a forged coin, a leaked key);
 * - merchants (optional): the coins they hold of a CS are part of its outstanding value, and the
 *   cash-out checks they hold are ones the CS wrote and the bank has not cleared.
 */
import type { BankBooks, CertificateBody, CsBooks, MerchantHoldings } from '@netcash/protocol';

export function auditBank(bank: BankBooks): string[] {
  const problems: string[] = [];
  const name = bank.name;
  if (bank.ledgerSum !== 0) problems.push(`${name}: the ledger sums to ${bank.ledgerSum}, not 0`);
  for (const a of bank.accounts) {
    if (a.balance !== a.ledgerBalance) {
      problems.push(
        `${name}: ${a.account} balance ${a.balance} differs from its ledger ${a.ledgerBalance}`,
      );
    }
    if (a.kind !== 'system' && a.balance < 0) {
      problems.push(`${name}: ${a.account} is negative (${a.balance})`);
    }
  }
  return problems;
}

/**
 * Checks one CS's books against `insured` (its newest certificate from the insurer) and its
 * bank's books (undefined when not given).
 */
export function auditCs(
  b: CsBooks,
  insured: CertificateBody,
  bank: BankBooks | undefined,
): string[] {
  const problems: string[] = [];
  const cs = b.csName;
  const booked = b.outstanding.value + b.redeemed + b.expired;
  if (b.minted !== booked) {
    problems.push(
      `${cs}: minted ${b.minted} ≠ outstanding ${b.outstanding.value} + redeemed ${b.redeemed} + expired ${b.expired}`,
    );
  }
  for (const k of b.blindRsa?.keys ?? []) {
    if (k.spent > k.withdrawn) {
      problems.push(
        `${cs}: denomination key ${k.keyId} (${k.value}) has ${k.spent} coins spent but only ${k.withdrawn} withdrawn`,
      );
    }
  }
  if (b.mintLimit !== insured.mintLimit) {
    problems.push(`${cs}: reports mint limit ${b.mintLimit}, the insurer set ${insured.mintLimit}`);
  }
  const committed = b.outstanding.value + b.pending.value;
  if (committed > insured.mintLimit) {
    problems.push(
      `${cs}: outstanding ${b.outstanding.value} + pending ${b.pending.value} exceeds the mint limit ${insured.mintLimit} the insurer set`,
    );
  }
  if (b.bank !== insured.bank || b.account !== insured.account) {
    problems.push(
      `${cs}: books name account ${b.account} at ${b.bank}, the insurer certified ${insured.account} at ${insured.bank}`,
    );
  }
  if (bank === undefined) {
    problems.push(`${cs}: the books of its bank ${insured.bank} were not given`);
    return problems;
  }
  const account = bank.accounts.find((a) => a.account === insured.account);
  if (account === undefined) {
    problems.push(`${cs}: its account ${insured.account} does not exist at ${bank.name}`);
    return problems;
  }
  const cleared = new Set(
    bank.cleared.filter((c) => c.drawer === insured.account).map((c) => c.checkNo),
  );
  const written = new Set(b.checksWritten.map((c) => c.checkNo));
  const uncleared = b.checksWritten.filter((c) => !cleared.has(c.checkNo));
  const owed = uncleared.reduce((s, c) => s + c.amount, 0);
  if (b.outstanding.value > account.balance - owed) {
    problems.push(
      `${cs}: outstanding ${b.outstanding.value} is not backed by balance ${account.balance} net of uncleared checks ${owed}`,
    );
  }
  // A check clears at the bank before the CS books it: only a pending mint may be in between.
  if (account.received < b.deposited || account.received > b.deposited + b.pending.value) {
    problems.push(
      `${cs}: deposited ${b.deposited} by its books (pending ${b.pending.value}), but ${bank.name} cleared ${account.received} into ${account.account}`,
    );
  }
  for (const c of uncleared) {
    if (c.expires <= b.date) {
      problems.push(`${cs}: check ${c.checkNo} (${c.amount} to ${c.payee}) expired uncleared`);
    }
  }
  for (const checkNo of cleared) {
    if (!written.has(checkNo)) {
      problems.push(`${cs}: check ${checkNo} cleared but not in its books`);
    }
  }
  return problems;
}

/** Merchants' coins and cash-out checks against the books of the currency servers. */
export function auditMerchants(
  merchants: readonly MerchantHoldings[],
  cs: readonly CsBooks[],
  banks: readonly BankBooks[],
): string[] {
  const problems: string[] = [];
  for (const books of cs) {
    const held = merchants.reduce((s, m) => s + (m.coins[books.csName] ?? 0), 0);
    if (held > books.outstanding.value) {
      problems.push(
        `${books.csName}: merchants hold ${held} of its coins, but only ${books.outstanding.value} is outstanding`,
      );
    }
  }
  for (const m of merchants) {
    for (const check of m.checks) {
      const books = cs.find((b) => b.csName === check.cs);
      if (books === undefined) continue;
      const wrote = books.checksWritten.find((c) => c.checkNo === check.checkNo);
      if (wrote === undefined || wrote.amount !== check.amount) {
        problems.push(
          `${m.name}: holds check ${check.checkNo} (${check.amount}) that ${check.cs} did not write`,
        );
        continue;
      }
      const bank = banks.find((k) => k.name === books.bank);
      const cleared = bank?.cleared.some(
        (c) => c.drawer === books.account && c.checkNo === check.checkNo,
      );
      if (cleared === true) {
        problems.push(
          `${m.name}: holds check ${check.checkNo} of ${check.cs} that already cleared`,
        );
      }
    }
  }
  return problems;
}

/**
 * Where a CS's value went and the backing each part leaves (docs/PROTOCOL.md §4.6, §4.7): its
 * account balance = what it still owes (outstanding coins, checks written and not yet cleared) +
 * the surplus — the value of coins never redeemed (booked `expired`) stays in its account.
 */
export function backingOf(
  b: CsBooks,
  bank: BankBooks,
): { balance: number; owed: number; uncleared: number; surplus: number } | null {
  const account = bank.accounts.find((a) => a.account === b.account);
  if (account === undefined || b.bank !== bank.name) return null;
  const cleared = new Set(bank.cleared.filter((c) => c.drawer === b.account).map((c) => c.checkNo));
  const uncleared = b.checksWritten
    .filter((c) => !cleared.has(c.checkNo))
    .reduce((s, c) => s + c.amount, 0);
  return {
    balance: account.balance,
    owed: b.outstanding.value,
    uncleared,
    surplus: account.balance - b.outstanding.value - uncleared,
  };
}

/**
 * Books read without one snapshot (an engine without one across shards, docs/SCALING.md): their
 * figures may be of different instants, so a difference found in them may be a transfer in
 * flight. Said beside the differences, not counted as one.
 */
export function snapshotNotes(banks: readonly BankBooks[], cs: readonly CsBooks[]): string[] {
  const unsure = [
    ...banks.filter((b) => b.atOneSnapshot === false).map((b) => `bank ${b.name}`),
    ...cs.filter((c) => c.atOneSnapshot === false).map((c) => c.csName),
  ];
  return unsure.map(
    (who) =>
      `${who}: books not read at one snapshot (the database has none across shards); a difference there may be a transfer in flight — audit again`,
  );
}
