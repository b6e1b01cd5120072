/**
 * Opening the wallet database at the newest schema version (or an older one, for migration
 * tests). The same code runs against the browser's IndexedDB and `fake-indexeddb` in Node.
 */
import { type IDBPDatabase, openDB } from 'idb';
import { upgrade } from './migrations.ts';
import { DB_NAME, DB_VERSION, type WalletSchema } from './schema.ts';

export type WalletDb = IDBPDatabase<WalletSchema>;

export async function openWalletDb(name = DB_NAME, version = DB_VERSION): Promise<WalletDb> {
  const db: WalletDb = await openDB<WalletSchema>(name, version, {
    upgrade(database, oldVersion, newVersion, tx) {
      upgrade(database, oldVersion, newVersion ?? version, tx);
    },
    blocking() {
      // A newer wallet wants to upgrade: step aside rather than block it.
      db.close();
    },
  });
  return db;
}
