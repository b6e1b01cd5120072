/**
 * The federation audit (SPEC §4 "Backed"): reads what the insurer certified (its public
 * certificates and revocation list, verified under its key), then the books of every bank and of
 * every currency server the insurer certified, at its certificate's address (with the auditor's
 * token of each server), and optionally what merchants hold, and reports every difference the
 * rules of checks.ts find. A currency server's mint limit and account are taken from the
 * insurer's certificate, never from the CS's own books; a certified CS whose books can't be read
 * is a difference too.
 *
 * Read the books while the federation is quiet: an operation in flight can show as a difference.
 */
import {
  type BankBooks,
  BankBooks as BankBooksSchema,
  type CertificateBody,
  CertificateList,
  type CsBooks,
  CsBooks as CsBooksSchema,
  endpoint,
  getJson,
  InsurerInfo,
  type MerchantHoldings,
  NetCashError,
  PATHS,
  type Result,
  RevocationList,
  TrustStore,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { auditBank, auditCs, auditMerchants, snapshotNotes } from './checks.ts';

/** A server whose books the auditor reads, with that server's audit token. */
export interface AuditTarget {
  readonly url: string;
  readonly token: string;
}

export interface AuditTargets {
  /** The insurer: its certificates say which currency servers exist and what they may do. */
  readonly insurer: { readonly url: string; readonly signKey?: string };
  /** Every bank backing a currency server. */
  readonly banks: readonly AuditTarget[];
  /** The audit token of a currency server, by name; its books are read at its certified address. */
  readonly csToken: (csName: string) => string | undefined;
  /** What merchants hold (optional): their coins count into the issuers' outstanding value. */
  readonly merchants?: readonly MerchantHoldings[];
}

export interface AuditReport {
  readonly ok: boolean;
  readonly problems: string[];
  /** Said beside the differences: books read without one snapshot (checks.ts snapshotNotes). */
  readonly notes: string[];
  readonly banks: BankBooks[];
  readonly cs: CsBooks[];
  /** Per CS the insurer certified: its newest valid certificate (mint limit, bank, account). */
  readonly insured: CertificateBody[];
  /** Per CS: the value of its coins merchants hold (when merchants were given). */
  readonly merchantsHold: Readonly<Record<string, number>>;
}

const MAX_BOOKS_CHARS = 64 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

function read<T>(
  target: AuditTarget,
  path: string,
  schema: Parameters<typeof getJson<T>>[1],
): Promise<Result<T>> {
  return getJson(endpoint(target.url, path), schema, {
    headers: { authorization: `Bearer ${target.token}` },
    maxResponseBytes: MAX_BOOKS_CHARS,
    timeoutMs: TIMEOUT_MS,
  });
}

/** What the insurer certified for one CS. */
interface Insured {
  /** Its newest certificate not revoked and not expired, else its newest (coins may remain). */
  readonly newest: CertificateBody;
  /** The addresses of its valid certificates, newest first, without repeats. */
  readonly addresses: readonly string[];
}

/** What the insurer certified, per CS, every certificate's signature checked. */
async function readInsured(
  insurer: AuditTargets['insurer'],
  problems: string[],
  now: number,
): Promise<Map<string, Insured>> {
  const get = <T>(path: string, schema: Parameters<typeof getJson<T>>[1]) =>
    getJson(endpoint(insurer.url, path), schema, {
      maxResponseBytes: MAX_BOOKS_CHARS,
      timeoutMs: TIMEOUT_MS,
    });
  const insured = new Map<string, Insured>();
  let key = insurer.signKey;
  if (key === undefined) {
    const info = await get(PATHS.insurer.info, InsurerInfo);
    if (!info.ok) {
      problems.push(`insurer ${insurer.url}: unreadable (${info.error.message})`);
      return insured;
    }
    key = info.value.signKey;
  }
  const trust = new TrustStore(nodeProvider, [key]);
  const [list, revocations] = [
    await get(PATHS.insurer.certificates, CertificateList),
    await get(PATHS.insurer.revocations, RevocationList),
  ];
  if (!list.ok || !revocations.ok) {
    const error = !list.ok ? list.error : !revocations.ok ? revocations.error : null;
    problems.push(`insurer ${insurer.url}: certificates unreadable (${error?.message})`);
    return insured;
  }
  if (!trust.setRevocations(revocations.value).ok) {
    problems.push(`insurer ${insurer.url}: the revocation list is not signed by its key`);
  }
  for (const cert of list.value.certificates) {
    const added = trust.addCertificate(cert);
    if (!added.ok) problems.push(`insurer ${insurer.url}: ${added.error.message}`);
  }
  const names = [...new Set(list.value.certificates.map((c) => c.body.csName))].sort();
  for (const name of names) {
    const all = trust.certificatesOf(name);
    const valid = all.filter((c) => trust.validCertificate(c.certId, now).ok);
    const newest = valid[0] ?? all[0];
    if (newest === undefined) continue;
    const addresses = [...new Set(valid.flatMap((c) => c.addresses))];
    insured.set(name, { newest, addresses });
  }
  return insured;
}

/** A CS's books, from the first of its certified addresses that answers with them. */
async function readCs(
  name: string,
  addresses: readonly string[],
  token: string,
): Promise<Result<CsBooks>> {
  let last: Result<CsBooks> = {
    ok: false,
    error: new NetCashError('not-found', 'no valid certificate names an address'),
  };
  for (const url of addresses.slice(0, 8)) {
    last = await read({ url, token }, PATHS.cs.adminAudit, CsBooksSchema);
    if (last.ok && last.value.csName === name) return last;
    if (last.ok) {
      last = {
        ok: false,
        error: new NetCashError(
          'malformed',
          `${url} answers with the books of ${last.value.csName}`,
        ),
      };
    }
  }
  return last;
}

/** Checks the books of the federation: insurer, banks, currency servers, merchants. */
export async function auditFederation(targets: AuditTargets): Promise<AuditReport> {
  const problems: string[] = [];
  const banks: BankBooks[] = [];
  for (const target of targets.banks) {
    const got = await read(target, PATHS.bank.adminAudit, BankBooksSchema);
    if (got.ok) banks.push(got.value);
    else problems.push(`bank ${target.url}: books unreadable (${got.error.message})`);
  }
  const now = banks[0]?.date ?? Math.floor(Date.now() / 1000);
  const insured = await readInsured(targets.insurer, problems, now);
  const csBooks: CsBooks[] = [];
  for (const [name, { newest, addresses }] of insured) {
    if (addresses.length === 0 && now >= newest.expires) continue;
    const token = targets.csToken(name);
    if (token === undefined) {
      problems.push(`${name}: certified by the insurer, but no audit token was given`);
      continue;
    }
    const got = await readCs(name, addresses, token);
    if (got.ok) csBooks.push(got.value);
    else problems.push(`${name}: books unreadable (${got.error.code}: ${got.error.message})`);
  }

  for (const bank of banks) problems.push(...auditBank(bank));
  for (const books of csBooks) {
    const cert = insured.get(books.csName)!.newest;
    problems.push(
      ...auditCs(
        books,
        cert,
        banks.find((k) => k.name === cert.bank),
      ),
    );
  }
  const merchants = targets.merchants ?? [];
  problems.push(...auditMerchants(merchants, csBooks, banks));
  const merchantsHold: Record<string, number> = {};
  for (const m of merchants) {
    for (const [cs, value] of Object.entries(m.coins)) {
      merchantsHold[cs] = (merchantsHold[cs] ?? 0) + value;
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    notes: snapshotNotes(banks, csBooks),
    banks,
    cs: csBooks,
    insured: [...insured.values()].map((i) => i.newest),
    merchantsHold,
  };
}
