/** Small shared pieces of the wallet's pages. */
import type { ComponentChildren, Ref } from 'preact';
import { useState } from 'preact/hooks';
import { explain } from './format.ts';

/** A button that runs `action`, shows progress while it runs and its error in words after. */
export function ActionButton(props: {
  label: string;
  busyLabel: string;
  action: () => Promise<void>;
  disabled?: boolean;
  kind?: 'primary' | 'secondary' | 'danger' | 'link';
  testId?: string;
  /** What a screen reader says when the label alone is ambiguous ("Remove budget for x"). */
  ariaLabel?: string;
  buttonRef?: Ref<HTMLButtonElement>;
  describedBy?: string;
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
        aria-label={props.ariaLabel}
        aria-describedby={props.describedBy}
        aria-busy={busy}
        ref={props.buttonRef}
      >
        {busy ? <span class="spinner" aria-hidden="true" /> : null}
        {busy ? props.busyLabel : props.label}
      </button>
      {error !== null ? (
        <p class="error" role="alert" data-testid={props.testId && `${props.testId}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Section(props: { title: string; children: ComponentChildren; testId?: string }) {
  return (
    <section data-testid={props.testId}>
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
  hint?: string;
  inputMode?: 'decimal' | 'text' | 'url';
  autoComplete?: string;
}) {
  return (
    <label class="field">
      <span>{props.label}</span>
      <input
        value={props.value}
        placeholder={props.placeholder}
        data-testid={props.testId}
        inputMode={props.inputMode}
        autoComplete={props.autoComplete ?? 'off'}
        spellcheck={false}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.hint === undefined ? null : <small class="muted">{props.hint}</small>}
    </label>
  );
}
