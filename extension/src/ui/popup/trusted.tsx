/**
 * Who the wallet trusts, changeable after setup, in three sections opened one at a time (a closed
 * one names what it holds): insurers (the keys that vouch for currency servers: add one, or stop
 * trusting one the wallet holds no money under), the currency servers they certify with the coins
 * held at each (checked for new ones on demand; stop using one, use it again), and bank accounts
 * (connect another, choose the one coins are bought from and cashed out to).
 */
import { useState } from 'preact/hooks';
import type { WalletState } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Field, Fold, useFolds } from '../components.tsx';
import { ago, money } from '../format.ts';
import { BankBalance } from './cashout.tsx';

function AddInsurer(props: { onDone: () => Promise<void> }) {
  const [key, setKey] = useState('');
  const [url, setUrl] = useState('');
  return (
    <details class="add">
      <summary>Trust another insurer</summary>
      <Field label="Insurer key" value={key} onInput={setKey} testId="add-insurer-key" />
      <Field label="Insurer address" value={url} onInput={setUrl} inputMode="url" />
      <ActionButton
        label="Trust this insurer"
        busyLabel="Checking the insurer…"
        disabled={key.trim() === '' || url.trim() === ''}
        action={async () => {
          await command('trustInsurer', { key: key.trim(), url: url.trim() });
          setKey('');
          setUrl('');
          await props.onDone();
        }}
      />
    </details>
  );
}

function AddAccount(props: { onDone: () => Promise<void> }) {
  const [url, setUrl] = useState('');
  const [holder, setHolder] = useState('Shopper');
  return (
    <details class="add">
      <summary>Connect another bank account</summary>
      <Field label="Bank address" value={url} onInput={setUrl} inputMode="url" />
      <Field label="Your name" value={holder} onInput={setHolder} />
      <ActionButton
        label="Open a demo account"
        busyLabel="Opening your account…"
        disabled={url.trim() === ''}
        action={async () => {
          await command('connectBank', { url: url.trim(), holder: holder.trim() });
          await props.onDone();
        }}
      />
    </details>
  );
}

export function Trusted({ state, reload }: { state: WalletState; reload: () => Promise<void> }) {
  const held = (cs: string) => state.balances.reduce((n, b) => n + (b.byCs[cs]?.spendable ?? 0), 0);
  const insurerName = (key: string) => state.insurers.find((i) => i.key === key)?.name ?? 'unknown';
  const primary = state.accounts.find((a) => a.primary);
  const others = state.accounts.length - (primary === undefined ? 0 : 1);
  const fold = useFolds();
  return (
    <div data-testid="trusted">
      <Fold
        title="Insurers"
        summary={state.insurers.map((i) => i.name).join(', ') || 'None yet'}
        testId="trusted-insurers"
        {...fold('insurers')}
      >
        <ul class="list">
          {state.insurers.map((i) => (
            <li key={i.key} class="item" data-testid="insurer">
              <div>
                <strong>{i.name}</strong>
                <span class="muted break">{i.url}</span>
                <span class="muted break">key {i.key}</span>
                <span class="muted">lists fetched {ago(i.fetched)}</span>
              </div>
              <ActionButton
                label="Stop trusting"
                busyLabel="Removing…"
                kind="secondary"
                ariaLabel={`Stop trusting insurer ${i.name}`}
                action={async () => {
                  await command('untrustInsurer', { key: i.key });
                  await reload();
                }}
              />
            </li>
          ))}
        </ul>
        <AddInsurer onDone={reload} />
      </Fold>
      <Fold
        title="Currency servers"
        summary={
          state.servers.map((s) => `${s.csName}${s.stopped ? ' (stopped)' : ''}`).join(', ') ||
          'None yet'
        }
        testId="trusted-servers"
        {...fold('servers')}
      >
        <ul class="list">
          {state.servers.map((s) => (
            <li key={s.csName} class="item" data-testid="server">
              <div>
                <strong>
                  {s.csName} · {money(held(s.csName), s.currency)}
                </strong>
                <span class="muted">
                  {s.currency}, backed at {s.bank}, vouched for by {insurerName(s.insurer)}
                </span>
                {s.stopped ? (
                  <span data-testid="server-stopped">
                    Stopped: the wallet buys no coins from {s.csName} and takes no change from it.
                    The {money(held(s.csName), s.currency)} you hold there stay yours: they still
                    pay sites that take them as they are, and you can cash them out to your bank.
                  </span>
                ) : null}
              </div>
              <ActionButton
                label={s.stopped ? 'Use again' : 'Stop using'}
                busyLabel="Saving…"
                kind="secondary"
                testId={`use-server-${s.csName}`}
                ariaLabel={
                  s.stopped
                    ? `Use currency server ${s.csName} again`
                    : `Stop using currency server ${s.csName}`
                }
                action={async () => {
                  await command('useServer', { cs: s.csName, use: s.stopped });
                  await reload();
                }}
              />
            </li>
          ))}
        </ul>
        <ActionButton
          label="Check for new servers now"
          busyLabel="Asking the insurers…"
          kind="secondary"
          action={async () => {
            await command('refreshTrust', {});
            await reload();
          }}
        />
      </Fold>
      <Fold
        title="Bank accounts"
        summary={
          primary === undefined
            ? 'None yet'
            : `${primary.account} at ${primary.bank}${others > 0 ? ` and ${others} more` : ''}`
        }
        testId="trusted-accounts"
        {...fold('accounts')}
      >
        <BankBalance version={state} />
        <ul class="list">
          {state.accounts.map((a) => (
            <li key={a.account} class="item" data-testid="account">
              <div>
                <strong class="break">
                  {a.account} at {a.bank}
                </strong>
                <span class="muted break">
                  {a.holder} · {a.url}
                </span>
                {a.primary ? (
                  <span class="muted">Coins are bought from and cashed out to this account.</span>
                ) : null}
              </div>
              {a.primary ? null : (
                <ActionButton
                  label="Use this account"
                  busyLabel="Switching…"
                  kind="secondary"
                  ariaLabel={`Use account ${a.account} for buying and cashing out`}
                  action={async () => {
                    await command('setPrimaryAccount', { account: a.account });
                    await reload();
                  }}
                />
              )}
            </li>
          ))}
        </ul>
        <AddAccount onDone={reload} />
      </Fold>
    </div>
  );
}
