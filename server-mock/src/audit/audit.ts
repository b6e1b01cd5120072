/**
 * The federation audit (SPEC §4 "Backed"): reads the books of the bank and of every currency
 * server through their admin endpoints and reports every difference, i.e. any value created or
 * destroyed:
 *
 * - each CS: minted = outstanding + redeemed + expired (outstanding includes blind-rsa coins
 *   withdrawn and not spent, counted per denomination key); no key has more coins spent than
 *   were withdrawn under it (that would be a forged coin or a leaked key); outstanding ≤ its mint limit;
 *   outstanding ≤ its bank balance net of its uncleared checks; every check it wrote is cleared
 *   or still valid; every check cleared from its account is one it wrote;
 * - the bank: the ledger sums to zero, every balance equals its ledger entries, and no account
 *   but the system issuance account is negative.
 *
 * Read the books while the federation is quiet: an operation in flight can show as a difference.
 */
import {
  type BankBooks,
  BankBooks as BankBooksSchema,
  type CsBooks,
  CsBooks as CsBooksSchema,
  endpoint,
  getJson,
  PATHS,
  type Result,
} from '@netcash/protocol';

export interface AuditTarget {
  readonly url: string;
  readonly adminToken: string;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly problems: string[];
  readonly bank?: BankBooks;
  readonly cs: CsBooks[];
}

const MAX_BOOKS_CHARS = 64 * 1024 * 1024;

function read<T>(
  target: AuditTarget,
  path: string,
  schema: Parameters<typeof getJson<T>>[1],
): Promise<Result<T>> {
  return getJson(endpoint(target.url, path), schema, {
    headers: { authorization: `Bearer ${target.adminToken}` },
    maxResponseChars: MAX_BOOKS_CHARS,
    timeoutMs: 30_000,
  });
}

/** Checks the books of a bank and the currency servers it backs. */
export async function auditFederation(targets: {
  readonly bank: AuditTarget;
  readonly cs: readonly AuditTarget[];
}): Promise<AuditReport> {
  const problems: string[] = [];
  const bankRead = await read(targets.bank, PATHS.bank.adminAudit, BankBooksSchema);
  const csBooks: CsBooks[] = [];
  for (const target of targets.cs) {
    const got = await read(target, PATHS.cs.adminAudit, CsBooksSchema);
    if (got.ok) csBooks.push(got.value);
    else problems.push(`${target.url}: books unreadable (${got.error.code}: ${got.error.message})`);
  }
  if (!bankRead.ok) {
    problems.push(`bank ${targets.bank.url}: books unreadable (${bankRead.error.message})`);
    return { ok: false, problems, cs: csBooks };
  }
  const bank = bankRead.value;
  problems.push(...auditBank(bank));
  for (const books of csBooks) problems.push(...auditCs(books, bank));
  return { ok: problems.length === 0, problems, bank, cs: csBooks };
}

export function auditBank(bank: BankBooks): string[] {
  const problems: string[] = [];
  if (bank.ledgerSum !== 0) problems.push(`bank: the ledger sums to ${bank.ledgerSum}, not 0`);
  for (const a of bank.accounts) {
    if (a.balance !== a.ledgerBalance) {
      problems.push(
        `bank: ${a.account} balance ${a.balance} differs from its ledger ${a.ledgerBalance}`,
      );
    }
    if (a.kind !== 'system' && a.balance < 0) {
      problems.push(`bank: ${a.account} is negative (${a.balance})`);
    }
  }
  return problems;
}

export function auditCs(b: CsBooks, bank: BankBooks): string[] {
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
  if (b.outstanding.value > b.mintLimit) {
    problems.push(
      `${cs}: outstanding ${b.outstanding.value} exceeds its mint limit ${b.mintLimit}`,
    );
  }
  if (b.bank !== bank.name) {
    problems.push(`${cs}: banks at ${b.bank}, not audited here (${bank.name})`);
    return problems;
  }
  const account = bank.accounts.find((a) => a.account === b.account);
  if (account === undefined) {
    problems.push(`${cs}: its account ${b.account} does not exist at ${bank.name}`);
    return problems;
  }
  const cleared = new Set(bank.cleared.filter((c) => c.drawer === b.account).map((c) => c.checkNo));
  const written = new Set(b.checksWritten.map((c) => c.checkNo));
  const uncleared = b.checksWritten.filter((c) => !cleared.has(c.checkNo));
  const owed = uncleared.reduce((s, c) => s + c.amount, 0);
  if (b.outstanding.value > account.balance - owed) {
    problems.push(
      `${cs}: outstanding ${b.outstanding.value} is not backed by balance ${account.balance} net of uncleared checks ${owed}`,
    );
  }
  for (const c of uncleared) {
    if (c.expires <= b.date) {
      problems.push(`${cs}: check ${c.checkNo} (${c.amount} to ${c.payee}) expired uncleared`);
    }
  }
  for (const checkNo of cleared) {
    if (!written.has(checkNo))
      problems.push(`${cs}: check ${checkNo} cleared but not in its books`);
  }
  return problems;
}
