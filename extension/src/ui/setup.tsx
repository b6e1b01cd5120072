/**
 * First run: connect to the federation `netcash up` started — paste what it printed (setup-parse.ts
 * finds the insurer's address and key and the bank's address in it, on whatever port it runs) —
 * trust the insurer (the trust anchor: the key comes from the shopper's paste, never from a
 * server), open a demo bank account, buy the first coins.
 */
import { useEffect, useState } from 'preact/hooks';
import type { OutcomeView, WalletState } from '../messages/views.ts';
import { command, UiError } from './api.ts';
import { ActionButton, Field, Section } from './components.tsx';
import { money, parseMoney } from './format.ts';
import { type Federation, parseFederation } from './setup-parse.ts';

export function Setup(props: {
  state: WalletState;
  onChange: () => Promise<void>;
  onFederation?: (found: Federation) => void;
}) {
  const { state } = props;
  const [pasted, setPasted] = useState('');
  const [key, setKey] = useState('');
  const [insurerUrl, setInsurerUrl] = useState('');
  const [bankUrl, setBankUrl] = useState('');
  const [holder, setHolder] = useState('Shopper');
  const trusted = state.insurers.length > 0;
  const connected = state.accounts.length > 0;
  const paste = (text: string) => {
    setPasted(text);
    const found = parseFederation(text);
    if (found.insurerKey !== undefined) setKey(found.insurerKey);
    if (found.insurerUrl !== undefined) setInsurerUrl(found.insurerUrl);
    if (found.bankUrl !== undefined) setBankUrl(found.bankUrl);
    props.onFederation?.(found);
  };
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
            <label class="field">
              <span>Paste what `netcash up` printed</span>
              <textarea
                rows={4}
                value={pasted}
                data-testid="setup-paste"
                spellcheck={false}
                placeholder={'insurer     http://…\ninsurer key …\nbank        http://…'}
                onInput={(e) => paste(e.currentTarget.value)}
              />
              <small class="muted">
                The wallet reads the addresses and the insurer key from it; you can also fill them
                in below.
              </small>
            </label>
            <Field
              label="Insurer key"
              value={key}
              onInput={setKey}
              testId="insurer-key"
              hint="The key vouches for every currency server: only trust one you got yourself."
            />
            <Field
              label="Insurer address"
              value={insurerUrl}
              onInput={setInsurerUrl}
              inputMode="url"
              placeholder="http://127.0.0.1:7400"
              testId="insurer-url"
            />
            <ActionButton
              label="Trust this insurer"
              busyLabel="Checking the insurer…"
              testId="trust-insurer"
              disabled={key.trim() === '' || insurerUrl.trim() === ''}
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
            <p class="muted">
              Coins are bought with checks on this account. The demo bank opens one with a starting
              balance.
            </p>
            <Field
              label="Bank address"
              value={bankUrl}
              onInput={setBankUrl}
              inputMode="url"
              placeholder="http://127.0.0.1:7401"
              testId="bank-url"
            />
            <Field label="Your name" value={holder} onInput={setHolder} testId="holder" />
            <ActionButton
              label="Open a demo account"
              busyLabel="Opening your account…"
              testId="connect-bank"
              disabled={bankUrl.trim() === ''}
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
export function BuyCoins(props: {
  state: WalletState;
  onChange: () => Promise<void>;
  onBought?: (text: string) => void;
}) {
  const [amount, setAmount] = useState('10.00');
  // A server the shopper stopped using sells nothing (core/stopped.ts): not offered here.
  const servers = props.state.servers.filter((s) => !s.stopped);
  const account = props.state.accounts.find((a) => a.primary);
  const currency = account?.currency ?? 'NCD';
  const [cs, setCs] = useState('');
  const [outcome, setOutcome] = useState<OutcomeView | null>(null);
  const cents = parseMoney(amount, currency);
  const buy = async (again: boolean) => {
    if (cents === null) return;
    const input = cs === '' ? { amount: cents } : { amount: cents, cs };
    // While a buy shows as pending, Buy asks about that one: it never starts a second.
    const shown = outcome?.status === 'pending' && !again ? { retry: outcome.opId } : {};
    const request = again ? { ...input, again } : { ...input, ...shown };
    const done = await command('buy', request).catch((e: unknown) => {
      // Say where the money is missing: the bank account, not the wallet.
      if (e instanceof UiError && e.code === 'insufficient-funds' && account !== undefined) {
        throw new UiError(
          e.code,
          `Your bank account ${account.account} at ${account.bank} does not hold ${money(cents, currency)}.`,
        );
      }
      throw e;
    });
    setOutcome(done);
    if (done.status === 'done') {
      props.onBought?.(`Bought ${money(done.amount, done.currency)} of coins from ${done.cs}.`);
    }
    await props.onChange();
  };
  // A pending buy finishes in the background: say so when it has.
  const waiting = outcome?.status === 'pending' ? outcome : null;
  useEffect(() => {
    if (waiting === null) return;
    const timer = setInterval(async () => {
      const still = (await command('pending', {})).some((op) => op.id === waiting.opId);
      if (still) return;
      clearInterval(timer);
      setOutcome(await command('buy', { amount: waiting.amount, retry: waiting.opId }));
      await props.onChange();
    }, 2_000);
    return () => clearInterval(timer);
  }, [waiting?.opId]);
  return (
    <div class="buy">
      <Field
        label={`Amount (${currency})`}
        value={amount}
        onInput={setAmount}
        inputMode="decimal"
        testId="buy-amount"
      />
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
        label={cents === null || cents <= 0 ? 'Buy coins' : `Buy ${money(cents, currency)}`}
        busyLabel="Buying coins…"
        testId="buy"
        disabled={cents === null || cents <= 0}
        action={() => buy(false)}
      />
      {outcome === null ? null : (
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
