/**
 * The bank: the non-anonymous accounting infrastructure that backs NetCash (paper §4, ref. [5]).
 * Accounts hold balances under an Ed25519 account key; value moves only by signed checks,
 * deposited with the payee's endorsement, cleared at most once, never overdrawing the drawer
 * (docs/PROTOCOL.md §8). Every account holder is authenticated by its account key: an opening is
 * signed by the new key, a statement request by the account's key, a deposit by the payee's
 * endorsement; the bank holds no credential of anyone else's and gives none away. In demo mode
 * only, a customer opening credits a starting balance from the system `issuance` account, so the
 * ledger always sums to zero. Domain logic only: HTTP is in server.ts.
 */
import {
  type AccountOpening,
  type AccountRequest,
  type AccountStatement,
  type BankBooks,
  type CryptoProvider,
  type DepositReply,
  type DepositRequest,
  digest,
  fromB64u,
  isWeakEd25519Key,
  NetCashError,
  type OpenAccountReply,
  sign,
  toB64u,
  verify,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import { requireFresh } from '../fresh.ts';
import type { NamedKeyPair } from '../keys.ts';
import type { Account, BankStore } from './store.ts';

export interface Bank {
  readonly name: string;
  readonly currency: string;
  /** True in demo mode: a customer opening gets the demo starting balance. */
  readonly demoAccounts: boolean;
  /** The key statements are signed with (base64url Ed25519), published in `GET /v1/info`. */
  readonly signKey: string;
  /**
   * Opens an account for the key that signed `opening`, or answers with the account that key
   * already holds (an opening whose reply was lost is simply repeated).
   */
  openAccount(opening: AccountOpening): Promise<OpenAccountReply>;
  deposit(request: DepositRequest): Promise<DepositReply>;
  statement(request: AccountRequest): Promise<AccountStatement>;
  books(): Promise<BankBooks>;
}

export interface BankOptions {
  readonly p: CryptoProvider;
  readonly name: string;
  readonly currency: string;
  readonly store: BankStore;
  readonly now: Clock;
  /** Starting balance of a customer account in demo mode; 0 (a real bank) gives no free money. */
  readonly demoBalance: number;
  /** Seconds a signed request's date may be off the bank's clock. */
  readonly requestWindow: number;
  /** The bank's statement signing key (its data folder's `keys.json`). */
  readonly signKey: NamedKeyPair;
}

/** The system account demo openings are credited from; the only one allowed below zero. */
export const ISSUANCE = 'issuance';
/** Most ledger entries in a statement (the schema's bound). */
const HISTORY_LIMIT = 1000;

export async function createBank(o: BankOptions): Promise<Bank> {
  const { p, store, now } = o;
  // Another process over the same database may open it first: then this opening does nothing.
  await store.openAccount(
    { account: ISSUANCE, signKey: '', holder: 'demo issuance', kind: 'system', balance: 0 },
    now(),
  );
  const newId = () => toB64u(p.randomBytes(12));
  const keyed = async (account: string): Promise<Account> => {
    const held = await store.account(account);
    if (held === null || held.kind === 'system') {
      throw new NetCashError('unknown-account', `no account ${account}`);
    }
    return held;
  };

  return {
    name: o.name,
    signKey: o.signKey.public,
    currency: o.currency,
    demoAccounts: o.demoBalance > 0,
    async openAccount(opening) {
      const r = opening.body;
      if (r.bank !== o.name) throw new NetCashError('unknown-account', `this is ${o.name}`);
      // Under a small-order key a forged "signature" (R = identity, S = 0) verifies for any
      // message with a lenient verifier: no account is ever keyed by one (PROTOCOL §8).
      if (isWeakEd25519Key(fromB64u(r.signKey)!)) {
        throw new NetCashError('weak-key', 'the account key is of small order or not canonical');
      }
      if (!verify(p, r.signKey, opening)) {
        throw new NetCashError('bad-signature', 'the opening is not signed by its account key');
      }
      const date = now();
      requireFresh(r.date, date, o.requestWindow, 'the opening');
      const reply = (a: Account): OpenAccountReply => ({
        bank: o.name,
        account: a.account,
        balance: a.balance,
        currency: o.currency,
      });
      const held = await store.accountByKey(r.signKey);
      if (held !== null) return reply(held);
      const account = `acct-${newId()}`;
      const balance = r.kind === 'customer' ? o.demoBalance : 0;
      const opened: Account = {
        account,
        signKey: r.signKey,
        holder: r.holder,
        kind: r.kind,
        balance,
      };
      const created = await store.openAccount(
        opened,
        date,
        balance > 0
          ? {
              id: newId(),
              date,
              from: ISSUANCE,
              to: account,
              amount: balance,
              memo: 'demo opening',
            }
          : undefined,
      );
      if (!created) {
        // The same key opened concurrently: the first opening stands.
        const first = await store.accountByKey(r.signKey);
        if (first === null) throw new NetCashError('internal', 'the opened account vanished');
        return reply(first);
      }
      return reply(opened);
    },

    async deposit({ check, endorsement }) {
      const c = check.body;
      // Rules in the order of docs/PROTOCOL.md §8; a retry of a cleared check is answered
      // before the expiry rule, so a depositor that lost the reply can always get it.
      if (c.bank !== o.name) {
        throw new NetCashError('unknown-account', `the check is drawn on ${c.bank}, not ${o.name}`);
      }
      const drawer = await keyed(c.drawer);
      if (!verify(p, drawer.signKey, check)) {
        throw new NetCashError('bad-signature', 'the check is not signed by the drawer');
      }
      if (c.currency !== o.currency) {
        throw new NetCashError('wrong-currency', `this bank keeps ${o.currency}`);
      }
      const checkDigest = digest(p, check);
      const e = endorsement.body;
      if (e.check !== checkDigest) {
        throw new NetCashError('bad-signature', 'the endorsement is for another check');
      }
      if (e.account !== c.payee) {
        throw new NetCashError('wrong-payee', `the check is payable to ${c.payee}`);
      }
      const payee = await keyed(c.payee);
      if (!verify(p, payee.signKey, endorsement)) {
        throw new NetCashError('bad-signature', 'the endorsement is not signed by the payee');
      }
      const held = await store.cleared(c.drawer, c.checkNo);
      if (held !== null) return repeat(held, checkDigest, c.payee);
      const date = now();
      if (date >= c.expires) throw new NetCashError('expired', 'the check has expired');
      if (c.issued > date + o.requestWindow) {
        throw new NetCashError('not-yet-valid', 'the check is dated in the future');
      }
      const depositId = `dep-${newId()}`;
      const reply: DepositReply = {
        depositId,
        account: c.payee,
        amount: c.amount,
        currency: c.currency,
        cleared: date,
      };
      const outcome = await store.clearCheck(
        {
          drawer: c.drawer,
          checkNo: c.checkNo,
          digest: checkDigest,
          account: c.payee,
          amount: c.amount,
          reply: JSON.stringify(reply),
        },
        {
          id: depositId,
          date,
          from: c.drawer,
          to: c.payee,
          amount: c.amount,
          memo: c.memo,
          checkNo: c.checkNo,
        },
      );
      if (outcome.ok) return reply;
      if (outcome.reason === 'insufficient-funds') {
        throw new NetCashError('insufficient-funds', `${c.drawer} cannot cover ${c.amount}`);
      }
      return repeat(outcome.held, checkDigest, c.payee);
    },

    async statement(request) {
      const r = request.body;
      if (r.bank !== o.name) throw new NetCashError('unknown-account', `this is ${o.name}`);
      const account = await keyed(r.account);
      if (!verify(p, account.signKey, request)) {
        throw new NetCashError('bad-signature', 'the request is not signed by the account key');
      }
      const date = now();
      requireFresh(r.date, date, o.requestWindow, 'the request');
      if (!(await store.useNonce(r.account, r.nonce, r.date, date - 2 * o.requestWindow))) {
        throw new NetCashError('request-id-reused', 'this account request was already used');
      }
      const current = await keyed(r.account);
      // Signed, and bound to this request by its nonce: the holder verifies it under the key it
      // pinned when it opened the account (PROTOCOL §3.12).
      return sign(p, o.signKey.secretKey, {
        type: 'account-statement',
        bank: o.name,
        account: r.account,
        nonce: r.nonce,
        date,
        balance: current.balance,
        currency: o.currency,
        history: await store.history(r.account, HISTORY_LIMIT),
      });
    },

    async books() {
      const b = await store.audit();
      return {
        name: o.name,
        currency: o.currency,
        date: now(),
        ledgerSum: b.ledgerSum,
        accounts: b.accounts.map((a) => ({
          account: a.account,
          holder: a.holder,
          kind: a.kind,
          balance: a.balance,
          received: a.received,
          ledgerBalance: a.ledgerBalance,
        })),
        cleared: b.cleared,
        ...(b.atOneSnapshot ? {} : { atOneSnapshot: false as const }),
      };
    },
  };
}

/** An already cleared check: the stored reply if it went to the same account, else a refusal. */
function repeat(
  held: { digest: string; account: string; reply: string },
  checkDigest: string,
  account: string,
): DepositReply {
  if (held.digest !== checkDigest || held.account !== account) {
    throw new NetCashError('check-cleared', 'this check number has already cleared');
  }
  return JSON.parse(held.reply) as DepositReply;
}
