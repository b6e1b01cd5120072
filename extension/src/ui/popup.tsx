/**
 * The popup, in order of what a shopper looks for: the balance first, then what is still being
 * finished, then the latest history (each entry opens its details; "All history" pages through
 * the rest). It fits a browser's action popup (Chrome shows at most 600 px): the whole history,
 * adding funds, cashing out, site budgets (and money kept ready), settings and who the wallet
 * trusts each open in a view of their own, with Back (or Escape) to return. Before setup it
 * shows the first-run steps instead.
 */
import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { WalletState } from '../messages/views.ts';
import { command } from './api.ts';
import { Section } from './components.tsx';
import { explain, when } from './format.ts';
import { Balances } from './popup/balance.tsx';
import { Budgets } from './popup/budgets.tsx';
import { Cashout } from './popup/cashout.tsx';
import { History, HistoryEntry } from './popup/history.tsx';
import { Notices } from './popup/notices.tsx';
import { Pending } from './popup/pending.tsx';
import { Prepaid } from './popup/prepaid.tsx';
import { Settings } from './popup/settings.tsx';
import { Trusted } from './popup/trusted.tsx';
import { BuyCoins, Setup } from './setup.tsx';

type Page = 'home' | 'history' | 'add' | 'cashout' | 'budgets' | 'settings' | 'trusted';
/** A page, or one history entry opened from a page (Back returns there). */
type View = Page | { entry: number; from: Page };

/** History entries on the home page: with the rest, it fits a browser's 600 px popup. */
const RECENT = 3;

const TITLES = {
  history: 'History',
  add: 'Add funds',
  cashout: 'Cash out to your bank',
  budgets: 'Site budgets',
  settings: 'Settings',
  trusted: 'Insurers, servers and bank',
} as const;

function Popup() {
  const [state, setState] = useState<WalletState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [view, setView] = useState<View>('home');
  const [note, setNote] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
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
  // A new view takes the focus to its heading (screen readers announce it); Escape goes back.
  useEffect(() => {
    if (view !== 'home') heading.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && view !== 'home') {
        e.preventDefault();
        setView(typeof view === 'object' ? view.from : 'home');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view]);
  if (state === null) {
    return error === null ? (
      <p class="muted">Opening the wallet…</p>
    ) : (
      <p class="error" role="alert">
        {error}
      </p>
    );
  }
  if (view !== 'home') {
    const title = typeof view === 'object' ? 'Details' : TITLES[view];
    const back = typeof view === 'object' && view.from === 'history' ? 'Back to history' : 'Back';
    return (
      <main data-testid={`view-${typeof view === 'object' ? 'entry' : view}`}>
        <header class="bar view-bar">
          <button
            type="button"
            class="link"
            onClick={() => setView(typeof view === 'object' ? view.from : 'home')}
            data-testid="back"
          >
            ← {back}
          </button>
          <h1 tabIndex={-1} ref={heading}>
            {title}
          </h1>
        </header>
        {typeof view === 'object' ? <HistoryEntry seq={view.entry} /> : null}
        {view === 'history' ? (
          <History version={state} onOpen={(seq) => setView({ entry: seq, from: 'history' })} />
        ) : null}
        {view === 'add' ? (
          <BuyCoins
            state={state}
            onChange={reload}
            onBought={(text) => {
              setNote(text);
              setView('home');
            }}
          />
        ) : null}
        {view === 'cashout' ? <Cashout state={state} onChange={reload} /> : null}
        {view === 'budgets' ? (
          <>
            <Budgets state={state} onChange={reload} />
            <Prepaid state={state} onChange={reload} form />
          </>
        ) : null}
        {view === 'settings' ? <Settings state={state} reload={reload} /> : null}
        {view === 'trusted' ? <Trusted state={state} reload={reload} /> : null}
      </main>
    );
  }
  const empty =
    state.pending === 0 &&
    state.balances.every((b) => b.spendable + b.reserved + b.recovering === 0);
  return (
    <main data-testid={state.ready ? 'wallet' : 'setup'}>
      <header class="bar">
        <h1>
          <img src="./icons/icon-32.png" alt="" width={20} height={20} /> NetCash
        </h1>
      </header>
      <Balances state={state} />
      {state.ending.map((e) => (
        <p key={e.csName} class="error" data-testid={`ending-${e.csName}`}>
          The insurance of {e.csName} ends on {when(e.ends)}: cash out its coins or spend them
          before then.
        </p>
      ))}
      {note === null ? null : (
        <p class="note" role="status" data-testid="note">
          {note}
        </p>
      )}
      {state.ready ? null : <Setup state={state} onChange={reload} />}
      {state.ready && empty ? (
        <Section title="Add your first coins" testId="first-coins">
          <BuyCoins state={state} onChange={reload} onBought={setNote} />
        </Section>
      ) : null}
      {state.ready && !empty ? (
        <nav class="actions" aria-label="Money">
          <button
            type="button"
            class="primary"
            data-testid="open-add"
            onClick={() => setView('add')}
          >
            Add funds
          </button>
          <button
            type="button"
            class="secondary"
            data-testid="open-cashout"
            onClick={() => setView('cashout')}
          >
            Cash out
          </button>
        </nav>
      ) : null}
      {state.ready ? (
        <>
          <Notices version={state} />
          <Pending count={state.pending} onChange={reload} />
          <Prepaid state={state} onChange={reload} />
          <Section title="History">
            <History
              version={state}
              onOpen={(seq) => setView({ entry: seq, from: 'home' })}
              recent={{ count: RECENT, onAll: () => setView('history') }}
            />
          </Section>
          <nav class="more" aria-label="Wallet settings">
            <button
              type="button"
              class="link"
              data-testid="open-budgets"
              onClick={() => setView('budgets')}
            >
              Site budgets ({state.allowances.length})
            </button>
            <button
              type="button"
              class="link"
              data-testid="open-settings"
              onClick={() => setView('settings')}
            >
              Settings
            </button>
            <button
              type="button"
              class="link"
              data-testid="open-trusted"
              onClick={() => setView('trusted')}
            >
              Insurers, servers and bank
            </button>
          </nav>
        </>
      ) : null}
    </main>
  );
}

render(<Popup />, document.getElementById('app')!);
