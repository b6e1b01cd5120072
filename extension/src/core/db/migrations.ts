/**
 * Schema migrations, one step per version (the Web Monetization extension's migration table,
 * GNU Taler's versioned stores). `upgrade` runs every step above the stored version inside the
 * single `versionchange` transaction IndexedDB gives us, so an upgrade is all or nothing.
 *
 * Never edit a released step: add a new one and bump DB_VERSION.
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import { unconfirmedNotice } from '../notices.ts';
import type { WalletSchema } from './schema.ts';
import { TallyChange } from './tally.ts';

type UpgradeTx = IDBPTransaction<WalletSchema, StoreNames<WalletSchema>[], 'versionchange'>;

export interface Migration {
  /** The version this step produces. */
  readonly version: number;
  readonly what: string;
  readonly run: (db: IDBPDatabase<WalletSchema>, tx: UpgradeTx) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'coins, journal, accounts, trust, receipts, allowances, settings, history',
    run(db) {
      const coins = db.createObjectStore('coins', { keyPath: 'id' });
      coins.createIndex('byCs', 'cs');
      coins.createIndex('byState', 'state');
      coins.createIndex('byOp', 'opId');
      const ops = db.createObjectStore('ops', { keyPath: 'id' });
      ops.createIndex('byStatus', 'status');
      db.createObjectStore('accounts', { keyPath: 'account' });
      db.createObjectStore('insurers', { keyPath: 'key' });
      db.createObjectStore('certificates', { keyPath: 'certId' }).createIndex('byCs', 'csName');
      db.createObjectStore('revocations', { keyPath: 'insurer' });
      db.createObjectStore('receipts', { keyPath: 'tid' }).createIndex('bySid', [
        'offerKey',
        'sid',
      ]);
      db.createObjectStore('allowances', { keyPath: ['origin', 'currency'] });
      db.createObjectStore('settings', { keyPath: 'name' });
      db.createObjectStore('history', { keyPath: 'seq', autoIncrement: true });
    },
  },
  {
    version: 2,
    what: 'purchases per site (popup) and history per operation (recovery notes)',
    run(_db, tx) {
      tx.objectStore('receipts').createIndex('byOrigin', 'origin');
      tx.objectStore('history').createIndex('byOp', 'opId');
    },
  },
  {
    version: 3,
    what: 'coins keyed by [currency, cs, state, value, expires]: balances and coin selection without reading every coin (purse.ts)',
    run(_db, tx) {
      tx.objectStore('coins').createIndex('bySpend', [
        'currency',
        'cs',
        'state',
        'value',
        'expires',
      ]);
    },
  },
  {
    version: 4,
    what: 'blind-rsa denomination keys (SPEC §7); coins by scheme for the scheme mix',
    run(db, tx) {
      db.createObjectStore('denominationKeys', { keyPath: 'keyId' }).createIndex('byCs', 'cs');
      tx.objectStore('coins').createIndex('byScheme', [
        'coin.body.scheme',
        'state',
        'currency',
        'value',
        'expires',
      ]);
    },
  },
  {
    version: 5,
    what: 'spendable coins tallied per [currency, cs, value, expires, scheme]: balances and the scheme mix without counting every coin (db/tally.ts)',
    run(db, tx) {
      db.createObjectStore('tallies', {
        keyPath: ['currency', 'cs', 'value', 'expires', 'scheme'],
      });
      // Fill it from the coins held, inside this same versionchange transaction: it stays
      // open while these requests run, and a failure aborts the whole upgrade.
      const fill = async () => {
        const change = new TallyChange();
        let cursor = await tx.objectStore('coins').openCursor();
        while (cursor !== null) {
          change.count(cursor.value, 1);
          cursor = await cursor.continue();
        }
        await change.apply(tx);
      };
      fill().catch(() => tx.abort());
    },
  },
  {
    version: 6,
    what: 'journal entries by [status, updated]: pruning old settled entries reads keys, not every entry (recover.ts)',
    run(_db, tx) {
      tx.objectStore('ops').createIndex('byStatusUpdated', ['status', 'updated']);
    },
  },
  {
    version: 7,
    what: 'the recovery phrase and the blind-rsa derivation counters (SPEC §13, restore/seed.ts)',
    run(db) {
      db.createObjectStore('recovery', { keyPath: 'name' });
      db.createObjectStore('counters', { keyPath: 'keyId' });
    },
  },
  {
    version: 8,
    what: 'notices kept until the shopper dismisses them: a payment the CS proves made whose payee refused its receipt (notices.ts)',
    run(db, tx) {
      const notices = db.createObjectStore('notices', { keyPath: 'id' });
      notices.createIndex('byOrigin', 'origin');
      notices.createIndex('byIntent', 'intent');
      // Such payments ended before: their notes were shown for an hour only; now they stay.
      const fill = async () => {
        for (const op of await tx.objectStore('ops').index('byStatus').getAll('done')) {
          const notice = unconfirmedNotice(op, op.updated);
          if (notice !== null) await tx.objectStore('notices').put(notice);
        }
      };
      fill().catch(() => tx.abort());
    },
  },
];

/** Runs the steps after `oldVersion` up to `newVersion`, in order. */
export function upgrade(
  db: IDBPDatabase<WalletSchema>,
  oldVersion: number,
  newVersion: number,
  tx: UpgradeTx,
): void {
  for (const step of MIGRATIONS) {
    if (step.version > oldVersion && step.version <= newVersion) step.run(db, tx);
  }
}
