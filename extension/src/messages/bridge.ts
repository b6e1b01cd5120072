/**
 * Content script → service worker: the page's bridge requests (protocol/src/bridge.ts), forwarded
 * after decoding. A page may only *ask* — status, pay (with approval or allowance), prove, check —
 * so this direction's map has exactly those methods; wallet commands live in commands.ts and
 * are refused from content scripts. The paying origin is not in the message: the service worker
 * takes it from `sender.origin` of the top frame.
 */
import { BridgeRequest, type BridgeResults, Token } from '@netcash/protocol';
import * as v from 'valibot';

export const BRIDGE_CHANNEL = 'netcash/bridge';

const envelope = {
  channel: v.literal(BRIDGE_CHANNEL),
  /** The asking document's random id (content/bridge.ts): a reload makes a new one. */
  instance: Token,
  /** A `pay` sent while the page had the user's click (transient activation). */
  activated: v.boolean(),
};

export const BridgeEnvelope = v.union([
  v.strictObject({ ...envelope, request: BridgeRequest }),
  /**
   * What the content script could not decode, forwarded so that the worker decides between an
   * error (a site the shopper let in) and silence (any other).
   */
  v.strictObject({
    ...envelope,
    invalid: v.strictObject({
      method: v.pipe(v.string(), v.maxLength(64)),
      message: v.pipe(v.string(), v.maxLength(500)),
    }),
  }),
]);

/** Worker → content script: "which document are you?" (answered with the instance id). */
export const InstanceQuery = v.strictObject({ channel: v.literal('netcash/instance') });
export type InstanceQuery = v.InferOutput<typeof InstanceQuery>;
export type BridgeEnvelope = v.InferOutput<typeof BridgeEnvelope>;

/** Each method's result, checked at both ends. */
export type BridgeOutput<M extends keyof BridgeResults> = BridgeResults[M];
