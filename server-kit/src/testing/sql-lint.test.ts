/**
 * The portability lint (sql-lint.ts) catches each rule's breach and passes the statements the
 * stores are written with: a lint that cannot fail would prove nothing.
 */
import { describe, expect, it } from 'vitest';
import type { Captured } from './sql-capture.ts';
import { lintSql } from './sql-lint.ts';

let tx = 0;
const alone = (sql: string, label?: string): Captured => ({
  sql,
  tx: ++tx,
  kind: 'autocommit',
  ...(label === undefined ? {} : { label }),
});
const together = (label: string | undefined, ...sqls: string[]): Captured[] => {
  const id = ++tx;
  return sqls.map((sql) => ({
    sql,
    tx: id,
    kind: 'transaction' as const,
    ...(label === undefined ? {} : { label }),
  }));
};
const rules = (statements: Captured[]) => lintSql(statements).map((p) => p.rule);

describe('portability lint', () => {
  it('finds advisory locks', () => {
    expect(rules([alone('SELECT pg_advisory_xact_lock(7400)')])).toEqual(['advisory']);
    expect(rules([alone('SELECT pg_try_advisory_lock($1)')])).toEqual(['advisory']);
  });

  it('finds a schema statement next to another statement in one transaction', () => {
    expect(
      rules(together(undefined, 'CREATE TABLE t (k TEXT PRIMARY KEY)', 'INSERT INTO t VALUES (1)')),
    ).toEqual(['ddl-alone']);
    expect(
      rules(together(undefined, 'CREATE INDEX a ON t (x)', 'CREATE INDEX b ON t (y)')),
    ).toEqual(['ddl-alone', 'ddl-alone']);
    expect(
      rules([alone('CREATE TABLE t (k TEXT PRIMARY KEY)'), alone('INSERT INTO t VALUES (1)')]),
    ).toEqual([]);
  });

  it('finds OR across columns in a DELETE or UPDATE', () => {
    expect(
      rules([
        alone('DELETE FROM outstanding WHERE serial IN ($1, $2) OR lock IN ($3) RETURNING serial'),
      ]),
    ).toEqual(['or-columns']);
    expect(rules([alone('UPDATE t SET v = 1 WHERE a = $1 OR b = $2')])).toEqual(['or-columns']);
    expect(rules([alone('DELETE FROM t WHERE a = $1 OR a = $2')])).toEqual([]);
    // A disjunction filtering the rows a key already names scans nothing; one beside it does.
    expect(
      rules([alone('UPDATE v SET h = $2 WHERE k = $1 AND (h IS NULL OR h = $2 OR until < $3)')]),
    ).toEqual([]);
    expect(
      rules([alone('UPDATE v SET h = $2 WHERE k < $1 AND (h IS NULL OR until < $3)')]),
    ).toEqual(['or-columns']);
    expect(rules([alone('SELECT * FROM t WHERE a = $1 OR b = $2')])).toEqual([]);
  });

  it('finds writes to a literal-keyed row inside an exchange only', () => {
    const hot = 'UPDATE books SET minted = minted + $1 WHERE id = 1';
    expect(rules(together('exchange', hot))).toEqual(['hot-row']);
    expect(
      rules(
        together(
          'exchange',
          "INSERT INTO redemptions (kind, value) VALUES ('late', $1) ON CONFLICT (kind) DO UPDATE SET value = redemptions.value + excluded.value",
        ),
      ),
    ).toEqual(['hot-row']);
    expect(rules(together('commit', hot))).toEqual([]);
    expect(
      rules(
        together(
          'exchange',
          'UPDATE stripes SET spent = spent + $1 WHERE key_id = $2 AND stripe = $3',
          'INSERT INTO s (k, n) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET n = s.n + excluded.n',
        ),
      ),
    ).toEqual([]);
  });

  it('finds a table without a primary key', () => {
    expect(rules([alone('CREATE TABLE IF NOT EXISTS log (line TEXT NOT NULL)')])).toEqual([
      'primary-key',
    ]);
    expect(
      rules([alone('CREATE TABLE n (a TEXT NOT NULL, b TEXT NOT NULL, PRIMARY KEY (a, b))')]),
    ).toEqual([]);
  });
});
