/**
 * The requests a restore sends a currency server (docs/PROTOCOL.md §4.8), read-only: `restore`
 * (coins under tags, blind signatures, stored replies) and `status` (which coins are still owed).
 */
import {
  type AnyCoin,
  type BlindedOutput,
  type CsTarget,
  callCs,
  MAX_INSTRUMENTS,
  randomId,
  randomKey,
  unwrap,
} from '@netcash/protocol';
import { type Core, http } from '../context.ts';

export const chunks = <T>(list: readonly T[], size = MAX_INSTRUMENTS): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) =>
    list.slice(i * size, (i + 1) * size),
  );

export function restoreCall(
  core: Core,
  target: CsTarget,
  want: Parameters<typeof restoreRequest>[1],
) {
  return callCs(core.p, target, restoreRequest(core, want), http(core)).then(unwrap);
}

function restoreRequest(
  core: Core,
  want: { secrets?: string[]; after?: string; blinded?: BlindedOutput[]; requests?: string[] },
) {
  return {
    requestId: randomId(core.p),
    op: 'restore' as const,
    instruments: [] as [],
    want,
    replyKey: randomKey(core.p),
  };
}

/** A restored coin, with r⁻¹ for a blind-rsa one (kept on its row: recoup needs it). */
export interface Found<C extends AnyCoin = AnyCoin> {
  readonly coin: C;
  readonly inv?: string;
}

/** Which of `coins` the CS says are still outstanding. */
export async function outstanding<F extends Found>(
  core: Core,
  target: CsTarget,
  coins: readonly F[],
): Promise<F[]> {
  const out: F[] = [];
  for (const batch of chunks(coins)) {
    const reply = unwrap(
      await callCs(
        core.p,
        target,
        {
          requestId: randomId(core.p),
          op: 'status',
          instruments: batch.map(({ coin }) => ({ kind: 'coin' as const, coin })),
          want: {},
          replyKey: randomKey(core.p),
        },
        http(core),
      ),
    );
    batch.forEach((coin, i) => {
      if (reply.states[i] === 'outstanding') out.push(coin);
    });
  }
  return out;
}
