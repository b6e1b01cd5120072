/**
 * Reading request bodies: size-limited as they stream in (protocol's `readLimited`: bytes are
 * counted as they arrive and reading stops at the limit, whatever the transfer encoding), UTF-8
 * checked, and for JSON parsed and schema-decoded. Never throws — a bad body is a refusal
 * (`too-large`, `malformed`), not an exception. These readers work on any fetch `Request`, so the
 * limit holds also where a handler is mounted outside server-kit's Node adapter (a Worker, Hono).
 */
import {
  declaredTooLong,
  decodeJson,
  fail,
  fromUtf8,
  type Result,
  readLimited,
  type Schema,
} from '@netcash/protocol';

/** Reads a body of at most `maxBytes`. */
export async function readBytes(request: Request, maxBytes: number): Promise<Result<Uint8Array>> {
  const tooLarge = () => fail('too-large', `body over ${maxBytes} bytes`);
  if (declaredTooLong(request.headers, maxBytes)) {
    await request.body?.cancel().catch(() => undefined);
    return tooLarge();
  }
  let bytes: Uint8Array | null;
  try {
    bytes = await readLimited(request.body, maxBytes);
  } catch {
    return fail('malformed', 'unreadable body');
  }
  return bytes === null ? tooLarge() : { ok: true, value: bytes };
}

/** A body's bytes as UTF-8 text (`malformed` if they are not UTF-8). */
export function textOf(bytes: Uint8Array): Result<string> {
  try {
    return { ok: true, value: fromUtf8(bytes) };
  } catch {
    return fail('malformed', 'body is not UTF-8');
  }
}

/** Reads a body of at most `maxBytes` as UTF-8 text. */
export async function readText(request: Request, maxBytes: number): Promise<Result<string>> {
  const bytes = await readBytes(request, maxBytes);
  return bytes.ok ? textOf(bytes.value) : bytes;
}

/** Reads a body of at most `maxBytes` as JSON decoded by `schema`. */
export async function readJson<T>(
  request: Request,
  schema: Schema<T>,
  maxBytes: number,
): Promise<Result<T>> {
  const text = await readText(request, maxBytes);
  return text.ok ? decodeJson(schema, text.value, maxBytes) : text;
}
