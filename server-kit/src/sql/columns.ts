/**
 * What a store's migration asks of an existing database: whether a table has a column (to add
 * one introduced after the first release, or drop one no longer kept), on either engine.
 */
import type { SqlDb } from './sql.ts';

export async function hasColumn(db: SqlDb, table: string, column: string): Promise<boolean> {
  if (db.engine === 'sqlite') {
    const columns = await db.query<{ name: string }>(`PRAGMA table_info(${table})`);
    return columns.some((c) => c.name === column);
  }
  const found = await db.query(
    'SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2',
    [table, column],
  );
  return found.length > 0;
}
