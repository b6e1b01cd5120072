/**
 * Command-line options: `--flag value` / `--flag=value`, each with an environment variable
 * fallback (`NETCASH_*`), on top of node's `parseArgs`. Unknown flags are an error with the
 * command's help, never silently ignored.
 */
import { parseArgs } from 'node:util';

export interface Flag {
  readonly name: string;
  readonly help: string;
  readonly env?: string;
  readonly boolean?: boolean;
  readonly multiple?: boolean;
  readonly fallback?: string;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Parsed {
  get(name: string): string | undefined;
  all(name: string): string[];
  flag(name: string): boolean;
  int(name: string): number | undefined;
}

export function parse(argv: readonly string[], flags: readonly Flag[]): Parsed {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = { help: { type: 'boolean', short: 'h' } };
  for (const f of flags) {
    options[f.name] = { type: f.boolean ? 'boolean' : 'string', multiple: f.multiple ?? false };
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const byName = new Map(flags.map((f) => [f.name, f]));
  const get = (name: string): string | undefined => {
    const v = values[name];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[v.length - 1] as string;
    const f = byName.get(name);
    const fromEnv = f?.env === undefined ? undefined : process.env[f.env];
    return fromEnv !== undefined && fromEnv !== '' ? fromEnv : f?.fallback;
  };
  return {
    get,
    all(name) {
      const v = values[name];
      if (Array.isArray(v)) {
        return v
          .filter((x): x is string => typeof x === 'string')
          .flatMap((x) => x.split(','))
          .filter((x) => x !== '');
      }
      const one = get(name);
      return one === undefined ? [] : one.split(',').filter((s) => s !== '');
    },
    flag: (name) => values[name] === true,
    int(name) {
      const v = get(name);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} wants an integer`);
      return n;
    },
  };
}

/** The help text of a command: usage line, description, flags with their env and default. */
export function helpText(usage: string, about: string, flags: readonly Flag[]): string {
  const rows = flags.map((f) => {
    const left = `--${f.name}${f.boolean ? '' : ' VALUE'}`;
    const notes = [f.env ? `env ${f.env}` : '', f.fallback ? `default ${f.fallback}` : '']
      .filter((s) => s !== '')
      .join('; ');
    return `  ${left.padEnd(26)} ${f.help}${notes ? ` (${notes})` : ''}`;
  });
  return `Usage: ${usage}\n\n${about}\n\nOptions:\n${rows.join('\n')}\n  ${'-h, --help'.padEnd(26)} show this help\n`;
}
