import 'fake-indexeddb/auto';
import { deleteDB, openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { upgrade } from './migrations.ts';
import { openWalletDb } from './open.ts';
import { type CoinRow, DB_VERSION, type WalletSchema } from './schema.ts';

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
        'counters',
        'denominationKeys',
        'history',
        'insurers',
        'notices',
        'ops',
        'receipts',
        'recovery',
        'revocations',
        'settings',
        'tallies',
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

  it('upgrades a version-3 wallet: its nc1 coins show in the scheme index', async () => {
    const v3 = await openDB<WalletSchema>('migrations-v3', 3, {
      upgrade(db, oldVersion, _newVersion, tx) {
        upgrade(db, oldVersion, 3, tx);
      },
    });
    const body = {
      type: 'coin' as const,
      scheme: 'nc1' as const,
      cs: 'cs1',
      addr: 'http://127.0.0.1:7402',
      certId: 'c1',
      serial: 'AAAAAAAAAAAAAAAAAAAAAA',
      value: 5,
      currency: 'NCD',
      expires: 100,
    };
    await v3.put('coins', {
      id: 'cs1/AAAAAAAAAAAAAAAAAAAAAA',
      cs: 'cs1',
      currency: 'NCD',
      value: 5,
      expires: 100,
      certId: 'c1',
      coin: { body, sig: 'x' },
      state: 'spendable',
      added: 1,
    });
    v3.close();
    const db = await openWalletDb('migrations-v3');
    expect(db.version).toBe(DB_VERSION);
    const keys = await db.getAllKeysFromIndex(
      'coins',
      'byScheme',
      IDBKeyRange.bound(['nc1'], ['nc1', []]),
    );
    expect(keys).toEqual(['cs1/AAAAAAAAAAAAAAAAAAAAAA']);
    expect(await db.count('denominationKeys')).toBe(0);
    db.close();
    await deleteDB('migrations-v3');
  });

  it('upgrades a version-4 wallet: its spendable coins are tallied, reserved ones not', async () => {
    const v4 = await openDB<WalletSchema>('migrations-v4', 4, {
      upgrade(db, oldVersion, _newVersion, tx) {
        upgrade(db, oldVersion, 4, tx);
      },
    });
    const coin = (serial: string, value: number, scheme: 'nc1' | 'blind-rsa', opId?: string) => {
      const body = {
        type: 'coin' as const,
        scheme: 'nc1' as const,
        cs: 'cs1',
        addr: 'http://127.0.0.1:7402',
        certId: 'c1',
        serial,
        value,
        currency: 'NCD',
        expires: 100,
      };
      const row = {
        id: `cs1/${serial}`,
        cs: 'cs1',
        currency: 'NCD',
        value,
        expires: 100,
        certId: 'c1',
        coin: { body: { ...body, scheme }, sig: 'x' } as CoinRow['coin'],
        added: 1,
      };
      return opId === undefined
        ? { ...row, state: 'spendable' as const }
        : { ...row, state: 'reserved' as const, opId };
    };
    await v4.put('coins', coin('A', 5, 'nc1'));
    await v4.put('coins', coin('B', 5, 'nc1'));
    await v4.put('coins', coin('C', 5, 'blind-rsa'));
    await v4.put('coins', coin('D', 10, 'nc1'));
    await v4.put('coins', coin('E', 5, 'nc1', 'op1'));
    v4.close();
    const db = await openWalletDb('migrations-v4');
    expect(db.version).toBe(DB_VERSION);
    expect(await db.getAll('tallies')).toEqual([
      { currency: 'NCD', cs: 'cs1', value: 5, expires: 100, scheme: 'blind-rsa', coins: 1 },
      { currency: 'NCD', cs: 'cs1', value: 5, expires: 100, scheme: 'nc1', coins: 2 },
      { currency: 'NCD', cs: 'cs1', value: 10, expires: 100, scheme: 'nc1', coins: 1 },
    ]);
    expect(await db.count('coins')).toBe(5);
    db.close();
    await deleteDB('migrations-v4');
  });

  it('upgrades a version-5 wallet: its journal entries are indexed by [status, updated]', async () => {
    const v5 = await openDB<WalletSchema>('migrations-v5', 5, {
      upgrade(db, oldVersion, _newVersion, tx) {
        upgrade(db, oldVersion, 5, tx);
      },
    });
    const entry = {
      kind: 'exchange' as const,
      purpose: 'refresh' as const,
      id: 'op1',
      status: 'done' as const,
      created: 1,
      updated: 7,
      attempts: 1,
      reserved: [],
      cs: 'cs1',
      currency: 'NCD',
      target: { certId: 'c1', encKey: 'k', addresses: [] },
      request: {
        requestId: 'op1',
        op: 'exchange' as const,
        instruments: [],
        want: { values: [10] },
        replyKey: 'k',
      },
    };
    await v5.put('ops', entry);
    v5.close();
    const db = await openWalletDb('migrations-v5');
    expect(db.version).toBe(DB_VERSION);
    expect(
      await db.getAllKeysFromIndex(
        'ops',
        'byStatusUpdated',
        IDBKeyRange.bound(['done', 0], ['done', 8]),
      ),
    ).toEqual(['op1']);
    expect(await db.get('ops', 'op1')).toEqual(entry);
    db.close();
    await deleteDB('migrations-v5');
  });
});
