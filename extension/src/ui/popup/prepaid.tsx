/**
 * Offline prepayment (SPEC §6): value kept ready for a site as triplets, paid with without any
 * currency server, and the shopper's "keep 0.50 ready for this site" (for a site paid before,
 * whose offer takes triplet coins). What is not used comes back by itself when its time is up.
 * The popup's home lists what is kept ready (when anything is); the form to keep more ready is
 * in the site budgets view, next to the other money a site may take without asking.
 */
import { useState } from 'preact/hooks';
import type { WalletState } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Section } from '../components.tsx';
import { money, parseMoney, when } from '../format.ts';

export function Prepaid(props: {
  state: WalletState;
  onChange: () => Promise<void>;
  /** With the "keep ready" form (the budgets view); without it, only a non-empty list. */
  form?: boolean;
}) {
  const { state } = props;
  const sites = props.form === true ? [...new Set(state.receipts.map((r) => r.origin))] : [];
  const [site, setSite] = useState<string>('');
  const [amount, setAmount] = useState('0.50');
  const [note, setNote] = useState<string | null>(null);
  if (sites.length === 0 && state.prepaid.length === 0) return null;
  const chosen = site === '' ? sites[0] : site;
  const currency = state.balances[0]?.currency ?? 'NCD';
  const value = parseMoney(amount, currency);
  return (
    <Section title="Kept ready for sites" testId="prepaid">
      {state.prepaid.length === 0 ? null : (
        <ul class="list">
          {state.prepaid.map((p) => (
            <li key={p.id} data-testid="prepaid-site">
              <strong>
                {money(p.left, p.currency)} for {new URL(p.origin).host}
              </strong>
              <span class="muted">
                {p.phase === 'ready'
                  ? `Pays without a currency server until ${when(p.until)}; what is left then comes back.`
                  : p.phase === 'claim'
                    ? `Coming back from ${p.cs}.`
                    : `Being made at ${p.cs}.`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {sites.length === 0 ? null : (
        <div class="budget-row">
          <select
            aria-label="Site"
            data-testid="prepay-site"
            value={chosen}
            onChange={(e) => setSite(e.currentTarget.value)}
          >
            {sites.map((s) => (
              <option key={s} value={s}>
                {new URL(s).host}
              </option>
            ))}
          </select>
          <input
            class="small"
            aria-label="Amount to keep ready"
            data-testid="prepay-amount"
            value={amount}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          <ActionButton
            label="Keep ready"
            busyLabel="Preparing…"
            kind="secondary"
            testId="prepay"
            disabled={chosen === undefined || value === null || value <= 0}
            action={async () => {
              if (chosen === undefined || value === null) return;
              const outcome = await command('prepay', { origin: chosen, amount: value });
              setNote(outcome.message);
              await props.onChange();
            }}
          />
        </div>
      )}
      {note === null ? null : (
        <p class="note" role="status" data-testid="prepay-note">
          {note}
        </p>
      )}
    </Section>
  );
}
