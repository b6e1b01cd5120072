/**
 * Settings in plain words: what each option does for the shopper's privacy, and what it costs.
 * The mix of coins held (unlinkable or traceable by their issuer) is read when this view opens.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CommandOutputs } from '../../messages/commands.ts';
import type { WalletState } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Field } from '../components.tsx';
import { money, parseMoney } from '../format.ts';
import { ExportBackup } from '../recovery.tsx';

function CoinMix({ version }: { version: WalletState }) {
  const [mix, setMix] = useState<CommandOutputs['schemes'] | null>(null);
  useEffect(() => {
    command('schemes', {}).then(setMix, () => setMix(null));
  }, [version]);
  if (mix === null || mix.length === 0) return null;
  const words = {
    'blind-rsa': 'that no server can link to your purchase of them',
    nc1: 'that their currency server could recognise',
  };
  return (
    <ul class="muted plain" data-testid="scheme-mix">
      {mix.map((h) => (
        <li key={`${h.currency} ${h.scheme}`}>
          {money(h.value, h.currency)} in coins {words[h.scheme]}
        </li>
      ))}
    </ul>
  );
}

/** The anonymity set of each blind-rsa key whose coins are held (core/crowds.ts). */
function Crowds({ version }: { version: WalletState }) {
  const [crowds, setCrowds] = useState<CommandOutputs['crowds'] | null>(null);
  useEffect(() => {
    command('crowds', {}).then(setCrowds, () => setCrowds(null));
  }, [version]);
  if (crowds === null || crowds.length === 0) return null;
  return (
    <>
      <p class="muted">
        When you pay with an unlinkable coin, its currency server can tell only that it is one of
        all the coins it signed under the same key. The more, the better you hide among them.
      </p>
      <ul class="muted plain" data-testid="crowds">
        {crowds.map((c) => (
          <li key={c.keyId} data-testid={`crowd-${c.cs}-${c.value}`}>
            {c.held} × {money(c.value, c.currency)} from {c.cs}:{' '}
            {c.withdrawn === null
              ? 'how many coins share their key is not known yet'
              : `one of ${c.withdrawn.toLocaleString('en')} coins signed under their key`}
            {c.small ? ' — few so far: a payment with them is easier to single out' : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

export function Settings({ state, reload }: { state: WalletState; reload: () => Promise<void> }) {
  const currency = state.accounts.find((a) => a.primary)?.currency ?? 'NCD';
  const [cover, setCover] = useState(money(state.settings.coverUpTo, currency).split(' ')[0]!);
  const coverCents = parseMoney(cover, currency);
  return (
    <div class="settings" data-testid="settings">
      <h2>Privacy</h2>
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
          <strong>Unlinkable coins.</strong> Where a currency server offers them, buy coins it signs
          without seeing them, so it can never tell which purchase a payment came from. Costs
          nothing you would notice.
        </span>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={state.settings.sessionKeys}
          data-testid="session-keys"
          onChange={async (e) => {
            await command('setSettings', { sessionKeys: e.currentTarget.checked });
            await reload();
          }}
        />
        <span>
          <strong>A fresh key for every payment.</strong> Ask each seller for a one-time key before
          paying, so even a seller whose long-term key leaks can't read your past payments. Adds one
          exchange with the seller to each payment.
        </span>
      </label>
      <CoinMix version={state} />
      <Crowds version={state} />
      <h2>Change</h2>
      <p class="muted">
        The wallet keeps coins of several values so that any price up to this amount is paid at
        once, without first asking a server for change.
      </p>
      <Field
        label={`Keep change ready up to (${currency})`}
        value={cover}
        onInput={setCover}
        inputMode="decimal"
        testId="cover-up-to"
      />
      <ActionButton
        label="Save"
        busyLabel="Saving…"
        kind="secondary"
        disabled={coverCents === null || coverCents === state.settings.coverUpTo}
        action={async () => {
          if (coverCents === null) return;
          await command('setSettings', { coverUpTo: coverCents });
          await reload();
        }}
      />
      <ActionButton
        label="Sort my coins into change now"
        busyLabel="Exchanging coins…"
        kind="secondary"
        action={async () => {
          await command('refresh', {});
          await reload();
        }}
      />
      <h2>Recovery</h2>
      <ShowPhrase confirmed={state.phraseConfirmed} />
      <ExportBackup />
    </div>
  );
}

/** The recovery phrase again, on request (it is what a new install restores from). */
function ShowPhrase({ confirmed }: { confirmed: boolean }) {
  const [words, setWords] = useState<readonly string[] | null>(null);
  return (
    <div class="phrase">
      {confirmed ? null : (
        <p class="warning" data-testid="phrase-unconfirmed">
          You have not confirmed your recovery phrase yet: write it down, or a lost browser loses
          your coins.
        </p>
      )}
      {words === null ? (
        <ActionButton
          label="Show my recovery phrase"
          busyLabel="Reading…"
          kind="secondary"
          testId="show-phrase"
          action={async () => setWords((await command('recoveryPhrase', {})).words)}
        />
      ) : (
        <ol class="phrase-words" data-testid="phrase-words">
          {words.map((w, i) => (
            <li key={`${i}-${w}`}>{w}</li>
          ))}
        </ol>
      )}
    </div>
  );
}
