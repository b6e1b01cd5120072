/**
 * The wallet's recovery commands (SPEC §13): the phrase shown at onboarding and its
 * confirmation, adopting a lost wallet's phrase in a new install, restoring its coins with
 * progress, and the encrypted backup file. `Wallet.recovery` is one of these; value-moving work
 * runs in the wallet's queue (`run`), and a restore ends with the wallet's usual refresh.
 */
import { NetCashError, toB64u } from '@netcash/protocol';
import type { Core } from '../context.ts';
import { loadStopped } from '../stopped.ts';
import {
  type BackupFile,
  exportBackup,
  type ImportReport,
  importBackup,
  openBackup,
  type ScryptCost,
} from './backup.ts';
import { normalizePhrase, seedOf } from './phrase.ts';
import { type RestoreProgress, type RestoreReport, restoreCoins } from './restore.ts';
import type { RecoveryRow } from './seed.ts';

export interface RecoveryHooks {
  /** Runs value-moving work in the wallet's queue. */
  readonly run: <T>(work: () => Promise<T>) => Promise<T>;
  /** After a restore: the usual refresh (spread, coins near expiry). */
  readonly refresh: () => Promise<unknown>;
  /** Trusts an insurer a backup names (fetches its lists). */
  readonly trustInsurer: (key: string, url: string) => Promise<unknown>;
}

export class Recovery {
  /** Where the running (or last) restore stands, for a page polling it. */
  progress: RestoreProgress | null = null;

  constructor(
    private readonly core: Core,
    private readonly hooks: RecoveryHooks,
  ) {}

  private async row(): Promise<RecoveryRow> {
    const row = await this.core.db.get('recovery', 'seed');
    if (row === undefined) throw new NetCashError('wallet-not-ready', 'The wallet has no phrase.');
    return row;
  }

  /** The phrase's words (extension pages only) and whether the shopper confirmed them. */
  async phrase(): Promise<{ words: string[]; confirmed: boolean }> {
    const row = await this.row();
    return { words: row.phrase.split(' '), confirmed: row.confirmed };
  }

  /** The shopper typed back words of the phrase (1-based positions); `bad-phrase` if wrong. */
  async confirm(answers: readonly { position: number; word: string }[]): Promise<void> {
    const row = await this.row();
    const words = row.phrase.split(' ');
    const wrong = answers.filter((a) => words[a.position - 1] !== normalizePhrase(a.word));
    if (answers.length === 0 || wrong.length > 0) {
      throw new NetCashError(
        'bad-phrase',
        `Word ${wrong.map((a) => a.position).join(', ')} does not match your recovery phrase.`,
      );
    }
    await this.core.db.put('recovery', { ...row, confirmed: true });
  }

  /**
   * Makes `phrase` this wallet's — a new install taking over a lost wallet's phrase. Refused
   * (`wallet-in-use`) once the wallet holds coins, accounts, receipts or operations of its own.
   */
  adopt(text: string): Promise<void> {
    return this.hooks.run(async () => {
      const { phrase, seed } = seedOf(text);
      const tx = this.core.db.transaction(
        ['recovery', 'counters', 'coins', 'accounts', 'receipts', 'ops'],
        'readwrite',
      );
      const used = await Promise.all(
        (['coins', 'accounts', 'receipts', 'ops'] as const).map((s) => tx.objectStore(s).count()),
      );
      const held = await tx.objectStore('recovery').get('seed');
      if (held?.phrase === phrase) {
        await tx.done;
        return;
      }
      if (used.some((n) => n > 0)) {
        tx.abort();
        await tx.done.catch(() => undefined);
        throw new NetCashError(
          'wallet-in-use',
          'This wallet already holds money or accounts of its own: restore the phrase into a new wallet.',
        );
      }
      await tx.objectStore('counters').clear();
      await tx.objectStore('recovery').put({
        name: 'seed',
        phrase,
        seed: toB64u(seed),
        confirmed: true,
        created: this.core.now(),
      });
      await tx.done;
      this.core.seed = seed;
    });
  }

  /**
   * Finds every coin of the phrase outstanding at every trusted currency server and puts it in
   * the purse, then refreshes (restore.ts). Safe to run again.
   */
  async restore(): Promise<RestoreReport> {
    const report = await this.hooks.run(() =>
      restoreCoins(this.core, (p) => {
        this.progress = p;
      }),
    );
    await this.hooks.refresh();
    return report;
  }

  /** The backup file, sealed under `passphrase`. */
  exportBackup(passphrase: string, cost?: ScryptCost): Promise<BackupFile> {
    return exportBackup(this.core, passphrase, cost);
  }

  /** Opens a backup file with `passphrase` and merges it; trusts the insurers it names. */
  async importBackup(text: string, passphrase: string): Promise<ImportReport> {
    const content = await openBackup(this.core.p, text, passphrase);
    const report = await importBackup(this.core, content);
    await loadStopped(this.core); // the servers stopped, as the file says
    for (const insurer of report.insurers) {
      await this.hooks.trustInsurer(insurer.key, insurer.url);
    }
    return report;
  }
}
