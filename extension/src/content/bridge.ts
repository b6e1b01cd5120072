/**
 * The content script: the wallet's end of the page ↔ wallet bridge (protocol/src/bridge.ts).
 *
 *   page  ── {ns, v, kind: 'request-wallet'} ─▶  here  ── announce-wallet ─▶ page
 *   page  ── {ns, v, kind: 'request', id, method, params} ─▶ here ── runtime message ─▶ worker
 *   page  ◀─ {ns, v, kind: 'response', id, result | error: {code, rpc, message}} ── here
 *
 * Only messages whose `event.source` is this very window are read (not frames, not other
 * windows); replies go to `window.location.origin` only, never `*`. Every request is decoded
 * with the protocol's schema here and again in the worker; a known method with bad params is
 * `malformed` (-32602), an unknown method `unsupported-op` (4200). The page's word about its own
 * origin is never asked for: the worker takes it from the browser. Each request carries this
 * document's random instance id, so the worker can bind an approval window to the page that
 * asked and see when that page is gone. Built as one IIFE, no imports at run time.
 */
import {
  BRIDGE_NAMESPACE,
  BRIDGE_VERSION,
  type BridgeError,
  BridgeRequest,
  decode,
  Token,
  type WalletMessage,
} from '@netcash/protocol';
import * as v from 'valibot';
import browser from 'webextension-polyfill';
import { BRIDGE_CHANNEL, type BridgeEnvelope, InstanceQuery } from '../messages/bridge.ts';
import { bridgeError, ReplyShape } from '../messages/reply.ts';

const INFO = { rdns: 'org.netcash.wallet', name: 'NetCash Wallet', version: '0.1.0' } as const;
const METHODS: ReadonlySet<string> = new Set(['status', 'pay', 'prove', 'check']);
/**
 * This document's instance: sent with every request, and told to the worker when it asks
 * whether the page is still there (an approval window is bound to the page that opened it; a
 * reload makes a new document with a new instance).
 */
const INSTANCE = crypto.randomUUID();

function post(message: WalletMessage): void {
  window.postMessage(message, window.location.origin);
}

function respond(id: string, outcome: { result: unknown } | { error: BridgeError }): void {
  post({ ns: BRIDGE_NAMESPACE, v: BRIDGE_VERSION, kind: 'response', id, ...outcome });
}

async function forward(id: string, data: unknown): Promise<void> {
  const request = decode(BridgeRequest, data);
  if (!request.ok) {
    const method = typeof data === 'object' && data !== null && 'method' in data ? data.method : '';
    const known = typeof method === 'string' && METHODS.has(method);
    respond(id, {
      error: known
        ? bridgeError('malformed', request.error.message)
        : bridgeError('unsupported-op', 'Pages may ask only for status, pay, prove and check.'),
    });
    return;
  }
  const envelope: BridgeEnvelope = {
    channel: BRIDGE_CHANNEL,
    request: request.value,
    instance: INSTANCE,
  };
  let reply: unknown;
  try {
    reply = await browser.runtime.sendMessage(envelope);
  } catch {
    respond(id, { error: bridgeError('no-wallet', 'The wallet did not answer; try again.') });
    return;
  }
  const decoded = decode(ReplyShape, reply);
  if (!decoded.ok) {
    respond(id, { error: bridgeError('internal', 'The wallet gave an unreadable answer.') });
  } else if (decoded.value.ok) {
    respond(id, { result: decoded.value.value });
  } else {
    respond(id, { error: decoded.value.error });
  }
}

function onMessage(event: MessageEvent): void {
  if (event.source !== window) return;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null) return;
  if (!('ns' in data) || data.ns !== BRIDGE_NAMESPACE) return;
  if (!('v' in data) || data.v !== BRIDGE_VERSION || !('kind' in data)) return;
  if (data.kind === 'request-wallet') {
    post({ ns: BRIDGE_NAMESPACE, v: BRIDGE_VERSION, kind: 'announce-wallet', info: INFO });
    return;
  }
  if (data.kind !== 'request') return; // our own responses and announcements echo back here
  // Without a usable id there is nobody to answer.
  const id = 'id' in data && v.is(Token, data.id) ? data.id : null;
  if (id === null) return;
  void forward(id, data);
}

window.addEventListener('message', onMessage);
// The worker asks whether the page that opened an approval window is still this document.
browser.runtime.onMessage.addListener((message: unknown) =>
  v.is(InstanceQuery, message) ? Promise.resolve(INSTANCE) : undefined,
);
// Announce once on load too, for pages that listen before they ask (EIP-6963 does both).
post({ ns: BRIDGE_NAMESPACE, v: BRIDGE_VERSION, kind: 'announce-wallet', info: INFO });
