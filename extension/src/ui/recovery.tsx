/**
 * The recovery phrase and the backup file on the wallet's pages (SPEC §13):
 *
 *   PhraseStep     onboarding shows the 12 words once and asks for three of them back
 *   AdoptPhrase    a new install takes over a lost wallet's phrase
 *   RestoreCoins   finds the phrase's coins at every trusted currency server, with progress
 *   ImportBackup   opens a backup file with its passphrase (receipts, accounts, budgets…)
 *   ExportBackup   writes one, downloaded as a file
 *
 * The words are read from the service worker only by extension pages and never leave them.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CommandOutputs } from '../messages/commands.ts';
import { command } from './api.ts';
import { ActionButton, Field } from './components.tsx';
import { money } from './format.ts';

/** Three distinct positions of 1…12, in order. */
function threePositions(): number[] {
  const all = Array.from({ length: 12 }, (_, i) => i + 1);
  const picked: number[] = [];
  while (picked.length < 3) {
    const i = Math.floor(Math.random() * all.length);
    picked.push(all.splice(i, 1)[0]!);
  }
  return picked.sort((a, b) => a - b);
}

export function PhraseStep(props: { onDone: () => Promise<void> }) {
  const [words, setWords] = useState<readonly string[] | null>(null);
  const [written, setWritten] = useState(false);
  const positions = useMemo(threePositions, []);
  const [answers, setAnswers] = useState<Record<number, string>>({});
  useEffect(() => {
    void command('recoveryPhrase', {}).then((p) => setWords(p.words));
  }, []);
  if (words === null) return <p class="muted">Loading…</p>;
  return (
    <div class="phrase">
      <p>
        These 12 words are your wallet. If this browser loses its data, they bring every coin back
        in a new install. Write them down on paper, in order, and keep them where only you can find
        them: whoever has them can take your money.
      </p>
      <ol class="phrase-words" data-testid="phrase-words">
        {words.map((w, i) => (
          <li key={`${i}-${w}`} data-testid="phrase-word">
            {w}
          </li>
        ))}
      </ol>
      {!written ? (
        <div class="buttons start">
          <button
            type="button"
            class="primary"
            data-testid="phrase-written"
            onClick={() => setWritten(true)}
          >
            I wrote them down
          </button>
        </div>
      ) : (
        <>
          <p class="muted">To be sure, type these words of your phrase:</p>
          {positions.map((position) => (
            <Field
              key={position}
              label={`Word ${position}`}
              value={answers[position] ?? ''}
              onInput={(value) => setAnswers({ ...answers, [position]: value })}
              testId={`confirm-word-${position}`}
            />
          ))}
          <ActionButton
            label="Confirm"
            busyLabel="Checking…"
            testId="confirm-phrase"
            disabled={positions.some((p) => (answers[p] ?? '').trim() === '')}
            action={async () => {
              await command('confirmPhrase', {
                answers: positions.map((position) => ({
                  position,
                  word: (answers[position] ?? '').trim(),
                })),
              });
              await props.onDone();
            }}
          />
        </>
      )}
    </div>
  );
}

export function AdoptPhrase(props: { onDone: () => Promise<void> }) {
  const [phrase, setPhrase] = useState('');
  return (
    <div class="phrase">
      <label class="field">
        <span>Your recovery phrase (12 words)</span>
        <textarea
          rows={3}
          value={phrase}
          spellcheck={false}
          autoComplete="off"
          data-testid="restore-phrase"
          onInput={(e) => setPhrase(e.currentTarget.value)}
        />
        <small class="muted">
          Then trust the insurer and connect the bank you used before: the wallet finds your account
          and your coins again.
        </small>
      </label>
      <ActionButton
        label="Use this phrase"
        busyLabel="Checking the phrase…"
        testId="adopt-phrase"
        disabled={phrase.trim() === ''}
        action={async () => {
          await command('adoptPhrase', { phrase });
          await props.onDone();
        }}
      />
    </div>
  );
}

const PHASES: Record<string, string> = {
  nc1: 'looking for coins',
  'blind-rsa': 'looking for private coins',
  status: 'checking which are spent',
  triplets: 'looking for payments not settled yet',
  done: 'done',
};

