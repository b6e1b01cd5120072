/**
 * Content script → service worker: the page's bridge requests (protocol/src/bridge.ts), forwarded
 * after decoding. A page may only *ask* — status, pay (with approval or allowance), prove — so
 * this direction's map has exactly those three methods; wallet commands live in commands.ts and
 * are refused from content scripts. The paying origin is not in the message: the service worker
 * takes it from `sender.origin` of the top frame.
 */
import { BridgeRequest, type BridgeResults } from '@netcash/protocol';
import * as v from 'valibot';

export const BRIDGE_CHANNEL = 'netcash/bridge';

export const BridgeEnvelope = v.strictObject({
  channel: v.literal(BRIDGE_CHANNEL),
  request: BridgeRequest,
});
export type BridgeEnvelope = v.InferOutput<typeof BridgeEnvelope>;

/** Each method's result, checked at both ends. */
export type BridgeOutput<M extends keyof BridgeResults> = BridgeResults[M];
