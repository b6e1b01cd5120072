/**
 * The approval window (SPEC §8): site origin, what is sold, price, balance after; Approve or
 * Reject, and "allow up to X on this site". Opened by the service worker with windows.create;
 * closing it rejects. Other origins the offer involves are shown plainly and rule out an allowance.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApprovalView } from '../messages/views.ts';
import { command } from './api.ts';
import { ActionButton } from './components.tsx';
import { explain, money, parseMoney } from './format.ts';

function Approval() {
  const id = new URLSearchParams(window.location.search).get('id') ?? '';
  const [view, setView] = useState<ApprovalView | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [allow, setAllow] = useState(false);
  const [limit, setLimit] = useState('1.00');
  useEffect(() => {
    command('approval', { id }).then(setView, (e) => setError(explain(e)));
  }, [id]);
  if (error !== null) return <p class="error">{error}</p>;
  if (view === undefined) return <p class="muted">Loading…</p>;
  if (view === null) return <p class="muted">This payment is no longer waiting for an answer.</p>;
  const q = view.quote;
  const cross = q.foreignOrigins.length > 0;
  const allowUpTo = parseMoney(limit);
  return (
    <main class="approval" data-testid="approval">
      <h1>Pay {money(q.amount, q.currency)}?</h1>
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
      </dl>
      {cross ? null : (
        <label class="check">
          <input
            type="checkbox"
            checked={allow}
            data-testid="approval-allow"
            onChange={(e) => setAllow(e.currentTarget.checked)}
          />
          Allow up to
          <input
            class="small"
            value={limit}
            data-testid="approval-limit"
            onInput={(e) => setLimit(e.currentTarget.value)}
          />
          {q.currency} on this site without asking
        </label>
      )}
      <div class="buttons">
        <ActionButton
          label="Reject"
          busyLabel="Rejecting…"
          kind="secondary"
          testId="reject"
          action={async () => {
            await command('decide', { id, approve: false });
            window.close();
          }}
        />
        <ActionButton
          label="Approve"
          busyLabel="Paying…"
          testId="approve"
          disabled={q.balanceAfter < 0 || (allow && (allowUpTo === null || allowUpTo <= 0))}
          action={async () => {
            await command(
              'decide',
              allow && !cross && allowUpTo !== null
                ? { id, approve: true, allowUpTo }
                : { id, approve: true },
            );
            window.close();
          }}
        />
      </div>
    </main>
  );
}

render(<Approval />, document.getElementById('app')!);
