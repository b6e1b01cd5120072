/**
 * The popup: balance per currency and per currency server, add funds, recent payments with their
 * receipts, allowances and settings (with the mix of coin schemes held, SPEC §7). Before setup it
 * shows the first-run steps instead.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { CommandOutputs } from '../messages/commands.ts';
import type { WalletState } from '../messages/views.ts';
import { command, UiError } from './api.ts';
import { ActionButton, Section } from './components.tsx';
import { explain, money, when } from './format.ts';
import { Pending } from './pending.tsx';
import { BuyCoins, Setup } from './setup.tsx';

function Balances({ state }: { state: WalletState }) {
  if (state.balances.length === 0) {
    return (
      <p class="balance" data-testid="balance">
        {money(0, state.accounts[0]?.currency ?? 'NCD')}
      </p>
    );
  }
  return (
    <div>
      {state.balances.map((b) => (
        <div key={b.currency}>
          <p class="balance" data-testid="balance">
            {money(b.spendable, b.currency)}
          </p>
          {b.reserved > 0 ? (
            <p class="muted">{money(b.reserved, b.currency)} in payments being finished</p>
          ) : null}
          <ul class="per-cs">
            {Object.entries(b.byCs).map(([cs, v]) => (
              <li key={cs} data-testid={`balance-${cs}`}>
                {cs}: {money(v.spendable, b.currency)} in {v.coins} coins
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function Payments({ state }: { state: WalletState }) {
  if (state.receipts.length === 0) return <p class="muted">No payments yet.</p>;
  return (
    <ul class="list" data-testid="payments">
      {state.receipts.map((r) => (
        <li key={r.tid}>
          <strong>{r.description || r.resource}</strong>
          <span>
            {money(r.amount, r.currency)} · {r.origin} · {when(r.date)}
          </span>
          <span class="muted">receipt {r.tid}</span>
        </li>
      ))}
    </ul>
  );
}

const KIND_WORDS: Record<string, string> = {
  buy: 'Bought coins',
  pay: 'Paid',
  refund: 'Refund',
  exchange: 'Exchanged',
  cashout: 'Cashed out',
  lost: 'Lost',
};

function Activity({ state }: { state: WalletState }) {
  if (state.history.length === 0) return <p class="muted">Nothing yet.</p>;
  return (
    <ul class="list" data-testid="activity">
      {state.history.slice(0, 10).map((h) => (
        <li key={h.seq}>
          <span>
            {KIND_WORDS[h.kind] ?? h.kind} {money(h.amount, h.currency)}
            {h.origin === undefined ? '' : ` · ${h.origin}`}
          </span>
          <span class="muted">
            {h.description ?? ''} · {when(h.date)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * How the spendable coins split between schemes: blind-rsa coins can't be linked by their
 * currency server to the withdrawal, nc1 coins can. Read when the settings show, not on open.
 */
function SchemeMix({ version }: { version: WalletState }) {
  const [mix, setMix] = useState<CommandOutputs['schemes'] | null>(null);
  useEffect(() => {
    command('schemes', {}).then(setMix, () => setMix(null));
  }, [version]);
  if (mix === null || mix.length === 0) return null;
  const words = { 'blind-rsa': 'unlinkable (blind-rsa)', nc1: 'traceable by their issuer (nc1)' };
  return (
    <p class="muted" data-testid="scheme-mix">
      {mix.map((h, i) => (
        <span key={`${h.currency} ${h.scheme}`}>
          {i > 0 ? ' · ' : ''}
          {money(h.value, h.currency)} {words[h.scheme]}
        </span>
      ))}
    </p>
  );
}

function Settings({ state, reload }: { state: WalletState; reload: () => Promise<void> }) {
  return (
    <div class="settings">
      {state.allowances.length === 0 ? (
        <p class="muted">No site may pay without asking you.</p>
      ) : (
        <ul class="list">
          {state.allowances.map((a) => (
            <li key={`${a.origin} ${a.currency}`}>
              {a.origin}: {money(a.spent, a.currency)} of {money(a.limit, a.currency)} used
              <ActionButton
                label="Remove"
                busyLabel="Removing…"
                kind="secondary"
                action={async () => {
                  await command('setAllowance', {
                    origin: a.origin,
                    currency: a.currency,
                    limit: 0,
                  });
                  await reload();
                }}
              />
            </li>
          ))}
        </ul>
      )}
      <label class="check">
        <input
          type="checkbox"
          checked={state.settings.sessionKeys}
          onChange={async (e) => {
            await command('setSettings', { sessionKeys: e.currentTarget.checked });
            await reload();
          }}
        />
        <span>Ask sellers for one-time keys before paying (messages 1a/1b)</span>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={state.settings.blindCoins}
          data-testid="blind-coins"
          onChange={async (e) => {
            await command('setSettings', { blindCoins: e.currentTarget.checked });
            await reload();
          }}
        />
        <span>
          Unlinkable coins where the currency server offers them (blind-rsa): it can't tell which
          purchase of coins a payment came from
        </span>
      </label>
      <SchemeMix version={state} />
      <ActionButton
        label="Refresh coins now"
        busyLabel="Exchanging coins…"
        kind="secondary"
        action={async () => {
          await command('refresh', {});
          await reload();
        }}
      />
      {state.servers.map((s) => (
        <ActionButton
          key={s.csName}
          label={`Cash out ${s.csName} to the bank`}
          busyLabel="Cashing out…"
          kind="secondary"
          action={async () => {
            const outcome = await command('cashout', { cs: s.csName });
            await reload();
            // A pending cash-out is said as such (it finishes by itself), never as a failure.
            if (outcome?.status === 'pending') throw new UiError('pending', outcome.message);
          }}
        />
      ))}
    </div>
  );
}

function Popup() {
  const [state, setState] = useState<WalletState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setState(await command('state', {}));
      setError(null);
    } catch (e) {
      setError(explain(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (state === null) {
    return error === null ? <p class="muted">Opening the wallet…</p> : <p class="error">{error}</p>;
  }
  return (
    <main data-testid={state.ready ? 'wallet' : 'setup'}>
      <header>
        <h1>NetCash</h1>
        <Balances state={state} />
      </header>
      <Pending count={state.pending} onChange={reload} />
      {state.ready ? null : <Setup state={state} onChange={reload} />}
      {state.accounts.length > 0 && state.insurers.length > 0 ? (
        <Section title="Add funds">
          <BuyCoins state={state} onChange={reload} />
        </Section>
      ) : null}
      {state.ready ? (
        <>
          <Section title="Recent payments">
            <Payments state={state} />
          </Section>
          <Section title="Activity">
            <Activity state={state} />
          </Section>
          <Section title="Settings">
            <Settings state={state} reload={reload} />
          </Section>
        </>
      ) : null}
    </main>
  );
}

render(<Popup />, document.getElementById('app')!);