export function RestoreCoins(props: { onDone: () => Promise<void> }) {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<CommandOutputs['restoreProgress']>(null);
  const [report, setReport] = useState<CommandOutputs['restore'] | null>(null);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      void command('restoreProgress', {}).then(setProgress);
    }, 300);
    return () => clearInterval(timer);
  }, [running]);
  const found = report === null ? [] : Object.entries(report.byCs);
  return (
    <div class="restore">
      <ActionButton
        label="Find my coins"
        busyLabel="Restoring…"
        testId="restore-coins"
        action={async () => {
          setRunning(true);
          try {
            setReport(await command('restore', {}));
          } finally {
            setRunning(false);
          }
          await props.onDone();
        }}
      />
      {running && progress !== null ? (
        <p class="muted" role="status" data-testid="restore-progress">
          {progress.cs === '' ? '' : `${progress.cs}: `}
          {PHASES[progress.phase]} — {progress.done} of {progress.servers} servers, {progress.coins}{' '}
          coins found
        </p>
      ) : null}
      {report === null ? null : (
        <p role="status" data-testid="restore-result">
          {found.length === 0
            ? 'No currency server is trusted yet.'
            : `Found ${found.reduce((s, [, c]) => s + c.coins, 0)} coins (${found
                .map(([cs, c]) => `${cs}: ${money(c.value, 'NCD')}`)
                .join(', ')}); ${report.spent} spent coins left out.${
                report.writtenOff > 0
                  ? ` ${report.writtenOff} coins held here were spent by another copy of this wallet and are taken out.`
                  : ''
              }${
                report.triplets.count > 0
                  ? ` ${money(report.triplets.value, 'NCD')} was locked in payments not settled yet: from ${new Date(report.triplets.from * 1000).toLocaleString('en-GB')} the wallet claims it back, unless the seller took it.`
                  : ''
              }${report.closed
                .map(
                  (c) =>
                    ` ${money(c.value, c.currency)} at ${c.cs} was locked in a payment${c.origin === '' ? '' : ` to ${new URL(c.origin).host}`} whose seller never took it, and could be claimed back only until ${new Date(c.closed * 1000).toLocaleString('en-GB')}: it is lost (see your activity).`,
                )
                .join('')}`}
        </p>
      )}
    </div>
  );
}

export function ImportBackup(props: { onDone: () => Promise<void> }) {
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const [passphrase, setPassphrase] = useState('');
  const [result, setResult] = useState<string | null>(null);
  return (
    <div class="backup">
      <label class="field">
        <span>Backup file</span>
        <input
          type="file"
          accept="application/json,.json"
          data-testid="backup-file"
          onChange={async (e) => {
            const chosen = e.currentTarget.files?.[0];
            setFile(chosen === undefined ? null : { name: chosen.name, text: await chosen.text() });
          }}
        />
        {file === null ? null : (
          <small class="muted" data-testid="backup-file-chosen">
            {file.name}
          </small>
        )}
      </label>
      <Field
        label="Its passphrase"
        type="password"
        value={passphrase}
        onInput={setPassphrase}
        testId="backup-passphrase"
      />
      <ActionButton
        label="Import the backup"
        busyLabel="Opening the backup…"
        testId="import-backup"
        disabled={file === null || passphrase === ''}
        action={async () => {
          const report = await command('importBackup', { file: file?.text ?? '', passphrase });
          setResult(
            `Imported ${report.receipts} purchases, ${report.accounts} bank accounts and ${report.allowances} budgets.`,
          );
          await props.onDone();
        }}
      />
      {result === null ? null : (
        <p role="status" data-testid="import-result">
          {result}
        </p>
      )}
    </div>
  );
}

export function ExportBackup() {
  const [passphrase, setPassphrase] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <div class="backup">
      <p class="muted">
        The phrase brings your coins back; a backup file also keeps what you bought (so articles
        open without paying again), your bank accounts, budgets and settings. It is encrypted with a
        passphrase of your choice.
      </p>
      <div class="inline-form">
        <Field
          label="Passphrase (8 characters or more)"
          type="password"
          value={passphrase}
          onInput={setPassphrase}
          autoComplete="new-password"
          testId="export-passphrase"
        />
        <ActionButton
          label="Save a backup file"
          busyLabel="Encrypting…"
          testId="export-backup"
          disabled={passphrase.length < 8}
          action={async () => {
            const { file, name } = await command('exportBackup', { passphrase });
            const url = URL.createObjectURL(new Blob([file], { type: 'application/json' }));
            const link = document.createElement('a');
            link.href = url;
            link.download = name;
            link.click();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
            setSaved(name);
          }}
        />
      </div>
      {saved === null ? null : (
        <p role="status" data-testid="export-done">
          Saved {saved}.
        </p>
      )}
    </div>
  );
}
