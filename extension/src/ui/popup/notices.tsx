/**
 * Notices the wallet keeps until the shopper dismisses them (core/notices.ts): a payment her
 * currency server proves made, whose seller refused to send its receipt. Shown on the home until
 * she says she has read it; the page of that article says it too, for as long.
 */
import { useEffect, useState } from 'preact/hooks';
import type { NoticeView } from '../../messages/views.ts';
import { command } from '../api.ts';
import { ActionButton, Section } from '../components.tsx';
import { ago, money } from '../format.ts';

export function Notices(props: { version: unknown }) {
  const [notices, setNotices] = useState<readonly NoticeView[]>([]);
  useEffect(() => {
    command('notices', {}).then(setNotices, () => setNotices([]));
  }, [props.version]);
  if (notices.length === 0) return null;
  return (
    <Section title="Needs your attention" testId="notices">
      <ul class="list">
        {notices.map((n) => (
          <li key={n.id} data-testid="notice">
            <strong>
              {n.description} · {money(n.amount, n.currency)}
            </strong>
            <span class="muted">
              {new URL(n.origin).host} ·{' '}
              <time dateTime={new Date(n.since * 1000).toISOString()}>{ago(n.since)}</time>
            </span>
            <span data-testid="notice-text">{n.text}</span>
            <ActionButton
              label="Dismiss"
              busyLabel="Dismissing…"
              kind="secondary"
              testId="notice-dismiss"
              ariaLabel={`Dismiss the notice about ${n.description}`}
              action={async () => {
                await command('dismissNotice', { id: n.id });
                setNotices(await command('notices', {}));
              }}
            />
          </li>
        ))}
      </ul>
    </Section>
  );
}
