/**
 * Decoders: unknown input → a typed value or a `malformed` / `too-large` error. Every boundary
 * (HTTP bodies, opened envelopes, bridge messages, IndexedDB rows from older versions) goes
 * through here; inside, types are trusted. Decoders never throw.
 */
import * as v from 'valibot';
import { fail, ok, type Result } from '../errors.ts';
import { jsonTextProblem } from './json-text.ts';

/** Largest JSON text any decoder parses (1 MiB); servers set tighter limits per endpoint. */
export const MAX_JSON_CHARS = 1024 * 1024;

/** Valibot schema of any shape whose output type is T. */
export type Schema<T> = v.GenericSchema<unknown, T>;

export function decode<T>(schema: Schema<T>, input: unknown): Result<T> {
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return ok(parsed.output);
  const issue = parsed.issues[0];
  const path = v.getDotPath(issue) ?? '(root)';
  return fail('malformed', `${path}: ${issue.message}`, { path });
}

/**
 * Parses JSON text (at most `maxChars`) to a value not yet decoded. The text must also keep the
 * lexical rules of json-text.ts (integers written plainly, no lone surrogates), or it is
 * `malformed`.
 */
export function parseJson(text: string, maxChars: number = MAX_JSON_CHARS): Result<unknown> {
  if (text.length > maxChars) return fail('too-large', `body over ${maxChars} characters`);
  const problem = jsonTextProblem(text);
  if (problem !== null) return fail('malformed', problem);
  try {
    return ok(JSON.parse(text));
  } catch {
    return fail('malformed', 'not JSON');
  }
}

/** Parses JSON text (at most `maxChars`, see `parseJson`) and decodes it. */
export function decodeJson<T>(
  schema: Schema<T>,
  text: string,
  maxChars: number = MAX_JSON_CHARS,
): Result<T> {
  const parsed = parseJson(text, maxChars);
  return parsed.ok ? decode(schema, parsed.value) : parsed;
}
