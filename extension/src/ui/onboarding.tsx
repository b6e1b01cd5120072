/** The first-run page (opened on install): the setup steps, then the first coins. */
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
  return (
    <main class="onboarding">
      <h1>Welcome to NetCash</h1>
      <p class="muted">Anonymous electronic cash for the web. Three steps and you can pay.</p>
      <Setup state={state} onChange={reload} />
      {state.ready ? (
        <Section title="3. Buy your first coins">
          <BuyCoins state={state} onChange={reload} />
          {state.balances.map((b) => (
            <p key={b.currency} class="balance" data-testid="balance">
              {money(b.spendable, b.currency)}
            </p>
          ))}
        </Section>
      ) : null}
    </main>
  );
}

render(<Onboarding />, document.getElementById('app')!);
