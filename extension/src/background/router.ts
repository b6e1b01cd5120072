/**
 * Every runtime message enters here and is split by *who sent it*, as the browser reports it:
 *
 *   content script of a page's top frame → bridge requests only (status, pay, prove, check), for the
 *     origin `sender.origin` (or the origin of `sender.url`), never an origin from the message;
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
import { errorReply, type Reply } from '../messages/reply.ts';
import { handleBridge } from './bridge-handler.ts';
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

export async function route(message: unknown, sender: Sender): Promise<Reply<unknown>> {
  try {
    const channel = channelOf(message);
    if (isExtensionPage(sender)) {
      if (channel !== COMMAND_CHANNEL) throw new NetCashError('unsupported-op', 'not a command');
      return { ok: true, value: await runCommand(message) };
    }
    const origin = pageOrigin(sender);
    if (origin === null) throw new NetCashError('unauthorized', 'Unknown sender.');
    if (channel !== BRIDGE_CHANNEL) {
      throw new NetCashError('unauthorized', 'Pages may only ask to pay, prove or check status.');
    }
    const envelope = decode(BridgeEnvelope, message);
    if (!envelope.ok) throw envelope.error;
    // pageOrigin checked the sender has a tab; the page is that tab's document `instance`.
    const page = { tabId: sender.tab?.id ?? -1, instance: envelope.value.instance };
    return { ok: true, value: await handleBridge(envelope.value.request, origin, page) };
  } catch (error) {
    return errorReply(error);
  }
}
