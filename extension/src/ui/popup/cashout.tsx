/**
 * Cash-out: coins back to the bank account, in three plain steps — the amount (from one currency
 * server, at most what it holds), a confirmation that says where the money goes, and the result
 * with the bank's new balance. The bank balance comes from the bank's own signed statement of
 * the account (a signed account-request; the bank's signature checked by the wallet core), read
 * when the view opens; a statement that fails the check is not shown, its reason is.
 */
import { useEffect, useState } from 'preact/hooks';
import type { BankView, WalletState } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Field } from '../components.tsx';
import { explain, money, parseMoney } from '../format.ts';

export function BankBalance(props: { version: unknown }) {
  const [bank, setBank] = useState<BankView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    command('bankStatement', {}).then(setBank, (e) => {
      setBank(null);
      setError(explain(e));
    });
  }, [props.version]);
  if (bank === undefined) return <p class="muted">Asking your bank…</p>;
  if (bank === null) return <p class="muted">Bank balance unavailable: {error}</p>;
  return (
    <p data-testid="bank-balance">
      Bank account {bank.account} at {bank.bank}:{' '}
      <strong data-testid="bank-balance-amount">{money(bank.balance, bank.currency)}</strong>
      <br />
      <span class="muted" data-testid="bank-signed">
        Signed by {bank.bank} at {new Date(bank.date * 1000).toLocaleTimeString()}
      </span>
    </p>
  );
}

export function Cashout(props: { state: WalletState; onChange: () => Promise<void> }) {
  const { state } = props;
  const held = state.balances.flatMap((b) =>
    Object.entries(b.byCs)
      .filter(([, v]) => v.spendable > 0)
      .map(([cs, v]) => ({ cs, currency: b.currency, spendable: v.spendable })),
  );
  const [cs, setCs] = useState(held[0]?.cs ?? '');
  const from = held.find((h) => h.cs === cs) ?? held[0];
  const [amount, setAmount] = useState('');
  const [step, setStep] = useState<'amount' | 'confirm' | 'done'>('amount');
  const [result, setResult] = useState('');
  const [version, setVersion] = useState(0);
  const account = state.accounts.find((a) => a.primary);
  if (step === 'done') {
    return (
      <div data-testid="cashout">
        <p class="note" role="status" data-testid="cashout-result">
          {result}
        </p>
        <BankBalance version={version} />
        {held.length > 0 ? (
          <button type="button" class="secondary" onClick={() => setStep('amount')}>
            Cash out more
          </button>
        ) : null}
      </div>
    );
  }
  if (from === undefined || account === undefined) {
    return (
      <div data-testid="cashout">
        <BankBalance version={version} />
        <p class="muted" data-testid="cashout-empty">
          You hold no coins to cash out.
        </p>
      </div>
    );
  }
  const cents = parseMoney(amount, from.currency);
  const tooMuch = cents !== null && cents > from.spendable;
  if (step === 'confirm' && cents !== null) {
    return (
      <div data-testid="cashout">
        <p data-testid="cashout-confirm-text">
          Send <strong>{money(cents, from.currency)}</strong> from {from.cs} to your account{' '}
          {account.account} at {account.bank}?
        </p>
        <p class="muted">
          The currency server takes the coins and writes a check that the wallet deposits at your
          bank. If a server doesn't answer, the wallet finishes it later; nothing is lost.
        </p>
        <div class="buttons">
          <button type="button" class="secondary" onClick={() => setStep('amount')}>
            Back
          </button>
          <ActionButton
            label={`Cash out ${money(cents, from.currency)}`}
            busyLabel="Cashing out…"
            testId="cashout-confirm"
            action={async () => {
              const done = await command('cashout', { cs: from.cs, amount: cents });
              // A cash-out a server has not finished is said as such: it completes by itself.
              setResult(
                done.status === 'done'
                  ? `${money(done.amount, from.currency)} is in your bank account ${account.account}.`
                  : done.message,
              );
              setStep('done');
              setAmount('');
              setVersion((n) => n + 1);
              await props.onChange();
            }}
          />
        </div>
      </div>
    );
  }
  return (
    <div data-testid="cashout">
      <BankBalance version={version} />
      {held.length > 1 ? (
        <label class="field">
          <span>From</span>
          <select
            value={from.cs}
            data-testid="cashout-cs"
            onChange={(e) => setCs(e.currentTarget.value)}
          >
            {held.map((h) => (
              <option key={h.cs} value={h.cs}>
                {h.cs}: {money(h.spendable, h.currency)}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <p class="muted">
          From {from.cs}, which holds {money(from.spendable, from.currency)} of your coins.
        </p>
      )}
      <Field
        label={`Amount (${from.currency})`}
        value={amount}
        onInput={setAmount}
        inputMode="decimal"
        placeholder={money(from.spendable, from.currency).split(' ')[0]}
        testId="cashout-amount"
      />
      <button
        type="button"
        class="link"
        onClick={() => setAmount(money(from.spendable, from.currency).split(' ')[0]!)}
      >
        All of it ({money(from.spendable, from.currency)})
      </button>
      {tooMuch ? (
        <p class="error" role="alert">
          {from.cs} holds only {money(from.spendable, from.currency)} of your coins.
        </p>
      ) : null}
      <div class="buttons">
        <button
          type="button"
          class="primary"
          data-testid="cashout-next"
          disabled={cents === null || cents <= 0 || tooMuch}
          onClick={() => setStep('confirm')}
        >
          Continue
        </button>
      </div>
    </div>
  );
}
