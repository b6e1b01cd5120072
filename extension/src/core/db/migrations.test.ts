import 'fake-indexeddb/auto';
import { deleteDB, openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { upgrade } from './migrations.ts';
import { openWalletDb } from './open.ts';
import { DB_VERSION, type WalletSchema } from './schema.ts';

describe('wallet database migrations', () => {
  it('creates every store at the newest version', async () => {
    const db = await openWalletDb('migrations-fresh');
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(
      [
        'accounts',
        'allowances',
        'certificates',
        'coins',
        'history',
        'insurers',
        'ops',
        'receipts',
        'revocations',
        'settings',
      ].sort(),
    );
    db.close();
    await deleteDB('migrations-fresh');
  });

  it('upgrades a version-1 wallet in place, keeping its rows', async () => {
    const v1 = await openDB<WalletSchema>('migrations-v1', 1, {
      upgrade(db, oldVersion, _newVersion, tx) {
        upgrade(db, oldVersion, 1, tx);
      },
    });
    await v1.put('settings', { name: 'sessionKeys', value: true });
    await v1.add('history', {
      date: 1,
      kind: 'buy',
      amount: 100,
      currency: 'NCD',
      opId: 'op1',
    });
    expect([...v1.transaction('history').store.indexNames]).toEqual([]);
    v1.close();

    const db = await openWalletDb('migrations-v1');
    expect(db.version).toBe(DB_VERSION);
    expect(await db.get('settings', 'sessionKeys')).toEqual({ name: 'sessionKeys', value: true });
    expect(await db.getAllFromIndex('history', 'byOp', 'op1')).toHaveLength(1);
    expect([...db.transaction('receipts').store.indexNames].sort()).toEqual(['byOrigin', 'bySid']);
    db.close();
    await deleteDB('migrations-v1');
  });
});
