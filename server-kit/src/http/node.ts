/**
 * Fetch-standard handlers (`Request → Response`) on Node's `http` server.
 *
 * Every NetCash server — insurer, bank, currency server, and a publisher's payee handler — is a
 * fetch handler, so it can be mounted in Node, Express, Hono or a Worker alike. This adapter is
 * the one place that turns Node's IncomingMessage into a Request: it enforces the body size limit
 * *before* buffering (413 with `too-large`), so no handler ever sees an oversize body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FetchHandler = (request: Request) => Response | Promise<Response>;

export interface NodeAdapterOptions {
  /** Largest request body in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Called with errors the handler threw (it answers 500 `internal` regardless). */
  readonly onError?: (error: unknown) => void;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

function jsonError(res: ServerResponse, status: number, code: string, message: string): void {
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

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      resolve('too-large');
      req.resume();
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
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** Sends a fetch `Response` on a Node response (status, headers, the whole body). */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** A Node `request` listener that runs `handler`. Also usable as Express middleware. */
export function toNodeListener(
  handler: FetchHandler,
  options: NodeAdapterOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  return (req, res) => {
    void (async () => {
      try {
        const method = req.method ?? 'GET';
        const hasBody = method !== 'GET' && method !== 'HEAD';
        const body = hasBody ? await readBody(req, limit) : undefined;
        if (body === 'too-large') {
          jsonError(res, 413, 'too-large', `request body over ${limit} bytes`);
          return;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value === undefined) continue;
          for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
        }
        // Express mounts rewrite req.url; originalUrl keeps the full path.
        const path =
          (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
        const url = new URL(path, `http://${req.headers.host ?? 'localhost'}`);
        const request = new Request(
          url,
          body === undefined
            ? { method, headers }
            : { method, headers, body: new Uint8Array(body) },
        );
        await writeResponse(res, await handler(request));
      } catch (error) {
        options.onError?.(error);
        jsonError(res, 500, 'internal', 'internal error');
      }
    })();
  };
}

export interface Listening {
  readonly server: Server;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts an HTTP server for `handler` (loopback and an OS-chosen port by default). */
export function listen(
  handler: FetchHandler,
  options: NodeAdapterOptions & { readonly host?: string; readonly port?: number } = {},
): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(toNodeListener(handler, options));
  // Keep-alive sockets outlive requests; close() must not wait for idle clients.
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        server,
        port,
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
