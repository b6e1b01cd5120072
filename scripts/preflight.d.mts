// Types of preflight.mjs (plain JavaScript: `npm test` runs it with node alone, before any build).
export interface Have {
  readonly e2e: boolean;
  readonly chromium: boolean;
  readonly firefox: boolean;
  readonly postgres: boolean;
  readonly root: boolean;
  readonly sudo: boolean;
  readonly apt: boolean;
  readonly allowInstall: boolean;
}
export type Plan =
  | { readonly action: 'ok' }
  | { readonly action: 'install'; readonly packages: string[]; readonly sudo: boolean }
  | { readonly action: 'stop'; readonly line: string };
export const CHROMIUM: string;
export const FIREFOX: string;
export function postgresInstalled(root?: string): boolean;
export function plan(have: Have): Plan;
export function survey(e2e: boolean): Have;
export function preflight(e2e: boolean): string | null;
