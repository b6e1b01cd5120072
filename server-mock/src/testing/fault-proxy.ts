/**
 * A loopback HTTP proxy that injects network faults between a client and a server (TESTING.md
 * "Faults"): drop the request before it reaches the server, drop the response after the server
 * handled it, cut the response mid-body, or stall until the client gives up. Faults are queued
 * (`next`) or chosen per request (`rule`); everything else passes through unchanged.
 *
 *   const proxy = await startFaultProxy(cs.url);
 *   proxy.next('drop-response');      // the next request is handled, its reply lost
 *   await callCs(p, { ...target, addresses: [proxy.url] }, request);   // upstream-unavailable
 *   await callCs(p, { ...target, addresses: [proxy.url] }, request);   // same coins
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Close the connection without forwarding the request. */
  | 'drop-request'
  /** Forward the request, then close the connection without the response. */
  | 'drop-response'
  /** Forward the request, send half of the response body, close. */
  | 'cut-response'
  /** Never forward nor answer (the client times out). */
  | 'stall'
  /** Forward the request, never send the response (the server acted; the client times out). */
  | 'stall-response';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Queues a fault for the next request(s) that pass. */
  next(...faults: Fault[]): void;
  /** Chooses a fault per request (after the queue is empty); `undefined` passes it through. */
  rule(choose: ((request: ProxiedRequest) => Fault | undefined) | null): void;
  /** Where requests go (may be set after start, e.g. for a server certified with this URL). */
  setTarget(url: string): void;
  /** Requests seen and faults applied, in order. */
  readonly log: { path: string; fault: Fault | 'pass' }[];
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

export async function startFaultProxy(target?: string): Promise<FaultProxy> {
  let upstream = target;
  const queue: Fault[] = [];
  let choose: ((request: ProxiedRequest) => Fault | undefined) | null = null;
  const log: FaultProxy['log'] = [];
  const stalled = new Set<IncomingMessage>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const request = { method: req.method ?? 'GET', path: req.url ?? '/', body };
      const fault = queue.shift() ?? choose?.(request);
      log.push({ path: request.path, fault: fault ?? 'pass' });
      if (fault === 'drop-request') {
        req.socket.destroy();
        return;
      }
      if (fault === 'stall') {
        stalled.add(req);
        req.socket.on('close', () => stalled.delete(req));
        return;
      }
      if (upstream === undefined) {
        res.writeHead(502).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers[k] = v;
      }
      const answer = await fetch(upstream + request.path, {
        method: request.method,
        headers,
        body:
          request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(body),
      }).catch(() => null);
      if (answer === null) {
        res.writeHead(502).end();
        return;
      }
      const payload = Buffer.from(await answer.arrayBuffer());
      if (fault === 'drop-response') {
        res.socket?.destroy();
        return;
      }
      if (fault === 'stall-response') {
        stalled.add(req);
        req.socket.on('close', () => stalled.delete(req));
        return;
      }
      const out: Record<string, string> = {};
      // fetch hands over the body decoded: its content-encoding no longer applies.
      const dropped = ['content-length', 'content-encoding', 'transfer-encoding', 'connection'];
      answer.headers.forEach((value, name) => {
        if (!dropped.includes(name)) out[name] = value;
      });
      out['content-length'] = String(payload.length);
      res.writeHead(answer.status, out);
      if (fault === 'cut-response') {
        res.write(payload.subarray(0, Math.floor(payload.length / 2)));
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      res.end(payload);
    })().catch(() => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    next: (...faults) => queue.push(...faults),
    rule: (fn) => {
      choose = fn;
    },
    setTarget: (url) => {
      upstream = url;
    },
    log,
    close: () =>
      new Promise<void>((resolve) => {
        for (const req of stalled) req.socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
