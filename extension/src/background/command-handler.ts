/**
 * Wallet commands from extension pages (messages/commands.ts). Each input was decoded against
 * its schema by the router; each output is the type the map names.
 */
import { NetCashError } from '@netcash/protocol';
import { DEFAULT_NET } from '../core/context.ts';
import { DEFAULT_POLICY, type OpOutcome } from '../core/index.ts';
import { dismissNotice, openNotices } from '../core/notices.ts';
import type { CommandInput, CommandName, CommandOutputs } from '../messages/commands.ts';
import type { HistoryDetail, OutcomeView } from '../messages/views.ts';
import { approvalView, decide } from './approvals.ts';
import { wallet } from './instance.ts';
import { pendingView } from './pending-view.ts';
import { allowanceView, approvalReason, walletState } from './state-view.ts';

type Handlers = {
  [N in CommandName]: (input: CommandInput<N>) => Promise<CommandOutputs[N]>;
};

/** How long an approval window must be visible and focused before Approve works (clickjacking). */
export const APPROVAL_ARM_MS = 800;

const HISTORY_PAGE = 10;

export const handlers: Handlers = {
  async state() {
    return walletState(await wallet());
  },
  async connectBank({ url, holder }) {
    const row = await (await wallet()).connectBank(url, holder);
    return { account: row.account, bank: row.bank, currency: row.currency };
  },
  async trustInsurer({ key, url }) {
    return { certificates: await (await wallet()).trustInsurer(key, url) };
  },
  async buy({ amount, cs, again, retry }) {
    const options = { again: again === true, ...(retry === undefined ? {} : { retry }) };
    return outcomeView(await (await wallet()).buy(amount, cs, options));
  },
  async refresh() {
    const w = await wallet();
    // The insurer's lists first: a revocation sets coins apart before the refresh recoups them.
    await w.refreshTrust().catch(() => undefined);
    return { exchanges: (await w.refresh()).length };
  },
  async cashout({ cs, amount, retry }) {
    const options = retry === undefined ? {} : { retry };
    const outcome = await (await wallet()).cashout(cs, amount, options);
    if (outcome === null) {
      throw new NetCashError('insufficient-funds', `You hold no coins at ${cs} to cash out.`);
    }
    return outcomeView(outcome);
  },
  async setAllowance({ origin, currency, limit, period }) {
    const normalized = new URL(origin).origin;
    const row = await (await wallet()).setAllowance(normalized, currency, limit, period);
    return limit <= 0 ? null : allowanceView(row);
  },
  async setSettings({ sessionKeys, coverUpTo, blindCoins, protectFrom }) {
    const w = await wallet();
    const now = await w.settings();
    const next = await w.setSettings({
      sessionKeys: sessionKeys ?? now.sessionKeys,
      blindCoins: blindCoins ?? now.blindCoins,
      protectFrom: protectFrom ?? now.protectFrom,
      policy: {
        ...now.policy,
        coverUpTo: coverUpTo ?? now.policy.coverUpTo ?? DEFAULT_POLICY.coverUpTo,
      },
    });
    return {
      sessionKeys: next.sessionKeys,
      coverUpTo: next.policy.coverUpTo,
      blindCoins: next.blindCoins,
      protectFrom: next.protectFrom,
    };
  },
  async prepay({ origin, amount }) {
    return outcomeView(await (await wallet()).prepayments.prepay(new URL(origin).origin, amount));
  },
  async schemes() {
    return (await wallet()).schemeMix();
  },
  async crowds() {
    return (await wallet()).crowds();
  },
  async approval({ id }) {
    const view = approvalView(id);
    if (view === null) return null;
    const row = (await (await wallet()).allowances()).find(
      (a) => a.origin === view.quote.origin && a.currency === view.quote.currency,
    );
    const budget = row === undefined ? undefined : allowanceView(row);
    return {
      ...view,
      reason: approvalReason(view.quote, budget),
      ...(budget === undefined ? {} : { budget }),
      armMs: globalThis.__netcashApprovalArmMs ?? APPROVAL_ARM_MS,
    };
  },
  async decide({ id, approve, allowUpTo, period }) {
    if (approvalView(id) === null) {
      throw new NetCashError('not-found', 'This payment is no longer waiting for an answer.');
    }
    await decide(id, {
      approve,
      ...(allowUpTo === undefined ? {} : { allowUpTo }),
      ...(period === undefined ? {} : { period }),
    });
    return { ok: true };
  },
  async recover() {
    return (await wallet()).recover();
  },
  async pending() {
    return (await (await wallet()).pending()).map(({ op, status }) => pendingView(op, status));
  },
  async retryNow({ id }) {
    const w = await wallet();
    const report = await w.retryNow(id);
    const left = await w.pending();
    return { ...report, left: left.map(({ op, status }) => pendingView(op, status)) };
  },
  async notices() {
    return (await openNotices((await wallet()).core)).map((n) => ({
      id: n.id,
      origin: n.origin,
      cs: n.cs,
      amount: n.amount,
      currency: n.currency,
      description: n.description,
      text: n.text,
      since: n.opened,
    }));
  },
  async dismissNotice({ id }) {
    await dismissNotice((await wallet()).core, id);
    return { dismissed: true };
  },
  async setNetwork(input) {
    const w = await wallet();
    const now = (await w.settings()).network;
    const { retryBaseMs, retryMaxMs, ...rest } = input;
    const retry =
      retryBaseMs === undefined && retryMaxMs === undefined
        ? now.retry
        : {
            baseMs: retryBaseMs ?? now.retry?.baseMs ?? DEFAULT_NET.retry.baseMs,
            maxMs: retryMaxMs ?? now.retry?.maxMs ?? DEFAULT_NET.retry.maxMs,
          };
    const next = { ...now, ...rest, ...(retry === undefined ? {} : { retry }) };
    await w.setSettings({ network: next });
    return { ...DEFAULT_NET, ...next };
  },
  async history({ before, limit }) {
    const size = limit ?? HISTORY_PAGE;
    // One row more than asked tells whether there is a next page.
    const rows = await (await wallet()).historyPage(before, size + 1);
    const page = rows.slice(0, size);
    const last = page.at(-1)?.seq;
    return rows.length > size && last !== undefined ? { rows: page, next: last } : { rows: page };
  },
  async historyEntry({ seq }) {
    const w = await wallet();
    const row = await w.core.db.get('history', seq);
    if (row === undefined) return null;
    const detail: { -readonly [K in keyof HistoryDetail]: HistoryDetail[K] } = { row };
    if (row.tid !== undefined) {
      const r = await w.core.db.get('receipts', row.tid);
      if (r !== undefined) {
        detail.receipt = {
          tid: r.tid,
          origin: r.origin,
          resource: r.resource,
          description: r.description,
          signedBy: r.payeeKey,
        };
      }
    }
    const op = await w.core.db.get('ops', row.opId);
    if (op !== undefined) {
      detail.op = {
        status: op.status,
        attempts: op.attempts,
        ...(op.kind === 'pay' ? { allowance: op.allowance, claims: op.confirmations } : {}),
        ...(op.kind === 'pay' && op.protection !== undefined
          ? { protection: op.protection.kind }
          : {}),
      };
    }
    if (row.csReceipt !== undefined) {
      const { cs, tripletId, serial, owner, value, currency, date } = row.csReceipt.body;
      detail.csReceipt = { cs, tripletId, serial, owner, value, currency, date };
    }
    return detail;
  },
  async bankStatement() {
    const w = await wallet();
    const account = await w.primaryAccount();
    const statement = await w.bankStatement();
    return {
      account: statement.account,
      bank: account.bank,
      holder: account.holder,
      balance: statement.balance,
      currency: statement.currency,
      // The bank's clock when it signed the statement (verified in core bank.ts).
      date: statement.date,
    };
  },
  async setPrimaryAccount({ account }) {
    await (await wallet()).setPrimaryAccount(account);
    return { account };
  },
  async useServer({ cs, use }) {
    await (await wallet()).useServer(cs, use);
    return { cs, use };
  },
  async untrustInsurer({ key }) {
    await (await wallet()).untrustInsurer(key);
    return { key };
  },
  async refreshTrust() {
    const w = await wallet();
    await w.refreshTrust();
    return { servers: w.servers().length };
  },
  async recoveryPhrase() {
    return (await wallet()).recovery.phrase();
  },
  async confirmPhrase({ answers }) {
    await (await wallet()).recovery.confirm(answers);
    return { confirmed: true };
  },
  async adoptPhrase({ phrase }) {
    await (await wallet()).recovery.adopt(phrase);
    return { adopted: true };
  },
  async restore() {
    return (await wallet()).recovery.restore();
  },
  async restoreProgress() {
    return (await wallet()).recovery.progress;
  },
  async exportBackup({ passphrase }) {
    const w = await wallet();
    const file = await w.recovery.exportBackup(passphrase);
    const day = new Date(w.core.now() * 1000).toISOString().slice(0, 10);
    return { file: JSON.stringify(file), name: `netcash-backup-${day}.json` };
  },
  async importBackup({ file, passphrase }) {
    const report = await (await wallet()).recovery.importBackup(file, passphrase);
    return { ...report, insurers: report.insurers.length };
  },
};

/** A buy's or cash-out's outcome as extension pages see it. */
function outcomeView(outcome: OpOutcome): OutcomeView {
  const { op } = outcome;
  return {
    status: outcome.status,
    joined: outcome.joined,
    message: outcome.message,
    opId: op.id,
    kind: op.kind,
    amount: op.kind === 'exchange' ? 0 : op.amount,
    currency: op.currency,
    cs: op.cs,
  };
}
