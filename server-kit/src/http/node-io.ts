/**
 * The few things both ways of serving a Node request share (node.ts for fetch handlers,
 * direct.ts for direct routes): reading the body under the size limit as it arrives, the JSON
 * error answers the adapter itself gives, and which Host headers name a host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function jsonError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** The body's bytes, counted as they arrive; `too-large` as soon as they pass `limit`. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      resolve('too-large');
      req.resume(); // discarded; the request deadline bounds how long
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve('too-large');
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)));
    req.on('error', reject);
  });
}

/** Answers 413 for a body over the limit; the rest of it is not read, so no keep-alive. */
export function tooLarge(res: ServerResponse, limit: number): void {
  res.shouldKeepAlive = false;
  jsonError(res, 413, 'too-large', `request body over ${limit} bytes`);
}

/** A host name or address and a port: nothing that would move the path (`/`, `?`, `#`, `@`). */
export function isHost(host: string): boolean {
  return /^[A-Za-z0-9.:[\]-]{1,255}$/.test(host);
}

/** The request target as sent (Express mounts rewrite req.url; originalUrl keeps the full path). */
export function targetOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
}
