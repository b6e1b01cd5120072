/**
 * Sending a journaled request with the `afterSend` fault point, and classifying refusals.
 *
 * `afterSend` fires once the server has answered but before the wallet reads the answer — the
 * moment a killed service worker loses a reply. The wrapper remembers the crash and rethrows it
 * after the protocol client returns (the client maps fetch exceptions to `upstream-unavailable`,
 * which would otherwise hide it) and refuses to send anything more. Whether a failure is worth a
 * retry is the one classification in @netcash/protocol (`isTransient`).
 */
import { type FetchFn, nowSeconds, type Result } from '@netcash/protocol';
import type { Core } from './context.ts';
import type { FaultContext } from './faults.ts';

export async function sendWithFaults<T>(
  core: Core,
  ctx: FaultContext,
  call: (fetchFn: FetchFn) => Promise<Result<T>>,
): Promise<Result<T>> {
  let crash: { error: unknown } | undefined;
  const fetchFn: FetchFn = async (url, init) => {
    if (crash !== undefined) throw crash.error;
    const response = await core.fetch(url, init);
    if (core.faults.afterSend !== undefined) {
      try {
        await core.faults.afterSend(ctx);
      } catch (error) {
        crash = { error };
        throw error;
      }
    }
    return response;
  };
  const result = await call(fetchFn);
  if (crash !== undefined) throw crash.error;
  return result;
}

/** The default clock, in seconds. */
export const systemClock = nowSeconds;
