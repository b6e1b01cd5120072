/**
 * Operations the wallet is still finishing (SPEC §12), each with what it is, where and for whom
 * it waits, since when, when it tries again by itself and what happens then — and "Retry now",
 * which re-drives them at once. Nothing here can charge twice: a retry re-sends the same request.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PendingView } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Section } from '../components.tsx';
import { ago, money, until } from '../format.ts';

export function Pending(props: { count: number; onChange: () => Promise<void> }) {
  const [ops, setOps] = useState<readonly PendingView[]>([]);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    command('pending', {}).then(setOps, () => setOps([]));
  }, [props.count]);
  const status =
    note === null ? null : (
      <p class="note" role="status" data-testid="pending-note">
        {note}
      </p>
    );
  if (ops.length === 0) return status;
  return (
    <Section title="Being finished" testId="pending">
      <ul class="list">
        {ops.map((op) => (
          <li key={op.id} data-testid="pending-op">
            <strong data-testid="pending-what">{op.what}</strong>
            <span class="muted">
              at <span data-testid="pending-where">{op.where}</span> · waiting for {op.waitingFor} ·
              since <time dateTime={new Date(op.since * 1000).toISOString()}>{ago(op.since)}</time>
              {op.attempts > 0 ? ` · ${op.attempts} tries` : ''}
            </span>
            {op.amount > 0 ? <span class="muted">{money(op.amount, op.currency)}</span> : null}
            <span data-testid="pending-next">{op.next}</span>
            <span class="muted">Next try by itself {until(op.nextTry)}.</span>
            {op.reclaimAt === undefined ? null : (
              <span class="muted">
                If the seller stays silent, the coins come back {until(op.reclaimAt)}.
              </span>
            )}
            {op.lastError === undefined ? null : (
              <span class="muted">Last answer: {op.lastError}</span>
            )}
            {op.warning === undefined ? null : <span class="error">{op.warning}</span>}
          </li>
        ))}
      </ul>
      <ActionButton
        label="Retry now"
        busyLabel="Retrying…"
        kind="secondary"
        testId="retry-now"
        action={async () => {
          const report = await command('retryNow', {});
          setOps(report.left);
          setNote(
            report.left.length === 0
              ? 'Everything is finished.'
              : `${report.left.length} still waiting; the wallet keeps trying by itself.`,
          );
          await props.onChange();
        }}
      />
      {status}
    </Section>
  );
}
