/**
 * Every runtime message enters here and is split by *who sent it*, as the browser reports it:
 *
 *   content script of a page's top frame → bridge requests only (status, pay, prove, check), for the
 *     origin `sender.origin` (or the origin of `sender.url`), never an origin from the message —
 *     and only for a site the shopper let in: any other gets silence, whatever it sent, errors
 *     included (bridge-handler.ts, docs/PRIVACY.md "Page scripts");
 *   an extension page (its URL is under this extension's origin) → wallet commands;
 *   anything else → `unauthorized`.
 *
 * A content script can't reach a command, and a page can't reach either except through the
 * content script. Every message is decoded with its schema before anything runs.
 */
import { decode, NetCashError } from '@netcash/protocol';
import type { Runtime } from 'webextension-polyfill';
import browser from 'webextension-polyfill';
import { BRIDGE_CHANNEL, BridgeEnvelope } from '../messages/bridge.ts';
import {
  COMMAND_CHANNEL,
  COMMANDS,
  CommandEnvelope,
  type CommandName,
} from '../messages/commands.ts';
import { errorReply, type Reply, SILENT } from '../messages/reply.ts';
import { type Consent, handleBridge, siteLetIn } from './bridge-handler.ts';
import { handlers } from './command-handler.ts';

/** Chrome adds `origin` to MessageSender (not in the polyfill's types). */
type Sender = Runtime.MessageSender & { origin?: string };

function extensionOrigin(): string {
  return new URL(browser.runtime.getURL('')).origin;
}

/** True for this extension's own pages (popup, approval, onboarding). */
export function isExtensionPage(sender: Sender): boolean {
  if (sender.id !== browser.runtime.id || sender.url === undefined) return false;
  const own = extensionOrigin();
  return new URL(sender.url).origin === own && (sender.origin ?? own) === own;
}

/** The top-frame web origin a content script speaks for, or null. */
export function pageOrigin(sender: Sender): string | null {
  if (sender.id !== browser.runtime.id || sender.tab === undefined || sender.frameId !== 0) {
    return null;
  }
  const origin =
    sender.origin ?? (sender.url === undefined ? undefined : new URL(sender.url).origin);
  if (origin === undefined || origin === 'null') return null;
  const protocol = new URL(origin).protocol;
  return protocol === 'https:' || protocol === 'http:' ? origin : null;
}

function channelOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null && 'channel' in message
    ? message.channel
    : undefined;
}

async function runCommand(message: unknown): Promise<unknown> {
  const envelope = decode(CommandEnvelope, message);
  if (!envelope.ok) throw envelope.error;
  const name: CommandName = envelope.value.name;
  const input = decode(COMMANDS[name], envelope.value.input);
  if (!input.ok) throw input.error;
  const handler = handlers[name] as (input: unknown) => Promise<unknown>;
  return handler(input.value);
}

const METHODS: ReadonlySet<string> = new Set(['status', 'pay', 'prove', 'check']);

/** A page's request, for `origin`: answered (value or error) only while `consent.letIn`. */
async function routeBridge(
  message: unknown,
  origin: string,
  sender: Sender,
): Promise<Reply<unknown>> {
  const activated =
    typeof message === 'object' && message !== null && 'activated' in message
      ? message.activated === true
      : false;
  const consent: Consent = { letIn: await siteLetIn(origin), activated };
  try {
    if (channelOf(message) !== BRIDGE_CHANNEL) {
      throw new NetCashError('unauthorized', 'Pages may only ask to pay, prove or check status.');
    }
    const envelope = decode(BridgeEnvelope, message);
    if (!envelope.ok) throw envelope.error;
    const e = envelope.value;
    if (!('request' in e)) {
      throw METHODS.has(e.invalid.method)
        ? new NetCashError('malformed', e.invalid.message)
        : new NetCashError(
            'unsupported-op',
            'Pages may ask only for status, pay, prove and check.',
          );
    }
    // A site not let in: only a Pay the user clicked goes on (to the approval window).
    if (!consent.letIn && (e.request.method !== 'pay' || !consent.activated)) return SILENT;
    // pageOrigin checked the sender has a tab; the page is that tab's document `instance`.
    const page = { tabId: sender.tab?.id ?? -1, instance: e.instance };
    return { ok: true, value: await handleBridge(e.request, origin, page, consent) };
  } catch (error) {
    return consent.letIn ? errorReply(error) : SILENT;
  }
}

export async function route(message: unknown, sender: Sender): Promise<Reply<unknown>> {
  try {
    if (isExtensionPage(sender)) {
      if (channelOf(message) !== COMMAND_CHANNEL) {
        throw new NetCashError('unsupported-op', 'not a command');
      }
      return { ok: true, value: await runCommand(message) };
    }
    const origin = pageOrigin(sender);
    if (origin === null) throw new NetCashError('unauthorized', 'Unknown sender.');
    return await routeBridge(message, origin, sender);
  } catch (error) {
    return errorReply(error);
  }
}
