/**
 * What the shopper does with triplets (SPEC §6), for the wallet's commands: prepay a site ("keep
 * 0.50 ready for this site") and see what is kept ready. A prepayment is made for a site this
 * wallet paid before: its receipt carries the offer, and the offer the site's key and windows.
 */
import { NetCashError, type Offer } from '@netcash/protocol';
import { spendableOf } from '../coins.ts';
import type { Core } from '../context.ts';
import { type OpOutcome, outcomeOf } from '../interactive.ts';
import { acceptedServers } from '../pay.ts';
import { drivePrepay, readyValue, startPrepay } from './prepay.ts';

/** A prepayment as the popup lists it. */
export interface Prepayment {
  readonly id: string;
  readonly origin: string;
  readonly cs: string;
  readonly currency: string;
  /** Value prepaid, and what no payment took yet. */
  readonly amount: number;
  readonly left: number;
  /** Payments may use it until then (seconds); what is left comes back after. */
  readonly until: number;
  readonly phase: 'triplet' | 'ready' | 'claim';
}

/** The newest offer of `origin` (from this wallet's receipts) that takes triplet coins. */
async function offerOf(core: Core, origin: string): Promise<Offer> {
  const receipts = await core.db.getAllFromIndex('receipts', 'byOrigin', origin);
  const offer = receipts
    .filter((r) => r.offer.body.triplets !== undefined)
    .sort((a, b) => b.date - a.date)[0]?.offer;
  if (offer === undefined) {
    throw new NetCashError(
      'not-found',
      `Pay ${new URL(origin).host} once first: only a site paid before can be prepaid, and only if it takes prepaid coins.`,
    );
  }
  return offer;
}

export class Prepayments {
  constructor(
    private readonly core: Core,
    private readonly exclusive: <T>(work: () => Promise<T>) => Promise<T>,
  ) {}

  /** Keeps `amount` ready for `origin`: triplets for its key, from one currency server's coins. */
  prepay(origin: string, amount: number): Promise<OpOutcome> {
    return this.exclusive(async () => {
      const core = this.core;
      const offer = await offerOf(core, origin);
      // Triplets take change at their server: none from one the shopper stopped using.
      for (const server of acceptedServers(core, offer).filter((s) => !s.stopped)) {
        const held = (await spendableOf(core, server.csName)).reduce((s, c) => s + c.value, 0);
        if (held < amount) continue;
        const op = await drivePrepay(
          core,
          await startPrepay(core, { origin, offer, amount, server }),
        );
        if (op.status !== 'pending' || op.phase === 'triplet') return outcomeOf(core, op, false);
        // Made: kept ready (the op stays pending until its window passes).
        const until = new Date(op.triplets.dateB * 1000).toLocaleString('en-GB');
        return { status: 'done', joined: false, op, message: `Kept ready until ${until}.` };
      }
      throw new NetCashError(
        'insufficient-funds',
        'No currency server this site takes holds enough of your coins for this.',
      );
    });
  }

  /** Prepayments not finished: kept ready, being made, or being claimed back. */
  async list(): Promise<Prepayment[]> {
    const ops = await this.core.db.getAllFromIndex('ops', 'byStatus', 'pending');
    return ops.flatMap((op) =>
      // Restored triplets are not kept ready for anyone: the pending list shows their claim.
      op.kind !== 'prepay' || op.restored === true
        ? []
        : [
            {
              id: op.id,
              origin: op.origin,
              cs: op.cs,
              currency: op.currency,
              amount: op.amount,
              left: op.phase === 'triplet' ? op.amount : readyValue(op),
              until: op.triplets.dateB,
              phase: op.phase,
            },
          ],
    );
  }
}
