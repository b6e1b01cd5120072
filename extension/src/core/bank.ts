/**
 * The shopper's bank account (the paper's accounting infrastructure [5], NetCheque style): the
 * wallet holds the account's Ed25519 key and writes checks with it — to a currency server to buy
 * coins — and endorses checks a currency server writes back on cash-out. A demo bank opens an
 * account for a fresh key, on an opening signed with it, with a starting balance
 * (`POST /v1/accounts`, PROTOCOL §8).
 */
import {
  AccountStatement,
  type AccountStatementBody,
  accountOpening,
  BankInfo,
  type Check,
  DepositReply,
  type Endorsement,
  endorseCheck,
  endpoint,
  fromB64u,
  getJson,
  NetCashError,
  OpenAccountReply,
  PATHS,
  postJson,
  randomId,
  sign,
  toB64u,
  unwrap,
  verify,
  writeCheck as writeCheckWith,
} from '@netcash/protocol';
import { type Core, http } from './context.ts';
import type { AccountRow } from './db/schema.ts';
import { accountSeed } from './restore/derive.ts';

/** Checks the wallet writes are valid this long (PROTOCOL.md §10: 30 days). */
export const CHECK_LIFETIME = 30 * 86_400;

/** Opens a demo account at the bank at `url` for a fresh key, and stores it. */
export async function connectBank(core: Core, url: string, holder: string): Promise<AccountRow> {
  const base = url.trim();
  const info = unwrap(await getJson(endpoint(base, PATHS.bank.info), BankInfo, http(core)));
  if (!info.demoAccounts) {
    throw new NetCashError('unsupported-op', `The bank ${info.name} does not open demo accounts.`);
  }
  // The account key comes from the recovery phrase (docs/PROTOCOL.md §4.8): the index-th key at
  // this bank. A restored wallet opens with the same key and the bank answers with its account.
  const index = (await core.db.getAll('accounts')).filter((a) => a.bank === info.name).length;
  const keys =
    core.seed === undefined
      ? core.p.ed25519.keygen()
      : core.p.ed25519.keygen(accountSeed(core.seed, info.name, index));
  const opening = accountOpening(core.p, keys.secretKey, {
    bank: info.name,
    holder,
    kind: 'customer',
    date: core.now(),
  });
  const opened = unwrap(
    await postJson(endpoint(base, PATHS.bank.accounts), opening, OpenAccountReply, http(core)),
  );
  const row: AccountRow = {
    account: opened.account,
    bank: opened.bank,
    url: base,
    currency: opened.currency,
    holder,
    signKey: toB64u(keys.publicKey),
    signSecret: toB64u(keys.secretKey),
    opened: core.now(),
    bankKey: info.signKey,
  };
  // The first account connected becomes the primary one explicitly: `opened` has one-second
  // resolution, so "the earliest" would be a coin toss between two accounts of the same second.
  const tx = core.db.transaction(['accounts', 'settings'], 'readwrite');
  await tx.objectStore('accounts').put(row);
  if ((await tx.objectStore('settings').get('primaryAccount')) === undefined) {
    await tx.objectStore('settings').put({ name: 'primaryAccount', value: row.account });
  }
  await tx.done;
  return row;
}

/**
 * The account used to buy coins and receive cash-outs: the one the shopper chose (setting
 * `primaryAccount`), else the first connected; or a refusal saying what to do.
 */
export async function primaryAccount(core: Core): Promise<AccountRow> {
  const rows = await core.db.getAll('accounts');
  const chosen = (await core.db.get('settings', 'primaryAccount'))?.value;
  const mine = rows.find((r) => r.account === chosen);
  if (mine !== undefined) return mine;
  const first = rows.sort((a, b) => a.opened - b.opened)[0];
  if (first === undefined) {
    throw new NetCashError('wallet-not-ready', 'Connect a bank account first.');
  }
  return first;
}

function secretOf(account: AccountRow): Uint8Array {
  const secret = fromB64u(account.signSecret);
  if (secret === null) throw new NetCashError('internal', 'stored account key is damaged');
  return secret;
}

/** A check drawn on `account`, signed with its key. */
export function writeCheck(
  core: Core,
  account: AccountRow,
  to: { payee: string; amount: number; memo: string },
): Check {
  const now = core.now();
  return writeCheckWith(core.p, secretOf(account), {
    bank: account.bank,
    drawer: account.account,
    payee: to.payee,
    amount: to.amount,
    currency: account.currency,
    checkNo: randomId(core.p),
    issued: now,
    expires: now + CHECK_LIFETIME,
    memo: to.memo,
  });
}

/** Our endorsement of a check payable to `account`, for deposit into it. */
export function endorse(core: Core, account: AccountRow, check: Check): Endorsement {
  return endorseCheck(core.p, secretOf(account), check, account.account, core.now());
}

/** Deposits an endorsed check (idempotent at the bank for the same check and account). */
export async function deposit(
  core: Core,
  account: AccountRow,
  check: Check,
  endorsement: Endorsement,
  fetchFn = core.fetch,
) {
  return postJson(
    endpoint(account.url, PATHS.bank.deposits),
    { check, endorsement },
    DepositReply,
    http(core, fetchFn),
  );
}

/**
 * The account's balance and history, by a signed account-request; the bank's signed answer is
 * checked under the key pinned when the account was opened (PROTOCOL §3.12) and must answer this
 * very request (its nonce), else `bad-statement` — a balance a proxy or another server made up is
 * never shown.
 */
export async function statement(core: Core, account: AccountRow): Promise<AccountStatementBody> {
  const nonce = randomId(core.p);
  const request = sign(core.p, secretOf(account), {
    type: 'account-request',
    bank: account.bank,
    account: account.account,
    nonce,
    date: core.now(),
  });
  const signed = unwrap(
    await postJson(
      endpoint(account.url, PATHS.bank.statement),
      request,
      AccountStatement,
      http(core),
    ),
  );
  const key = account.bankKey ?? (await pinBankKey(core, account));
  if (!verify(core.p, key, signed)) {
    throw new NetCashError(
      'bad-statement',
      `This statement is not signed by ${account.bank}: its figures were changed on the way or ` +
        'come from someone else, so the wallet does not show them.',
    );
  }
  const body = signed.body;
  if (
    body.nonce !== nonce ||
    body.bank !== account.bank ||
    body.account !== account.account ||
    body.currency !== account.currency
  ) {
    throw new NetCashError(
      'bad-statement',
      `${account.bank} signed a statement, but not the one asked for now (another account or an ` +
        'old answer replayed), so the wallet does not show it.',
    );
  }
  return body;
}

/**
 * An account opened before banks signed statements has no pinned key: the bank's info gives it
 * now, once, and it is kept — the same trust on first use as at opening.
 */
async function pinBankKey(core: Core, account: AccountRow): Promise<string> {
  const info = unwrap(await getJson(endpoint(account.url, PATHS.bank.info), BankInfo, http(core)));
  await core.db.put('accounts', { ...account, bankKey: info.signKey });
  return info.signKey;
}
