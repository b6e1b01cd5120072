/** Reading request bodies: size-limited, JSON-parsed and schema-decoded, never throwing. */
import { decodeJson, fail, type Result, type Schema } from '@netcash/protocol';

export async function readJson<T>(
  request: Request,
  schema: Schema<T>,
  maxBytes: number,
): Promise<Result<T>> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) return fail('too-large', `body over ${maxBytes} bytes`);
  let bytes: ArrayBuffer;
  try {
    bytes = await request.arrayBuffer();
  } catch {
    return fail('malformed', 'unreadable body');
  }
  if (bytes.byteLength > maxBytes) return fail('too-large', `body over ${maxBytes} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('malformed', 'body is not UTF-8');
  }
  return decodeJson(schema, text, maxBytes);
}
