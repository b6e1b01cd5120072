/**
 * The wallet as extension pages see it (messages/views.ts): the popup's whole state in one read,
 * a site's budget with when it renews, and what the approval window needs to say why it asks.
 * Plain data only: no keys, no coins.
 */
import { formatAmount } from '@netcash/protocol';
import { type AllowanceRow, periodEnd, type Quote, type Wallet } from '../core/index.ts';
import type { AllowanceView, WalletState } from '../messages/views.ts';

export function allowanceView(row: AllowanceRow): AllowanceView {
  const { origin, currency, limit, spent, period, periodStart } = row;
  return {
    origin,
    currency,
    limit,
    spent,
    ...(period === undefined ? {} : { period }),
    ...(period === undefined || periodStart === undefined
      ? {}
      : { renews: periodEnd(periodStart, period) }),
  };
}

export async function walletState(w: Wallet): Promise<WalletState> {
  const [
    status,
    accounts,
    insurers,
    balances,
    history,
    receipts,
    allowances,
    pending,
    settings,
    prepaid,
    phrase,
  ] = await Promise.all([
    w.status(),
    w.accounts(),
    w.insurers(),
    w.balances(),
    w.history(20),
    w.receipts(20),
    w.allowances(),
    w.pendingOps(),
    w.settings(),
    w.prepayments.list(),
    w.recovery.phrase(),
  ]);
  const primary = accounts.length === 0 ? undefined : (await w.primaryAccount()).account;
  return {
    ready: status.ready,
    accounts: accounts.map(({ account, bank, currency, url, holder }) => ({
      account,
      bank,
      currency,
      url,
      holder,
      primary: account === primary,
    })),
    insurers: insurers.map(({ key, name, url, fetched }) => ({ key, name, url, fetched })),
    servers: w.servers().map(({ csName, currency, denominations, bank, insurer, stopped }) => ({
      csName,
      currency,
      denominations,
      bank,
      insurer,
      stopped,
    })),
    balances,
    history,
    receipts: receipts.map(({ tid, origin, description, amount, currency, date, resource }) => ({
      tid,
      origin,
      description,
      amount,
      currency,
      date,
      resource,
    })),
    allowances: allowances.map(allowanceView),
    pending: pending.length,
    ending: w.ending(),
    settings: {
      sessionKeys: settings.sessionKeys,
      coverUpTo: settings.policy.coverUpTo,
      blindCoins: settings.blindCoins,
      protectFrom: settings.protectFrom,
    },
    prepaid,
    phraseConfirmed: phrase.confirmed,
  };
}

const PER: Record<string, string> = { day: 'today', week: 'this week', month: 'this month' };

/** Why the approval window asks, in words (the quote says what the site's budget leaves). */
export function approvalReason(quote: Quote, budget: AllowanceView | undefined): string {
  if (quote.foreignOrigins.length > 0) {
    return 'This payment goes to another site than the page you are on, so the wallet always asks.';
  }
  if (budget === undefined) {
    return `You have not given ${new URL(quote.origin).host} a budget, so the wallet asks before each payment.`;
  }
  const left = formatAmount(Math.max(0, budget.limit - budget.spent), budget.currency);
  const when = budget.period === undefined ? 'in all' : PER[budget.period];
  return budget.spent >= budget.limit
    ? `This site's budget of ${formatAmount(budget.limit, budget.currency)} is used up ${when}.`
    : `This site's budget has ${left} left ${when}, less than the price.`;
}
