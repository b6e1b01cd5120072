/**
 * The first-run page (opened on install): the recovery phrase — written down and confirmed, or
 * the phrase of a lost wallet to restore — then the setup steps, the first coins (or the
 * restored ones and the backup file), then what next.
 */
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { WalletState } from '../messages/views.ts';
import { command } from './api.ts';
import { Section } from './components.tsx';
import { explain, money } from './format.ts';
import { AdoptPhrase, ImportBackup, PhraseStep, RestoreCoins } from './recovery.tsx';
import { BuyCoins, Setup } from './setup.tsx';

function Onboarding() {
  const [state, setState] = useState<WalletState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [publisher, setPublisher] = useState<string | undefined>(undefined);
  const [restoring, setRestoring] = useState(false);
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
  const fresh = state.accounts.length === 0 && state.balances.length === 0;
  return (
    <main class="onboarding">
      <h1>Welcome to NetCash</h1>
      <p class="muted">Anonymous electronic cash for the web. A few steps and you can pay.</p>
      {state.phraseConfirmed ? null : restoring ? (
        <Section title="Restore a wallet from its recovery phrase" testId="restore-step">
          <AdoptPhrase onDone={reload} />
          <button type="button" class="link" onClick={() => setRestoring(false)}>
            Start a new wallet instead
          </button>
        </Section>
      ) : (
        <Section title="Your recovery phrase" testId="phrase-step">
          <PhraseStep onDone={reload} />
          {fresh ? (
            <button
              type="button"
              class="link"
              data-testid="restore-instead"
              onClick={() => setRestoring(true)}
            >
              I have a recovery phrase: restore my wallet
            </button>
          ) : null}
        </Section>
      )}
      {state.phraseConfirmed ? (
        <Setup state={state} onChange={reload} onFederation={(f) => setPublisher(f.publisherUrl)} />
      ) : null}
      {state.phraseConfirmed && state.ready && restoring ? (
        <>
          <Section title="3. Find your coins" testId="restore-coins-step">
            <RestoreCoins onDone={reload} />
          </Section>
          <Section title="4. Your purchases (optional)" testId="backup-step">
            <p class="muted">
              A backup file brings back what you bought, so articles open again without paying.
            </p>
            <ImportBackup onDone={reload} />
          </Section>
        </>
      ) : state.phraseConfirmed && state.ready ? (
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
