/**
 * Settings in plain words: what each option does for the shopper's privacy, and what it costs;
 * from which price a payment is protected (a triplet, SPEC §6); how much change to keep ready;
 * the recovery phrase and backup file. The mix of coins held (unlinkable or traceable by their
 * issuer) is read when this view opens.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CommandInput, CommandOutputs } from '../../messages/commands.ts';
import type { WalletState } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Field, Fold, useFolds } from '../components.tsx';
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
    <details class="add">
      <summary>How well your unlinkable coins hide</summary>
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
    </details>
  );
}

/** A privacy option: what it is in bold, then what it does and what it costs. */
function Toggle(props: {
  title: string;
  checked: boolean;
  testId: string;
  onChange: (on: boolean) => Promise<void>;
  children: string;
}) {
  return (
    <label class="check">
      <input
        type="checkbox"
        checked={props.checked}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      <span>
        <strong>{props.title}</strong> <span class="why-small">{props.children}</span>
      </span>
    </label>
  );
}

/** `2000, 'NCD'` → `20.00`: an amount as it is typed into a field. */
const typed = (minor: number, currency: string) => money(minor, currency).split(' ')[0]!;

/**
 * An amount kept as a setting: typed as a person writes money, refused in words when it can't be
 * read, saved (and said so) once it differs from what is stored.
 */
function AmountSetting(props: {
  label: string;
  hint?: string;
  currency: string;
  value: number;
  testId: string;
  /** Stores the amount; what to tell the person it now means. */
  save: (minor: number) => Promise<string>;
}) {
  const [text, setText] = useState(typed(props.value, props.currency));
  const [saved, setSaved] = useState<string | null>(null);
  const minor = parseMoney(text, props.currency);
  return (
    <>
      <Field
        label={props.label}
        value={text}
        onInput={(t) => {
          setText(t);
          setSaved(null);
        }}
        inputMode="decimal"
        testId={props.testId}
        {...(props.hint === undefined ? {} : { hint: props.hint })}
        error={
          minor === null
            ? `Write an amount such as ${typed(props.value, props.currency)}: digits, and at most two after the point.`
            : null
        }
      />
      <ActionButton
        label="Save"
        busyLabel="Saving…"
        kind="secondary"
        testId={`${props.testId}-save`}
        disabled={minor === null || minor === props.value}
        action={async () => {
          if (minor !== null) setSaved(await props.save(minor));
        }}
      />
      {saved === null ? null : (
        <p class="note" role="status" data-testid={`${props.testId}-saved`}>
          {saved}
        </p>
      )}
    </>
  );
}

/**
 * The settings as four sections a person opens one at a time (each fits the popup), each saying
 * when closed what is set inside it.
 */
export function Settings({ state, reload }: { state: WalletState; reload: () => Promise<void> }) {
  const currency = state.accounts.find((a) => a.primary)?.currency ?? 'NCD';
  const settings = state.settings;
  const fold = useFolds();
  const set = async (changes: CommandInput<'setSettings'>) => {
    await command('setSettings', changes);
    await reload();
  };
  const onOff = (on: boolean) => (on ? 'on' : 'off');
  return (
    <div class="settings" data-testid="settings">
      <Fold
        title="Privacy"
        summary={`Unlinkable coins ${onOff(settings.blindCoins)}, fresh keys ${onOff(settings.sessionKeys)}`}
        testId="settings-privacy"
        {...fold('privacy')}
      >
        <Toggle
          title="Unlinkable coins."
          checked={settings.blindCoins}
          testId="blind-coins"
          onChange={(blindCoins) => set({ blindCoins })}
        >
          Where a currency server offers them, buy coins it signs without seeing them, so it can
          never tell which purchase a payment came from. Costs nothing you would notice.
        </Toggle>
        <Toggle
          title="A fresh key for every payment."
          checked={settings.sessionKeys}
          testId="session-keys"
          onChange={(sessionKeys) => set({ sessionKeys })}
        >
          Ask each seller for a one-time key before paying, so even a seller whose long-term key
          leaks can't read your past payments. Adds one exchange with the seller to each payment.
        </Toggle>
        <CoinMix version={state} />
        <Crowds version={state} />
      </Fold>
      <Fold
        title="Protection"
        summary={`Payments from ${money(settings.protectFrom, currency)}, where sites offer it`}
        testId="settings-protection"
        {...fold('protection')}
      >
        <p class="muted">
          Some sites let the wallet protect a payment: if the site takes your coins but never
          answers, the wallet gets your money back by itself, or proof that the site was paid. It
          costs one more request to the currency server, so it is worth it for larger amounts.
        </p>
        <AmountSetting
          label={`Protect payments of at least (${currency})`}
          hint="0.00 protects every payment a site lets you protect."
          currency={currency}
          value={settings.protectFrom}
          testId="protect-from"
          save={async (protectFrom) => {
            await set({ protectFrom });
            return `Saved: payments of ${money(protectFrom, currency)} or more are protected where the site offers it.`;
          }}
        />
      </Fold>
      <Fold
        title="Change"
        summary={`Ready for any price up to ${money(settings.coverUpTo, currency)}`}
        testId="settings-change"
        {...fold('change')}
      >
        <p class="muted">
          The wallet keeps coins of several values so that any price up to this amount is paid at
          once, without first asking a server for change.
        </p>
        <AmountSetting
          label={`Keep change ready up to (${currency})`}
          currency={currency}
          value={settings.coverUpTo}
          testId="cover-up-to"
          save={async (coverUpTo) => {
            await set({ coverUpTo });
            return `Saved: change ready for any price up to ${money(coverUpTo, currency)}.`;
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
      </Fold>
      <Fold
        title="Recovery"
        summary={
          state.phraseConfirmed
            ? 'Your recovery phrase and a backup file'
            : 'Phrase not confirmed yet: write it down'
        }
        warn={!state.phraseConfirmed}
        testId="settings-recovery"
        {...fold('recovery')}
      >
        <ShowPhrase confirmed={state.phraseConfirmed} />
        <ExportBackup />
      </Fold>
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
