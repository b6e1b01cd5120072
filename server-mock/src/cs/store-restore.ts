/**
 * The currency server's read-only queries for restore (docs/PROTOCOL.md §4.8): rows by restore
 * tag, stored blind signatures by withdrawal hash, and whether serials are still owed.
 */
import type { SqlDb } from '@netcash/server-kit';
import { inList, num, str } from '@netcash/server-kit';
import type { CsStore } from './store.ts';

export function restoreQueries(
  db: SqlDb,
): Pick<CsStore, 'tagged' | 'withdrawn' | 'withdrawalSigs' | 'standing'> {
  return {
    async withdrawn(hashes) {
      if (hashes.length === 0) return [];
      const rows = await db.query(
        `SELECT hash FROM withdrawals WHERE hash IN ${inList(1, hashes.length)}`,
        [...hashes],
      );
      return rows.map((r) => str(r, 'hash'));
    },
    async tagged(tags, after, limit) {
      if (tags.length === 0) return [];
      const params: (string | number)[] = [...tags];
      let where = `tag IN ${inList(1, tags.length)} AND lock IS NULL`;
      if (after !== undefined) {
        params.push(after);
        where += ` AND serial > $${params.length}`;
      }
      params.push(limit);
      const rows = await db.query(
        `SELECT serial, cert_id, value, expires, tag FROM outstanding WHERE ${where} ORDER BY serial LIMIT $${params.length}`,
        params,
      );
      return rows.map((r) => ({
        serial: str(r, 'serial'),
        certId: str(r, 'cert_id'),
        value: num(r, 'value'),
        expires: num(r, 'expires'),
        tag: str(r, 'tag'),
      }));
    },
    async withdrawalSigs(keyId, hashes) {
      if (hashes.length === 0) return new Map();
      const rows = await db.query(
        `SELECT hash, sig FROM withdrawals WHERE key_id = $1 AND sig IS NOT NULL AND hash IN ${inList(2, hashes.length)}`,
        [keyId, ...hashes],
      );
      return new Map(rows.map((r) => [str(r, 'hash'), str(r, 'sig')]));
    },
    async standing(nc1, blind) {
      const outstanding =
        nc1.length === 0
          ? []
          : await db.query(
              `SELECT serial FROM outstanding WHERE serial IN ${inList(1, nc1.length)}`,
              [...nc1],
            );
      const spent =
        blind.length === 0
          ? []
          : await db.query(`SELECT serial FROM spent WHERE serial IN ${inList(1, blind.length)}`, [
              ...blind,
            ]);
      return {
        outstanding: new Set(outstanding.map((r) => str(r, 'serial'))),
        spent: new Set(spent.map((r) => str(r, 'serial'))),
      };
    },
  };
}
