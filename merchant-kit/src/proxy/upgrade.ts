/**
 * Upgrades through the proxy (RFC 9110 §7.8): a WebSocket — or any protocol a site switches to —
 * reaches the upstream with `Connection: upgrade` and `Upgrade` kept and `X-Forwarded-*` added;
 * once the upstream answers `101`, bytes flow both ways untouched until either side closes.
 *
 * - a free path: passed through;
 * - a paid path: gated like a GET — with a valid proof in `Authorization` (which a script or an
 *   app can send; a browser's `new WebSocket()` cannot) it is passed through without the proof;
 *   without one the answer is the 402 with the offer, and the connection closes;
 * - NetCash's own routes take no upgrade: 400 `unsupported-op`;
 * - an upstream that refuses the upgrade is answered as it answered; one that is down, 502.
 */
import {
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { NetCashError } from '@netcash/protocol';
import { refusal, refuse, writeResponse } from '@netcash/server-kit';
import { headersOf } from '../adapters/node.ts';
import type { Paywall } from '../server/paywall.ts';
import { forwardedHeaders } from './headers.ts';

/** A Node response written on the socket of an upgrade request, which then closes. */
function answerOn(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as ServerResponse['socket'] & Duplex);
  res.on('finish', () => {
    res.detachSocket(socket as ServerResponse['socket'] & Duplex);
    socket.end();
  });
  return res;
}

/** `server.on('upgrade', …)`: every socket it opens is added to `open` until it closes. */
export function upgrader(upstream: URL, paywall: Paywall, open: Set<Duplex>) {
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const track = (socket: Duplex) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };

  function pass(req: IncomingMessage, socket: Duplex, head: Buffer, paid: boolean): void {
    const headers: OutgoingHttpHeaders = {
      ...forwardedHeaders(req, upstream, paid),
      connection: 'upgrade',
      upgrade: req.headers.upgrade,
    };
    const out = send({
      protocol: upstream.protocol,
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers,
    });
    out.on('upgrade', (answer, tunnel, tunnelHead) => {
      track(tunnel);
      const lines = [`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage}`];
      for (let i = 0; i < answer.rawHeaders.length; i += 2) {
        lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
      }
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (tunnelHead.length > 0) socket.write(tunnelHead);
      if (head.length > 0) tunnel.write(head);
      // pipe() passes an orderly end on; a side torn down (reset, destroyed) ends the other too.
      tunnel.on('close', () => socket.destroy());
      socket.on('close', () => tunnel.destroy());
      tunnel.on('error', () => socket.destroy());
      tunnel.pipe(socket);
      socket.pipe(tunnel);
    });
    // The upstream answered without switching: that answer, as it was, then close.
    out.on('response', (answer) => {
      const res = answerOn(req, socket);
      const headers: OutgoingHttpHeaders = { ...answer.headers };
      delete headers.connection;
      delete headers['keep-alive'];
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(res);
    });
    out.on('error', () => {
      if (socket.writable) {
        void writeResponse(
          answerOn(req, socket),
          refuse('upstream-unavailable', 'netcash-paywall: the upstream site did not answer'),
        );
      }
    });
    out.end();
  }

  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    track(socket);
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    if (paywall.ownsPath(url.pathname)) {
      const why = "NetCash's own routes do not take an upgrade (WebSocket)";
      void writeResponse(answerOn(req, socket), refuse('unsupported-op', why));
      return;
    }
    if (!paywall.isPaid(url.pathname)) {
      pass(req, socket, head, false);
      return;
    }
    void paywall.authorize(new Request(url, { method: 'GET', headers: headersOf(req) })).then(
      (access) =>
        access.granted
          ? pass(req, socket, head, true)
          : writeResponse(answerOn(req, socket), access.response),
      () => writeResponse(answerOn(req, socket), refusal(new NetCashError('internal'))),
    );
  };
}
