/**
 * What the service worker answers to every runtime message: a value or an error from the one
 * registry (protocol/src/errors.ts), with its EIP-1193-style number for the page bridge. Errors
 * cross the runtime boundary as data, never as thrown objects (which lose their fields there).
 */
import { asNetCashError, type BridgeError, ERROR_CODES, type ErrorCode } from '@netcash/protocol';
import * as v from 'valibot';

export type Reply<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: BridgeError }
  /** Nothing goes back to the page (a site the shopper did not let in, docs/PRIVACY.md). */
  | typeof SILENT;

export const SILENT: { readonly silent: true } = Object.freeze({ silent: true });

export const ReplyShape = v.union([
  v.strictObject({ ok: v.literal(true), value: v.unknown() }),
  v.strictObject({
    ok: v.literal(false),
    error: v.strictObject({
      code: v.picklist(Object.keys(ERROR_CODES) as ErrorCode[]),
      rpc: v.number(),
      message: v.string(),
    }),
  }),
]);

/** What the content script gets for a page's request: an answer, or silence. */
export const BridgeReplyShape = v.union([v.strictObject({ silent: v.literal(true) }), ReplyShape]);

export function bridgeError(code: ErrorCode, message?: string): BridgeError {
  const text = message ?? ERROR_CODES[code].text;
  return { code, rpc: ERROR_CODES[code].rpc, message: text.slice(0, 500) };
}

export function errorReply(thrown: unknown): Reply<never> {
  const e = asNetCashError(thrown);
  return { ok: false, error: bridgeError(e.code, e.message) };
}
