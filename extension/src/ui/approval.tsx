/**
 * The approval window (SPEC §8): the site, what is sold, the price, the balance after, and why
 * the wallet asks; Reject or Approve, and "let this site spend up to X per day/week/month".
 * Opened by the service worker with windows.create; closing it rejects.
 *
 * Safe by default: focus starts on Reject, Escape rejects, and Approve works only after the
 * window has been seen for a moment (armed.ts: a page can't trick a click onto it). Other origins
 * the offer involves are shown plainly and rule out a budget.
 */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { BUDGET_PERIODS, type BudgetPeriod } from '../core/budget.ts';
import type { ApprovalPrompt } from '../messages/views.ts';
import { command } from './api.ts';
import { useArmed } from './armed.ts';
import { ActionButton } from './components.tsx';
import { explain, money, PERIOD_NOW, PERIOD_WORDS, parseMoney } from './format.ts';

function Approval() {
  const id = new URLSearchParams(window.location.search).get('id') ?? '';
  const [view, setView] = useState<ApprovalPrompt | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [allow, setAllow] = useState(false);
  const [limit, setLimit] = useState('1.00');
  const [period, setPeriod] = useState<BudgetPeriod>('day');
  const reject = useRef<HTMLButtonElement>(null);
  const armed = useArmed(view?.armMs);
  useEffect(() => {
    command('approval', { id }).then(setView, (e) => setError(explain(e)));
  }, [id]);
  // Focus starts on the safe choice; Escape is a "no".
  useEffect(() => {
    if (view === null || view === undefined) return;
    reject.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      command('decide', { id, approve: false }).finally(() => window.close());
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [view, id]);
  if (error !== null) return <p class="error">{error}</p>;
  if (view === undefined) return <p class="muted">Loading…</p>;
  if (view === null) return <p class="muted">This payment is no longer waiting for an answer.</p>;
  const q = view.quote;
  const cross = q.foreignOrigins.length > 0;
  const allowUpTo = parseMoney(limit, q.currency);
  const budget = view.budget;
  return (
    <main class="approval" data-testid="approval" aria-labelledby="approval-title">
      <h1 id="approval-title">Pay {money(q.amount, q.currency)}?</h1>
      <p class="site" data-testid="approval-origin">
        {q.origin}
      </p>
      <p data-testid="approval-description">{q.description}</p>
      {cross ? (
        <p class="warning" data-testid="approval-foreign">
          This payment goes to another site: {q.foreignOrigins.join(', ')}
        </p>
      ) : null}
      <dl>
        <dt>Price</dt>
        <dd data-testid="approval-price">{money(q.amount, q.currency)}</dd>
        <dt>Balance after</dt>
        <dd data-testid="approval-after">{money(q.balanceAfter, q.currency)}</dd>
        {budget === undefined ? null : (
          <>
            <dt>Site budget</dt>
            <dd data-testid="approval-budget">
              {money(budget.spent, budget.currency)} of {money(budget.limit, budget.currency)} used{' '}
              {budget.period === undefined ? 'in all' : PERIOD_NOW[budget.period]}
            </dd>
          </>
        )}
      </dl>
      {q.protection === undefined ? null : (
        <p class="note" data-testid="approval-protection">
          {q.protection === 'prepaid'
            ? `Paid from what you kept ready for ${new URL(q.origin).host}: no currency server is needed.`
            : `Protected payment: if ${new URL(q.origin).host} sends no receipt, the wallet claims the value back from the currency server by itself, or gets its receipt proving the site took it.`}
        </p>
      )}
      <p class="why" data-testid="approval-reason">
        <span class="why-label">Why am I asked? </span>
        {view.reason}
      </p>
      {q.balanceAfter < 0 ? (
        <p class="error" role="alert">
          Your wallet holds {money(q.balance, q.currency)}, less than the price.
        </p>
      ) : null}
      {cross ? null : (
        <fieldset class="budget">
          <legend class="sr-only">Budget for this site</legend>
          <label class="check">
            <input
              type="checkbox"
              checked={allow}
              data-testid="approval-allow"
              onChange={(e) => setAllow(e.currentTarget.checked)}
            />
            <span>Let {new URL(q.origin).host} spend without asking, up to</span>
          </label>
          <div class="budget-row">
            <input
              class="small"
              value={limit}
              inputMode="decimal"
              aria-label="Budget amount"
              data-testid="approval-limit"
              disabled={!allow}
              onInput={(e) => setLimit(e.currentTarget.value)}
            />
            <span>{q.currency}</span>
            <select
              value={period}
              aria-label="Budget period"
              data-testid="approval-period"
              disabled={!allow}
              onChange={(e) => setPeriod(e.currentTarget.value as BudgetPeriod)}
            >
              {BUDGET_PERIODS.map((p) => (
                <option key={p} value={p}>
                  {PERIOD_WORDS[p]}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
      )}
      <div class="buttons">
        <ActionButton
          label="Reject"
          busyLabel="Rejecting…"
          kind="secondary"
          testId="reject"
          buttonRef={reject}
          action={async () => {
            await command('decide', { id, approve: false });
            window.close();
          }}
        />
        <ActionButton
          label="Approve"
          busyLabel="Paying…"
          testId="approve"
          describedBy={armed ? undefined : 'approve-wait'}
          disabled={
            !armed || q.balanceAfter < 0 || (allow && (allowUpTo === null || allowUpTo <= 0))
          }
          action={async () => {
            await command(
              'decide',
              allow && !cross && allowUpTo !== null
                ? { id, approve: true, allowUpTo, period }
                : { id, approve: true },
            );
            window.close();
          }}
        />
      </div>
      {armed ? null : (
        <p id="approve-wait" class="muted small-note">
          Approve is available once you have looked this over.
        </p>
      )}
    </main>
  );
}

render(<Approval />, document.getElementById('app')!);
