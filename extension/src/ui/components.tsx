/** Small shared pieces of the wallet's pages. */
import type { ComponentChildren, Ref, TargetedEvent } from 'preact';
import { useId, useState } from 'preact/hooks';
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

/**
 * A labelled input. Its hint and `error` (why what was typed can't be used) describe the input,
 * so a screen reader reads them after its name; `type: 'password'` for passphrases.
 */
export function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  placeholder?: string;
  testId?: string;
  hint?: string;
  error?: string | null;
  inputMode?: 'decimal' | 'text' | 'url';
  type?: 'password';
  autoComplete?: string;
}) {
  const id = useId();
  const error = props.error ?? null;
  const described = [
    props.hint === undefined ? '' : `${id}-hint`,
    error === null ? '' : `${id}-error`,
  ]
    .filter((d) => d !== '')
    .join(' ');
  const input = {
    id: `${id}-input`,
    value: props.value,
    placeholder: props.placeholder,
    'data-testid': props.testId,
    inputMode: props.inputMode,
    autoComplete: props.autoComplete ?? 'off',
    spellcheck: false,
    'aria-invalid': error !== null,
    'aria-describedby': described === '' ? undefined : described,
    onInput: (e: TargetedEvent<HTMLInputElement>) => props.onInput(e.currentTarget.value),
  };
  return (
    <div class="field">
      <label htmlFor={`${id}-input`}>{props.label}</label>
      {props.type === 'password' ? <input type="password" {...input} /> : <input {...input} />}
      {props.hint === undefined ? null : (
        <small class="muted" id={`${id}-hint`}>
          {props.hint}
        </small>
      )}
      {error === null ? null : (
        <small
          class="error"
          id={`${id}-error`}
          data-testid={props.testId && `${props.testId}-error`}
        >
          {error}
        </small>
      )}
    </div>
  );
}

/** Which fold of a view is open: one at a time, so an open one still fits the popup. */
export function useFolds(): (name: string) => { open: boolean; onToggle: () => void } {
  const [open, setOpen] = useState<string | null>(null);
  return (name) => ({
    open: open === name,
    onToggle: () => setOpen(open === name ? null : name),
  });
}

/**
 * A section a person opens when needed (the WAI-ARIA accordion: a heading holding a button
 * that says whether it is expanded). Closed, it shows one line of what is set inside it; the
 * whole row is the button. Its body stays mounted while closed, so what was typed survives.
 */
export function Fold(props: {
  title: string;
  summary: ComponentChildren;
  /** The summary is something to act on (a phrase not written down yet). */
  warn?: boolean;
  open: boolean;
  onToggle: () => void;
  testId?: string;
  children: ComponentChildren;
}) {
  const id = useId();
  return (
    <section class={props.open ? 'fold open' : 'fold'} data-testid={props.testId}>
      <div class="fold-head">
        <h2>
          <button
            type="button"
            aria-expanded={props.open}
            aria-controls={`${id}-body`}
            aria-describedby={props.open ? undefined : `${id}-summary`}
            onClick={props.onToggle}
          >
            {props.title}
          </button>
        </h2>
        {props.open ? null : (
          <p
            id={`${id}-summary`}
            class={props.warn === true ? 'fold-summary warn' : 'fold-summary'}
          >
            {props.summary}
          </p>
        )}
      </div>
      <div id={`${id}-body`} class="fold-body" hidden={!props.open}>
        {props.children}
      </div>
    </section>
  );
}
