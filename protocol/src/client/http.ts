/**
 * JSON over HTTP for every NetCash client (wallet, merchant, CS → CS, CS → bank), with the fetch
 * function injected so this package stays free of I/O of its own. Outcomes are `Result`s:
 * a refusal decodes to its registered code; a network failure is `upstream-unavailable`; no
 * answer in time is `timeout`; an answer over the size limit is `too-large` (read no further);
 * an answer that isn't the expected message is `malformed`.
 */
import { fromUtf8 } from '../encoding/utf8.ts';
import { fail, type Result } from '../errors.ts';
import { codeOfStatus } from '../retry/classify.ts';
import { decodeJson, type Schema } from '../schema/decode.ts';
import { ErrorReply } from '../schema/service-messages.ts';
import { declaredTooLong, readLimited } from './read-limited.ts';

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
  /** Defaults to the global fetch. */
  readonly fetch?: FetchFn;
  /** Defaults to 10 s. */
  readonly timeoutMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Largest response body read, in bytes (default 1 MiB): counted as it arrives, the connection
   * dropped past it (`too-large`), so a hostile or broken server cannot make a client buffer
   * without bound.
   */
  readonly maxResponseBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

async function send<T>(
  url: string,
  init: RequestInit,
  schema: Schema<T>,
  options: HttpOptions,
): Promise<Result<T>> {
  const fetchFn = options.fetch ?? ((input: string, i?: RequestInit) => fetch(input, i));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let response: Response;
  let bytes: Uint8Array | null;
  try {
    response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    bytes = declaredTooLong(response.headers, maxBytes)
      ? null
      : await readLimited(response.body, maxBytes);
  } catch (thrown) {
    const name = thrown instanceof Error ? thrown.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return fail('timeout', `no answer from ${url} within ${timeoutMs} ms`);
    }
    return fail(
      'upstream-unavailable',
      `${url}: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    );
  }
  if (bytes === null) {
    await response.body?.cancel().catch(() => undefined);
    return fail('too-large', `${url} answered with more than ${maxBytes} bytes`);
  }
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    return fail('malformed', `${url} answered with text that is not UTF-8`);
  }
  if (!response.ok) {
    // A 429 or 503 may say when to come back (RFC 9110 §10.2.3): the retry policy waits for it.
    const wait = retryAfterSeconds(response.headers);
    const refusal = decodeJson(ErrorReply, text);
    if (refusal.ok) {
      const { code, message, detail } = refusal.value.error;
      const withWait =
        wait === undefined || detail?.['retryAfter'] !== undefined
          ? detail
          : { ...detail, retryAfter: wait };
      return fail(code, message, withWait);
    }
    return fail(
      codeOfStatus(response.status),
      `${url} answered ${response.status}`,
      wait === undefined ? undefined : { retryAfter: wait },
    );
  }
  return decodeJson(schema, text, maxBytes);
}

/** `Retry-After` as delay-seconds; an HTTP-date or anything else is ignored. */
function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('retry-after')?.trim();
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

export function postJson<T>(
  url: string,
  body: unknown,
  schema: Schema<T>,
  options: HttpOptions = {},
): Promise<Result<T>> {
  return send(
    url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(body),
    },
    schema,
    options,
  );
}

export function getJson<T>(
  url: string,
  schema: Schema<T>,
  options: HttpOptions = {},
): Promise<Result<T>> {
  return send(url, { method: 'GET', headers: { ...options.headers } }, schema, options);
}

/** The `{"error": …}` body for a refusal, e.g. to build a Response. */
export function errorReplyOf(code: Parameters<typeof fail>[0], message?: string): unknown {
  const r = fail(code, message);
  return r.ok ? null : { error: r.error.toBody() };
}
