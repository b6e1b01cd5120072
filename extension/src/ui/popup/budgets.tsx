/**
 * Site budgets: how much each site may take without asking, per day, week or month, what it has
 * used in the current period and when that renews; edit or remove each (buttons name their site
 * for screen readers), or give a site a budget ahead of time.
 */
import { useState } from 'preact/hooks';
import { BUDGET_PERIODS, type BudgetPeriod } from '../../core/budget.ts';
import type { AllowanceView, WalletState } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Field } from '../components.tsx';
import { money, PERIOD_NOW, PERIOD_WORDS, parseMoney, until } from '../format.ts';

const host = (origin: string) => new URL(origin).host;

function PeriodSelect(props: {
  value: BudgetPeriod;
  onChange: (p: BudgetPeriod) => void;
  testId: string;
}) {
  return (
    <label class="field">
      <span>Renews</span>
      <select
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.currentTarget.value as BudgetPeriod)}
      >
        {BUDGET_PERIODS.map((p) => (
          <option key={p} value={p}>
            {PERIOD_WORDS[p].replace('per ', 'every ')}
          </option>
        ))}
      </select>
    </label>
  );
}

function BudgetForm(props: {
  origin?: string;
  currency: string;
  start?: AllowanceView;
  onDone: () => Promise<void>;
}) {
  const [origin, setOrigin] = useState(props.origin ?? '');
  const [limit, setLimit] = useState(
    props.start === undefined ? '1.00' : money(props.start.limit, props.currency).split(' ')[0]!,
  );
  const [period, setPeriod] = useState<BudgetPeriod>(props.start?.period ?? 'day');
  const cents = parseMoney(limit, props.currency);
  let url: string | null = null;
  try {
    url = new URL(origin.includes('://') ? origin : `https://${origin}`).origin;
  } catch {
    url = null;
  }
  return (
    <div class="budget-form" data-testid="budget-form">
      {props.origin === undefined ? (
        <Field label="Site" value={origin} onInput={setOrigin} placeholder="news.example" />
      ) : null}
      <Field
        label={`Up to (${props.currency})`}
        value={limit}
        onInput={setLimit}
        inputMode="decimal"
        testId="budget-limit"
      />
      <PeriodSelect value={period} onChange={setPeriod} testId="budget-period" />
      <ActionButton
        label="Save budget"
        busyLabel="Saving…"
        testId="budget-save"
        disabled={cents === null || cents <= 0 || url === null}
        action={async () => {
          if (cents === null || url === null) return;
          await command('setAllowance', {
            origin: url,
            currency: props.currency,
            limit: cents,
            period,
          });
          await props.onDone();
        }}
      />
    </div>
  );
}

export function Budgets(props: { state: WalletState; onChange: () => Promise<void> }) {
  const { state } = props;
  const [editing, setEditing] = useState<string | null>(null);
  const currency = state.accounts.find((a) => a.primary)?.currency ?? 'NCD';
  const done = async () => {
    setEditing(null);
    await props.onChange();
  };
  return (
    <div data-testid="budgets">
      <p class="muted">
        A site with a budget is paid without asking you, up to the amount, and asks again once it is
        used up. Payments to another site than the page always ask.
      </p>
      {state.allowances.length === 0 ? (
        <p class="muted">No site may pay without asking you.</p>
      ) : (
        <ul class="list">
          {state.allowances.map((a) => (
            <li key={`${a.origin} ${a.currency}`} data-testid="budget">
              <strong>{host(a.origin)}</strong>
              <span data-testid="budget-used">
                {money(a.spent, a.currency)} of {money(a.limit, a.currency)} used
                {a.period === undefined ? ' in all' : ` ${PERIOD_NOW[a.period]}`}
              </span>
              <meter
                min={0}
                max={a.limit}
                value={a.spent}
                aria-label={`Budget used for ${host(a.origin)}`}
              />
              {a.renews === undefined ? null : (
                <span class="muted" data-testid="budget-renews">
                  Renews {until(a.renews)}
                </span>
              )}
              {editing === a.origin ? (
                <BudgetForm origin={a.origin} currency={a.currency} start={a} onDone={done} />
              ) : (
                <div class="buttons start">
                  <button
                    type="button"
                    class="secondary"
                    aria-label={`Edit budget for ${host(a.origin)}`}
                    onClick={() => setEditing(a.origin)}
                  >
                    Edit
                  </button>
                  <ActionButton
                    label="Remove"
                    busyLabel="Removing…"
                    kind="secondary"
                    ariaLabel={`Remove budget for ${host(a.origin)}`}
                    action={async () => {
                      await command('setAllowance', {
                        origin: a.origin,
                        currency: a.currency,
                        limit: 0,
                      });
                      await props.onChange();
                    }}
                  />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {editing === '' ? (
        <BudgetForm currency={currency} onDone={done} />
      ) : (
        <button type="button" class="secondary" onClick={() => setEditing('')}>
          Give a site a budget
        </button>
      )}
    </div>
  );
}
