/**
 * The content script: the wallet's end of the page ↔ wallet bridge (protocol/src/bridge.ts).
 *
 *   page  ── {ns, v, kind: 'request', id, method, params} ─▶ here ── runtime message ─▶ worker
 *   page  ◀─ {ns, v, kind: 'response', id, result | error: {code, rpc, message}} ── here
 *
 * Silent by default (docs/PRIVACY.md "Page scripts"): this script adds nothing to the page and
 * announces nothing; it answers only what the worker answers, and the worker answers only a site
 * the shopper let in — to any other, every request (well-formed or not) gets no reply at all,
 * as in a browser without the wallet. So even a malformed request is forwarded, for the worker to
 * decide between an error and silence. A `pay` carries whether the page has the user's click
 * (transient activation, read here where the page can't forge it): from a site not let in, only
 * a clicked Pay opens the wallet's window.
 *
 * Only messages whose `event.source` is this very window are read (not frames, not other
 * windows); replies go to `window.location.origin` only, never `*`. The page's word about its own
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
import { BridgeReplyShape } from '../messages/reply.ts';

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

/** The page has the user's click right now (a user gesture within the last few seconds). */
function activated(): boolean {
  return navigator.userActivation?.isActive === true;
}

async function forward(id: string, data: unknown): Promise<void> {
  const request = decode(BridgeRequest, data);
  const method = typeof data === 'object' && data !== null && 'method' in data ? data.method : '';
  const envelope: BridgeEnvelope = {
    channel: BRIDGE_CHANNEL,
    instance: INSTANCE,
    activated: method === 'pay' && activated(),
    ...(request.ok
      ? { request: request.value }
      : {
          invalid: {
            method: typeof method === 'string' ? method.slice(0, 64) : '',
            message: request.error.message.slice(0, 500),
          },
        }),
  };
  let reply: unknown;
  try {
    reply = await browser.runtime.sendMessage(envelope);
  } catch {
    return; // a worker that can't answer says nothing, like no wallet at all
  }
  const decoded = decode(BridgeReplyShape, reply);
  if (!decoded.ok || 'silent' in decoded.value) return;
  if (decoded.value.ok) respond(id, { result: decoded.value.value });
  else respond(id, { error: decoded.value.error });
}

function onMessage(event: MessageEvent): void {
  if (event.source !== window) return;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null) return;
  if (!('ns' in data) || data.ns !== BRIDGE_NAMESPACE) return;
  if (!('v' in data) || data.v !== BRIDGE_VERSION || !('kind' in data)) return;
  if (data.kind !== 'request') return; // our own responses echo back here
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
