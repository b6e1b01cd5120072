/**
 * The shape of the monorepo, as the house rules ask (STYLE: "packages depend one way"):
 *
 * - every workspace package another one imports — by name (`@netcash/x`, `@netcash/x/sub`) or by
 *   a relative path into its folder — is declared in the importer's package.json
 *   (dependencies, devDependencies, peerDependencies or optionalDependencies);
 * - the graph of those declarations has no cycle, tests included (a devDependency is an edge:
 *   merchant-kit's tests start a federation, so the federation may not load merchant-kit);
 * - a published package (not `private`) exports only what its tarball has: every entry point
 *   resolves, under plain `node`, to a built file in `files`, with its types (docs/DEVELOPING.md
 *   "Packages"); `netcash-source` is this tree's way in, never the only one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

type Json = Record<string, unknown>;

interface Workspace {
  readonly name: string;
  readonly dir: string;
  readonly manifest: Json;
  readonly declared: ReadonlySet<string>;
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(path: string): Json {
  const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isObject(value)) throw new Error(`${path}: not a JSON object`);
  return value;
}

function objectAt(json: Json, key: string): Json {
  const value = json[key];
  return isObject(value) ? value : {};
}

function workspaces(): Workspace[] {
  const dirs = readJson(join(ROOT, 'package.json'))['workspaces'];
  if (!Array.isArray(dirs)) throw new Error('package.json: no workspaces');
  return dirs.map((d) => {
    const dir = join(ROOT, String(d));
    const manifest = readJson(join(dir, 'package.json'));
    const declared = new Set(DEPENDENCY_FIELDS.flatMap((f) => Object.keys(objectAt(manifest, f))));
    return { name: String(manifest['name']), dir, manifest, declared };
  });
}

const SKIP = new Set(['node_modules', 'dist', 'test-results', 'playwright-report']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Module specifiers of static imports, re-exports, `import 'x'` and `import('x')`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

interface Import {
  readonly file: string;
  readonly target: string;
}

/** The workspace packages `w`'s files import, each with the first file that does. */
function importsOf(w: Workspace, all: readonly Workspace[]): Import[] {
  const byName = new Map(all.map((o) => [o.name, o]));
  const owner = (path: string) =>
    all
      .filter((o) => path === o.dir || path.startsWith(o.dir + sep))
      .sort((a, b) => b.dir.length - a.dir.length)[0];
  const out = new Map<string, Import>();
  for (const file of sourceFiles(w.dir)) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      let target: Workspace | undefined;
      if (spec.startsWith('@netcash/')) {
        target = byName.get(spec.split('/').slice(0, 2).join('/'));
      } else if (spec.startsWith('.')) {
        target = owner(resolve(dirname(file), spec));
      }
      if (target !== undefined && target !== w && !out.has(target.name)) {
        out.set(target.name, { file: relative(ROOT, file), target: target.name });
      }
    }
  }
  return [...out.values()];
}

/** Every cycle's path (`a → b → a`), found by depth-first search over the declared edges. */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') {
        found.push([...path.slice(path.indexOf(next)), next].join(' → '));
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe('workspace packages', () => {
  const all = workspaces();
  const names = new Set(all.map((w) => w.name));

  it('declare every workspace package they import, by name or by path', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    const undeclared = all.flatMap((w) =>
      importsOf(w, all)
        .filter((i) => !w.declared.has(i.target))
        .map((i) => `${w.name} imports ${i.target} (${i.file}) without declaring it`),
    );
    expect(undeclared).toEqual([]);
  });

  it('depend one way: no cycle, counting dev and peer dependencies', () => {
    const edges = new Map(all.map((w) => [w.name, [...w.declared].filter((d) => names.has(d))]));
    expect(cycles(edges)).toEqual([]);
    // The federation never loads the publisher's package: the demo joins them (@netcash/demo).
    expect(edges.get('@netcash/server')).not.toContain('@netcash/merchant-kit');
    expect(edges.get('@netcash/demo')).toEqual(
      expect.arrayContaining(['@netcash/server', '@netcash/merchant-kit']),
    );
  });

  it('publish only entry points their tarball has, built and typed', () => {
    const problems: string[] = [];
    const published = all.filter((w) => w.manifest['private'] !== true);
    expect(published.map((w) => w.name).sort()).toEqual([
      '@netcash/merchant-kit',
      '@netcash/protocol',
      '@netcash/server-kit',
    ]);
    for (const w of published) {
      const files = w.manifest['files'];
      const shipped = (target: string) =>
        Array.isArray(files) &&
        files.some((f) => target === `./${f}` || target.startsWith(`./${String(f)}/`));
      for (const [entry, value] of Object.entries(objectAt(w.manifest, 'exports'))) {
        const where = `${w.name} exports ${entry}`;
        if (typeof value === 'string') {
          if (!shipped(value)) problems.push(`${where}: ${value} is not in files`);
          continue;
        }
        const conditions = objectAt(objectAt(w.manifest, 'exports'), entry);
        const types = conditions['types'];
        const built = conditions['default'] ?? conditions['import'];
        if (typeof built !== 'string') problems.push(`${where}: no default/import condition`);
        else if (!shipped(built) || built.endsWith('.ts')) {
          problems.push(`${where}: ${built} is not a built file in files`);
        }
        if (typeof types !== 'string') problems.push(`${where}: no types condition`);
        else if (!shipped(types)) problems.push(`${where}: ${types} is not in files`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('finds a cycle and an import it is shown (the check can fail)', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual(['a → b → c → a']);
    expect(
      specifiers(
        "import type { X } from '@netcash/a';\nexport { y } from './y.ts';\nimport 'side';\nconst m = await import('@netcash/b/demo');",
      ),
    ).toEqual(['@netcash/a', './y.ts', 'side', '@netcash/b/demo']);
  });
});
