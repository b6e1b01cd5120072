/** The first-run page (opened on install): the setup steps, the first coins, then what next. */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WalletState } from '../messages/views.ts';
import { command } from './api.ts';
import { Section } from './components.tsx';
import { explain, money } from './format.ts';
import { BuyCoins, Setup } from './setup.tsx';

function Onboarding() {
  const [state, setState] = useState<WalletState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [publisher, setPublisher] = useState<string | undefined>(undefined);
  const reload = useCallback(async () => {
    try {
      setState(await command('state', {}));
    } catch (e) {
      setError(explain(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (state === null)
    return <p class={error === null ? 'muted' : 'error'}>{error ?? 'Loading…'}</p>;
  const held = state.balances.filter((b) => b.spendable > 0);
  return (
    <main class="onboarding">
      <h1>Welcome to NetCash</h1>
      <p class="muted">Anonymous electronic cash for the web. Three steps and you can pay.</p>
      <Setup state={state} onChange={reload} onFederation={(f) => setPublisher(f.publisherUrl)} />
      {state.ready ? (
        <Section title="3. Buy your first coins">
          <BuyCoins state={state} onChange={reload} />
        </Section>
      ) : null}
      {held.length > 0 ? (
        <Section title="You are ready" testId="onboarding-done">
          {held.map((b) => (
            <p key={b.currency}>
              Your wallet holds{' '}
              <strong class="balance-inline" data-testid="balance">
                {money(b.spendable, b.currency)}
              </strong>
              .
            </p>
          ))}
          <p>
            Next: open a site that takes NetCash
            {publisher === undefined ? (
              ''
            ) : (
              <>
                {' '}
                — for example the demo publisher at <a href={publisher}>{publisher}</a>
              </>
            )}{' '}
            and click Pay. The wallet asks you before each payment; open it any time from its icon
            in the toolbar to see your balance, history and budgets.
          </p>
        </Section>
      ) : null}
    </main>
  );
}

render(<Onboarding />, document.getElementById('app')!);
