/**
 * The bank: the non-anonymous accounting infrastructure that backs NetCash (paper §4, ref. [5]).
 * Accounts hold balances under an Ed25519 account key; value moves only by signed checks,
 * deposited with the payee's endorsement, cleared at most once, never overdrawing the drawer
 * (docs/PROTOCOL.md §8). A demo opening credits a starting balance from the system `issuance`
 * account, so the ledger always sums to zero. Domain logic only: HTTP is in server.ts.
 */
import {
  type AccountRequest,
  type AccountStatement,
  type BankBooks,
  type CryptoProvider,
  type DepositReply,
  type DepositRequest,
  digest,
  NetCashError,
  type OpenAccountReply,
  type OpenAccountRequest,
  toB64u,
  verify,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import type { Account, BankStore } from './store.ts';

export interface Bank {
  readonly name: string;
  readonly currency: string;
  readonly demoAccounts: boolean;
  /** Demo opening (customer, starting balance) or admin opening (server, zero balance). */
  openAccount(request: OpenAccountRequest, kind: 'customer' | 'server'): Promise<OpenAccountReply>;
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
  /** Starting balance of a demo account; 0 turns demo opening off. */
  readonly demoBalance: number;
  /** Seconds an account request's date may be off the bank's clock. */
  readonly requestWindow: number;
}

/** The system account demo openings are credited from; the only one allowed below zero. */
export const ISSUANCE = 'issuance';
/** Most ledger entries in a statement (the schema's bound). */
const HISTORY_LIMIT = 1000;

export async function createBank(o: BankOptions): Promise<Bank> {
  const { p, store, now } = o;
  if ((await store.account(ISSUANCE)) === null) {
    await store
      .openAccount(
        { account: ISSUANCE, signKey: '', holder: 'demo issuance', kind: 'system', balance: 0 },
        now(),
      )
      .catch(async (error: unknown) => {
        // Another process over the same database opened it first.
        if ((await store.account(ISSUANCE)) === null) throw error;
      });
  }
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
    currency: o.currency,
    demoAccounts: o.demoBalance > 0,
    async openAccount(request, kind) {
      if (kind === 'customer' && o.demoBalance <= 0) {
        throw new NetCashError('unsupported-op', 'this bank does not open demo accounts');
      }
      const account = `acct-${newId()}`;
      const date = now();
      const balance = kind === 'customer' ? o.demoBalance : 0;
      await store.openAccount(
        { account, signKey: request.signKey, holder: request.holder, kind, balance },
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
      return { bank: o.name, account, balance, currency: o.currency };
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
      if (Math.abs(r.date - date) > o.requestWindow) {
        throw new NetCashError('expired', 'the request is dated outside the bank clock window');
      }
      if (!(await store.useNonce(r.account, r.nonce, r.date, date - 2 * o.requestWindow))) {
        throw new NetCashError('request-id-reused', 'this account request was already used');
      }
      const current = await keyed(r.account);
      return {
        account: r.account,
        balance: current.balance,
        currency: o.currency,
        history: await store.history(r.account, HISTORY_LIMIT),
      };
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
          ledgerBalance: a.ledgerBalance,
        })),
        cleared: b.cleared,
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
