/**
 * Reads an HTTP body — a fetch Request's or Response's stream — up to a limit, counting bytes as
 * they arrive. Past the limit the stream is cancelled at once and nothing more is read or kept,
 * whatever the transfer encoding: a chunked body has no Content-Length to check first, and a
 * declared length may lie. Servers read requests with it, clients read responses with it, so
 * neither ever buffers more than the limit of what the other side sends.
 */

/** The body's bytes, or `null` when it is longer than `maxBytes`. Throws if the stream fails. */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** A declared `Content-Length` over `maxBytes` (a refusal before reading anything). */
export function declaredTooLong(headers: Headers, maxBytes: number): boolean {
  const declared = headers.get('content-length');
  return declared !== null && Number(declared) > maxBytes;
}
