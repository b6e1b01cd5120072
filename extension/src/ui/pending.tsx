/**
 * Operations the wallet is still finishing (SPEC §12): what, where, since when, what happens
 * next, and "Retry now". Nothing here can charge twice: a retry re-sends the same request.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PendingView } from '../messages/views.ts';
import { command } from './api.ts';
import { ActionButton, Section } from './components.tsx';
import { when } from './format.ts';

export function Pending(props: { count: number; onChange: () => Promise<void> }) {
  const [ops, setOps] = useState<readonly PendingView[]>([]);
  useEffect(() => {
    command('pending', {}).then(setOps, () => setOps([]));
  }, [props.count]);
  if (ops.length === 0) return null;
  return (
    <Section title="Being finished">
      <ul class="list" data-testid="pending">
        {ops.map((op) => (
          <li key={op.id} data-testid="pending-op">
            <strong>{op.what}</strong>
            <span class="muted">
              waiting for {op.waitingFor} · since {when(op.since)} · next try {when(op.nextTry)}
            </span>
            <span>{op.next}</span>
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
          setOps((await command('retryNow', {})).left);
          await props.onChange();
        }}
      />
    </Section>
  );
}
