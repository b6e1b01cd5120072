/**
 * Who the wallet trusts, changeable after setup: insurers (the keys that vouch for currency
 * servers: add one, or stop trusting one the wallet holds no money under), the currency servers
 * they certify (checked for new ones on demand; stop using one, use it again), and bank accounts (connect another, choose the
 * one coins are bought from and cashed out to).
 */
import { useState } from 'preact/hooks';
import type { WalletState } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Field, Section } from '../components.tsx';
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
  return (
    <div data-testid="trusted">
      <Section title="Insurers">
        <ul class="list">
          {state.insurers.map((i) => (
            <li key={i.key} data-testid="insurer">
              <strong>{i.name}</strong>
              <span class="muted break">{i.url}</span>
              <span class="muted break">key {i.key}</span>
              <span class="muted">lists fetched {ago(i.fetched)}</span>
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
      </Section>
      <Section title="Currency servers">
        <ul class="list">
          {state.servers.map((s) => (
            <li key={s.csName} data-testid="server">
              <strong>{s.csName}</strong>
              <span class="muted">
                {s.currency}, backed at {s.bank}, vouched for by {insurerName(s.insurer)}
              </span>
              <span class="muted">Your coins there: {money(held(s.csName), s.currency)}</span>
              {s.stopped ? (
                <span data-testid="server-stopped">
                  Stopped: the wallet buys no coins from {s.csName} and takes no change from it. The{' '}
                  {money(held(s.csName), s.currency)} you hold there stay yours: they still pay
                  sites that take them as they are, and you can cash them out to your bank.
                </span>
              ) : null}
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
      </Section>
      <Section title="Bank accounts">
        <BankBalance version={state} />
        <ul class="list">
          {state.accounts.map((a) => (
            <li key={a.account} data-testid="account">
              <strong>
                {a.account} at {a.bank}
              </strong>
              <span class="muted break">
                {a.holder} · {a.url}
              </span>
              {a.primary ? (
                <span class="muted">Coins are bought from and cashed out to this account.</span>
              ) : (
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
      </Section>
    </div>
  );
}
