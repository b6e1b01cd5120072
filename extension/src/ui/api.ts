/**
 * The UI's side of the command map (messages/commands.ts): `command('buy', {amount})` is checked
 * by the compiler against the same map the service worker's handlers implement, and its errors
 * arrive as `UiError`s carrying the registry code and a message for the shopper.
 */
import { decode, type ErrorCode } from '@netcash/protocol';
import browser from 'webextension-polyfill';
import {
  COMMAND_CHANNEL,
  type CommandInput,
  type CommandMessage,
  type CommandName,
  type CommandOutputs,
} from '../messages/commands.ts';
import { ReplyShape } from '../messages/reply.ts';

export class UiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export async function command<N extends CommandName>(
  name: N,
  input: CommandInput<N>,
): Promise<CommandOutputs[N]> {
  const message = { channel: COMMAND_CHANNEL, name, input } as CommandMessage;
  const reply = decode(ReplyShape, await browser.runtime.sendMessage(message));
  if (!reply.ok) throw new UiError('internal', 'The wallet gave an unreadable answer.');
  if (!reply.value.ok) throw new UiError(reply.value.error.code, reply.value.error.message);
  return reply.value.value as CommandOutputs[N];
}
