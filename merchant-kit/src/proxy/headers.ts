/**
 * What the proxy changes in the headers it forwards (RFC 9110 §7.6): hop-by-hop fields — the
 * fixed ones and those `Connection` names — stay on their hop, `X-Forwarded-*` say who asked and
 * how, `Host` becomes the upstream's, and a paid path's `Authorization` (NetCash's proof) stays at
 * the proxy.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export function forwardedHeaders(
  req: IncomingMessage,
  upstream: URL,
  paid: boolean,
): IncomingHttpHeaders {
  const named = new Set(
    (req.headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== ''),
  );
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (HOP_BY_HOP.has(name) || named.has(name)) continue;
    if (paid && name === 'authorization') continue;
    headers[name] = value;
  }
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior === undefined ? client : `${String(prior)}, ${client}`;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = 'encrypted' in req.socket ? 'https' : 'http';
  headers.host = upstream.host;
  return headers;
}
