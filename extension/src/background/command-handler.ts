/**
 * Wallet commands from extension pages (messages/commands.ts). Each input was decoded against
 * its schema by the router; each output is the type the map names.
 */
import { NetCashError } from '@netcash/protocol';
import { DEFAULT_NET } from '../core/context.ts';
import { DEFAULT_POLICY, type OpOutcome } from '../core/index.ts';
import type { CommandInput, CommandName, CommandOutputs } from '../messages/commands.ts';
import type { OutcomeView, WalletState } from '../messages/views.ts';
import { approvalView, decide } from './approvals.ts';
import { wallet } from './instance.ts';
import { pendingView } from './pending-view.ts';

type Handlers = {
  [N in CommandName]: (input: CommandInput<N>) => Promise<CommandOutputs[N]>;
};

async function state(): Promise<WalletState> {
  const w = await wallet();
  const [status, accounts, insurers, balances, history, receipts, allowances, pending, settings] =
    await Promise.all([
      w.status(),
      w.accounts(),
      w.insurers(),
      w.balances(),
      w.history(20),
      w.receipts(20),
      w.allowances(),
      w.pendingOps(),
      w.settings(),
    ]);
  return {
    ready: status.ready,
    accounts: accounts.map(({ account, bank, currency, url }) => ({
      account,
      bank,
      currency,
      url,
    })),
    insurers: insurers.map(({ key, name, url }) => ({ key, name, url })),
    servers: w.servers().map(({ csName, currency, denominations }) => ({
      csName,
      currency,
      denominations,
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
    allowances: allowances.map(({ origin, currency, limit, spent }) => ({
      origin,
      currency,
      limit,
      spent,
    })),
    pending: pending.length,
    settings: {
      sessionKeys: settings.sessionKeys,
      coverUpTo: settings.policy.coverUpTo,
      blindCoins: settings.blindCoins,
    },
  };
}

export const handlers: Handlers = {
  state,
  async connectBank({ url, holder }) {
    const row = await (await wallet()).connectBank(url, holder);
    return { account: row.account, bank: row.bank, currency: row.currency };
  },
  async trustInsurer({ key, url }) {
    return { certificates: await (await wallet()).trustInsurer(key, url) };
  },
  async buy({ amount, cs, again }) {
    return outcomeView(await (await wallet()).buy(amount, cs, { again: again === true }));
  },
  async refresh() {
    return { exchanges: (await (await wallet()).refresh()).length };
  },
  async cashout({ cs }) {
    const outcome = await (await wallet()).cashout(cs);
    return outcome === null ? null : outcomeView(outcome);
  },
  async setAllowance({ origin, currency, limit }) {
    const normalized = new URL(origin).origin;
    await (await wallet()).setAllowance(normalized, currency, limit);
    return { limit };
  },
  async setSettings({ sessionKeys, coverUpTo, blindCoins }) {
    const w = await wallet();
    const now = await w.settings();
    const next = await w.setSettings({
      sessionKeys: sessionKeys ?? now.sessionKeys,
      blindCoins: blindCoins ?? now.blindCoins,
      policy: {
        ...now.policy,
        coverUpTo: coverUpTo ?? now.policy.coverUpTo ?? DEFAULT_POLICY.coverUpTo,
      },
    });
    return {
      sessionKeys: next.sessionKeys,
      coverUpTo: next.policy.coverUpTo,
      blindCoins: next.blindCoins,
    };
  },
  async schemes() {
    return (await wallet()).schemeMix();
  },
  async approval({ id }) {
    return approvalView(id);
  },
  async decide({ id, approve, allowUpTo }) {
    if (approvalView(id) === null) {
      throw new NetCashError('not-found', 'This payment is no longer waiting for an answer.');
    }
    await decide(id, allowUpTo === undefined ? { approve } : { approve, allowUpTo });
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
