/**
 * Wallet commands from extension pages (messages/commands.ts). Each input was decoded against
 * its schema by the router; each output is the type the map names.
 */
import { NetCashError } from '@netcash/protocol';
import { DEFAULT_POLICY } from '../core/index.ts';
import type { CommandInput, CommandName, CommandOutputs } from '../messages/commands.ts';
import type { WalletState } from '../messages/views.ts';
import { approvalView, decide } from './approvals.ts';
import { wallet } from './instance.ts';

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
  async buy({ amount, cs }) {
    const op = await (await wallet()).buy(amount, cs);
    return { amount, currency: op.currency, cs: op.cs };
  },
  async refresh() {
    return { exchanges: (await (await wallet()).refresh()).length };
  },
  async cashout({ cs }) {
    const op = await (await wallet()).cashout(cs);
    return { amount: op?.kind === 'cashout' ? op.amount : 0 };
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
    decide(id, allowUpTo === undefined ? { approve } : { approve, allowUpTo });
    return { ok: true };
  },
  async recover() {
    return (await wallet()).recover();
  },
};
