/**
 * The federation audit (SPEC §4 "Backed"): reads what the insurer certified (its public
 * certificates and revocation list, verified under its key), then the books of every bank and of
 * every currency server the insurer certified, at its certificate's address (with the auditor's
 * token of each server), and optionally what merchants hold, and reports every difference the
 * rules of checks.ts find. A currency server's mint limit and account are taken from the
 * insurer's certificate, never from the CS's own books; a certified CS whose books can't be read
 * is a difference too. A CS left without a valid certificate — its insurance ended (withdrawn),
 * its certificate expired or was revoked — still owes the coins it minted until their redemption
 * window closes: its books are read and checked like any other (at the addresses it was certified
 * at), and the report says so. The insurer lists its certificates until that window has closed
 * (`GET /v1/certificates?redeemable`); after, nothing can be owed under them.
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
  /** Currency servers the insurer no longer certifies, each audited while it may owe anything. */
  readonly ended: EndedCs[];
}

/** A CS with no valid certificate left (PROTOCOL §4.7), and what the audit did about it. */
export interface EndedCs {
  readonly csName: string;
  readonly why: 'insurance ended' | 'certificate expired' | 'certificate revoked';
  /** Since when: the revocation's date, its insurance's `ends` or its certificate's `expires`. */
  readonly since: number;
  /** The last moment any of its coins is redeemable (a certificate's end + its redeemFor). */
  readonly redeemableUntil: number;
  /** Whether its books were read and checked (always, while they can be read). */
  readonly audited: boolean;
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
  /**
   * Where to read its books: the addresses of its valid certificates, newest first, then those
   * of its other certificates (a withdrawn CS answers where it was certified), without repeats.
   */
  readonly addresses: readonly string[];
  /** Set when it has no valid certificate left. */
  readonly ended?: Omit<EndedCs, 'audited'>;
}

/** Why a CS with no valid certificate is so, and until when its coins are still redeemable. */
function endedOf(
  all: readonly CertificateBody[],
  newest: CertificateBody,
  revokedAt: ReadonlyMap<string, number>,
): Omit<EndedCs, 'audited'> {
  const revoked = revokedAt.get(newest.certId);
  const withdrawn = newest.ends !== undefined && newest.expires >= newest.ends;
  const stops = (c: CertificateBody) => Math.max(c.expires, c.ends ?? c.expires);
  return {
    csName: newest.csName,
    ...(revoked !== undefined
      ? { why: 'certificate revoked', since: revoked }
      : withdrawn
        ? { why: 'insurance ended', since: newest.ends ?? newest.expires }
        : { why: 'certificate expired', since: newest.expires }),
    // A coin expires by its certificate's end (a blind-rsa key by the insurance's end) and is
    // redeemable for `redeemFor` after it.
    redeemableUntil: Math.max(...all.map((c) => stops(c) + c.redeemFor)),
  };
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
    // With those of CSs no longer certified whose coins are still redeemable (a withdrawn CS).
    await get(`${PATHS.insurer.certificates}?redeemable`, CertificateList),
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
  const revokedAt = new Map(revocations.value.body.revoked.map((r) => [r.certId, r.date]));
  const names = [...new Set(list.value.certificates.map((c) => c.body.csName))].sort();
  for (const name of names) {
    const all = trust.certificatesOf(name);
    const valid = all.filter((c) => trust.validCertificate(c.certId, now).ok);
    const newest = valid[0] ?? all[0];
    if (newest === undefined) continue;
    const addresses = [...new Set([...valid, ...all].flatMap((c) => c.addresses))];
    insured.set(name, {
      newest,
      addresses,
      ...(valid.length > 0 ? {} : { ended: endedOf(all, newest, revokedAt) }),
    });
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
  const ended: EndedCs[] = [];
  const endedNotes: string[] = [];
  for (const [name, { addresses, ended: end }] of insured) {
    const token = targets.csToken(name);
    const got = token === undefined ? null : await readCs(name, addresses, token);
    if (got?.ok === true) csBooks.push(got.value);
    if (end !== undefined) {
      ended.push({ ...end, audited: got?.ok === true });
      endedNotes.push(endedNote(end, got?.ok === true ? got.value : null));
    }
    if (got === null) {
      problems.push(`${name}: certified by the insurer, but no audit token was given`);
    } else if (!got.ok) {
      problems.push(`${name}: books unreadable (${got.error.code}: ${got.error.message})`);
    }
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
    notes: [...endedNotes, ...snapshotNotes(banks, csBooks)],
    banks,
    cs: csBooks,
    insured: [...insured.values()].map((i) => i.newest),
    merchantsHold,
    ended,
  };
}

const day = (t: number) => new Date(t * 1000).toISOString();

/** What the report says of a CS the insurer no longer certifies but still lists (§7). */
function endedNote(end: Omit<EndedCs, 'audited'>, books: CsBooks | null): string {
  const head = `${end.csName}: ${end.why} ${day(end.since)}`;
  const window = `its coins are redeemable until ${day(end.redeemableUntil)}`;
  if (books === null) {
    return `${head}, but ${window}: audited, and its books could not be read (a difference below)`;
  }
  const owes = books.outstanding.value + books.pending.value + (books.revoked?.value ?? 0);
  const what =
    owes > 0
      ? `it still owes ${books.outstanding.value} in ${books.outstanding.count} coins and ${books.pending.value} in ${books.pending.count} pending mints`
      : 'nothing is outstanding or pending';
  return `${head}, but ${what}, and ${window}: audited`;
}
