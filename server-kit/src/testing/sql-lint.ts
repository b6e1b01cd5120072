/**
 * The portability rules of docs/SCALING.md, checked over the statements a store actually sent
 * (captured by sql-capture.ts while its conformance suite ran):
 *
 *   advisory     no advisory locks (CockroachDB has none; YugabyteDB only from 2.25.1, flagged);
 *   ddl-alone    a schema statement is alone in its transaction — never next to DML, nor to
 *                another schema statement (CockroachDB, YugabyteDB);
 *   or-columns   no `OR` across different columns in the WHERE of a DELETE or UPDATE (each
 *                disjunct would need its own index scan, across every shard) — unless a
 *                conjunct without OR already names the rows by equality (`k = $1 AND (a OR b)`
 *                filters the rows of one key: no scan);
 *   hot-row      inside an exchange, no write to a row named by a literal key (`WHERE id = 1`,
 *                an upsert of a constant key): every exchange would queue on that one row;
 *   primary-key  every table has a primary key (CockroachDB and YugabyteDB shard by it; a table
 *                without one gets a hidden, ever-increasing one).
 */
import type { Captured } from './sql-capture.ts';

export interface LintProblem {
  readonly rule: 'advisory' | 'ddl-alone' | 'or-columns' | 'hot-row' | 'primary-key';
  readonly sql: string;
}

const DDL = /^\s*(CREATE|ALTER|DROP|TRUNCATE|RENAME)\b/i;
const flat = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** The WHERE clause of a DELETE or UPDATE (up to RETURNING), or null. */
function whereOf(sql: string): string | null {
  const text = flat(sql);
  if (!/^(DELETE|UPDATE)\b/i.test(text)) return null;
  const at = text.search(/\bWHERE\b/i);
  if (at < 0) return null;
  return text.slice(at + 5).split(/\bRETURNING\b/i)[0] ?? '';
}

/** Columns compared in a boolean expression (`col = …`, `col IN (…)`, `col IS NULL`, `col < …`). */
function comparedColumns(expression: string): Set<string> {
  const columns = new Set<string>();
  const compare = /([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)\s*(=|<>|!=|<=|>=|<|>|\bIN\b|\bIS\b)/gi;
  for (const m of expression.matchAll(compare)) {
    const column = m[1]!.toLowerCase().split('.').pop()!;
    if (!/^(and|or|not|select|exists)$/.test(column)) columns.add(column);
  }
  return columns;
}

/** The expression split at its top-level ANDs (outside parentheses). */
function conjuncts(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && /^\sAND\s/i.test(expression.slice(i, i + 5))) {
      parts.push(expression.slice(start, i));
      start = i + 5;
    }
  }
  parts.push(expression.slice(start));
  return parts.map((p) => p.trim());
}

function orAcrossColumns(sql: string): boolean {
  const where = whereOf(sql);
  if (where === null || !/\bOR\b/i.test(where)) return false;
  const keyed = conjuncts(where).some(
    (c) => !/\bOR\b/i.test(c) && /^[a-z_][a-z0-9_.]*\s*(=|\bIN\b)/i.test(c),
  );
  if (keyed) return false;
  const parts = where.split(/\bOR\b/i).map(comparedColumns);
  const all = new Set(parts.flatMap((p) => [...p]));
  // `a = $1 OR a = $2` is one column; `serial IN (…) OR lock IN (…)` is two.
  return parts.length > 1 && all.size > 1;
}

/** A write whose target row is named by a constant written in the SQL. */
function literalKeyedWrite(sql: string): boolean {
  const where = whereOf(sql);
  if (where !== null) return /\b[a-z_][a-z0-9_]*\s*=\s*(\d+|'[^']*')/i.test(where);
  const text = flat(sql);
  if (!/^INSERT\b/i.test(text) || !/\bDO UPDATE\b/i.test(text)) return false;
  const values = /\bVALUES\s*\(([^)]*)\)/i.exec(text)?.[1] ?? '';
  return values.split(',').some((v) => /^\s*(\d+|'[^']*')\s*$/.test(v));
}

/** Problems found in `statements`; empty when every rule holds. */
export function lintSql(statements: readonly Captured[]): LintProblem[] {
  const problems: LintProblem[] = [];
  const seen = new Set<string>();
  const add = (rule: LintProblem['rule'], sql: string) => {
    const key = `${rule} ${flat(sql)}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ rule, sql: flat(sql) });
  };
  const byTx = new Map<number, Captured[]>();
  for (const s of statements) {
    byTx.set(s.tx, [...(byTx.get(s.tx) ?? []), s]);
    if (/\bpg_(try_)?advisory_/i.test(s.sql)) add('advisory', s.sql);
    if (orAcrossColumns(s.sql)) add('or-columns', s.sql);
    if (s.label === 'exchange' && literalKeyedWrite(s.sql)) add('hot-row', s.sql);
    if (/^\s*CREATE\s+TABLE\b/i.test(s.sql) && !/\bPRIMARY\s+KEY\b/i.test(s.sql)) {
      add('primary-key', s.sql);
    }
  }
  for (const group of byTx.values()) {
    if (group.length > 1 && group.some((s) => DDL.test(s.sql))) {
      for (const s of group) if (DDL.test(s.sql)) add('ddl-alone', s.sql);
    }
  }
  return problems;
}
