/**
 * Reading request bodies: size-limited, UTF-8 checked, and for JSON parsed and schema-decoded,
 * never throwing — a bad body is a refusal (`too-large`, `malformed`), not an exception.
 */
import { decodeJson, fail, type Result, type Schema } from '@netcash/protocol';

/** Reads a body of at most `maxBytes` as UTF-8 text. */
export async function readText(request: Request, maxBytes: number): Promise<Result<string>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return fail('too-large', `body over ${maxBytes} bytes`);
  let bytes: ArrayBuffer;
  try {
    bytes = await request.arrayBuffer();
  } catch {
    return fail('malformed', 'unreadable body');
  }
  if (bytes.byteLength > maxBytes) return fail('too-large', `body over ${maxBytes} bytes`);
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return fail('malformed', 'body is not UTF-8');
  }
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
