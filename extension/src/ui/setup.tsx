/**
 * First run: trust the insurer whose key `netcash up` printed (the trust anchor: typed by the
 * shopper, never taken from a server), connect a demo bank account, buy the first coins.
 * Defaults are `netcash up`'s ports on loopback.
 */
import { useState } from 'preact/hooks';
import type { OutcomeView, WalletState } from '../messages/views.ts';
import { command } from './api.ts';
import { ActionButton, Field, Section } from './components.tsx';
import { parseMoney } from './format.ts';

export const DEFAULT_INSURER_URL = 'http://127.0.0.1:7400';
export const DEFAULT_BANK_URL = 'http://127.0.0.1:7401';

export function Setup(props: { state: WalletState; onChange: () => Promise<void> }) {
  const { state } = props;
  const [key, setKey] = useState('');
  const [insurerUrl, setInsurerUrl] = useState(DEFAULT_INSURER_URL);
  const [bankUrl, setBankUrl] = useState(DEFAULT_BANK_URL);
  const [holder, setHolder] = useState('Shopper');
  const trusted = state.insurers.length > 0;
  const connected = state.accounts.length > 0;
  return (
    <div class="setup">
      <Section title={`1. Trust an insurer${trusted ? ' ✓' : ''}`}>
        {trusted ? (
          <p class="muted">
            Trusting {state.insurers.map((i) => i.name).join(', ')} ({state.servers.length} currency
            servers).
          </p>
        ) : (
          <>
            <p class="muted">Paste the insurer key that `netcash up` printed.</p>
            <Field label="Insurer key" value={key} onInput={setKey} testId="insurer-key" />
            <Field
              label="Insurer address"
              value={insurerUrl}
              onInput={setInsurerUrl}
              testId="insurer-url"
            />
            <ActionButton
              label="Trust this insurer"
              busyLabel="Checking the insurer…"
              testId="trust-insurer"
              action={async () => {
                await command('trustInsurer', { key: key.trim(), url: insurerUrl.trim() });
                await props.onChange();
              }}
            />
          </>
        )}
      </Section>
      <Section title={`2. Connect a bank account${connected ? ' ✓' : ''}`}>
        {connected ? (
          <p class="muted">
            Account {state.accounts[0]!.account} at {state.accounts[0]!.bank}.
          </p>
        ) : (
          <>
            <p class="muted">The demo bank opens an account with a starting balance.</p>
            <Field label="Bank address" value={bankUrl} onInput={setBankUrl} testId="bank-url" />
            <Field label="Your name" value={holder} onInput={setHolder} testId="holder" />
            <ActionButton
              label="Open a demo account"
              busyLabel="Opening your account…"
              testId="connect-bank"
              action={async () => {
                await command('connectBank', { url: bankUrl.trim(), holder: holder.trim() });
                await props.onChange();
              }}
            />
          </>
        )}
      </Section>
    </div>
  );
}

/**
 * Add funds: buy coins with a check on the bank account. A buy the currency server has not
 * answered yet is *pending* — said as such, never "try again" — and a second click joins it;
 * buying more while one is pending is the separate "Buy again anyway".
 */
export function BuyCoins(props: { state: WalletState; onChange: () => Promise<void> }) {
  const [amount, setAmount] = useState('10.00');
  const servers = props.state.servers;
  const [cs, setCs] = useState('');
  const [outcome, setOutcome] = useState<OutcomeView | null>(null);
  const cents = parseMoney(amount);
  const buy = async (again: boolean) => {
    if (cents === null) return;
    const input = cs === '' ? { amount: cents } : { amount: cents, cs };
    setOutcome(await command('buy', again ? { ...input, again } : input));
    await props.onChange();
  };
  return (
    <div class="buy">
      <Field label="Amount" value={amount} onInput={setAmount} testId="buy-amount" />
      {servers.length > 1 ? (
        <label class="field">
          <span>From</span>
          <select value={cs} onChange={(e) => setCs(e.currentTarget.value)} data-testid="buy-cs">
            <option value="">any currency server</option>
            {servers.map((s) => (
              <option key={s.csName} value={s.csName}>
                {s.csName} ({s.currency})
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <ActionButton
        label="Buy coins"
        busyLabel="Buying coins…"
        testId="buy"
        disabled={cents === null || cents <= 0}
        action={() => buy(false)}
      />
      {outcome === null || outcome.status === 'done' ? null : (
        <p class="muted" role="status" data-testid="buy-status">
          {outcome.message}
        </p>
      )}
      {outcome?.status === 'pending' && outcome.joined ? (
        <ActionButton
          label="Buy again anyway"
          busyLabel="Buying coins…"
          kind="secondary"
          testId="buy-again"
          action={() => buy(true)}
        />
      ) : null}
    </div>
  );
}
