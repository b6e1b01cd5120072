/** Small shared pieces of the wallet's pages. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { explain } from './format.ts';

/** A button that runs `action`, shows progress while it runs and its error in words after. */
export function ActionButton(props: {
  label: string;
  busyLabel: string;
  action: () => Promise<void>;
  disabled?: boolean;
  kind?: 'primary' | 'secondary' | 'danger';
  testId?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.action();
    } catch (e) {
      setError(explain(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="action">
      <button
        type="button"
        class={props.kind ?? 'primary'}
        disabled={busy || props.disabled === true}
        onClick={run}
        data-testid={props.testId}
      >
        {busy ? <span class="spinner" aria-hidden="true" /> : null}
        {busy ? props.busyLabel : props.label}
      </button>
      {error !== null ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Section(props: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h2>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  placeholder?: string;
  testId?: string;
}) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        value={props.value}
        placeholder={props.placeholder}
        data-testid={props.testId}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
    </label>
  );
}
