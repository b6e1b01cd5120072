/**
 * Redeeming the C_B coins taken offline (SPEC §6, paper §5.4: "B must convert the coin while it's
 * valid, during the first interval"). A payment of triplet coins locked to this payee is answered
 * without a currency server (payment.ts); the exchanges that redeem its coins were journaled in
 * the same transaction (store `takeLocked`) and are sent from here: at once after the answer,
 * again at every re-drive and after a restart, each with its same request id (the CS answers a
 * repeat with its stored reply), the window closing soonest first. The fresh coins join the
 * purse; a refusal for good is the merchant's loss and is kept, with why, for an operator.
 */
import { callCs, isTransient, type NetCashError, withRetry } from '@netcash/protocol';
import type { MerchantContext } from './context.ts';
import { held } from './payment-settle.ts';
import * as says from './publisher-log.ts';
import type { Redemption } from './store/types.ts';

export class Redeemer {
  /** One send per redemption in this process; other processes are kept apart by the store. */
  private readonly inflight = new Map<string, Promise<void>>();
  private running: Promise<void> | null = null;

  constructor(private readonly ctx: MerchantContext) {}

  /** Redeems what is journaled, now, without waiting (after a payment of C_B was answered). */
  redeemSoon(): void {
    this.redrive().catch((e: unknown) =>
      this.ctx.log.error('redeeming triplet coins failed', { error: String(e) }),
    );
  }

  /** Sends every pending redemption (again); resolves when each was answered or gave up. */
  redrive(): Promise<void> {
    this.running ??= (async () => {
      for (const r of await this.ctx.store.pendingRedemptions()) await this.redeem(r);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Resolves once nothing is being sent (closing the paywall waits for it). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private redeem(r: Redemption): Promise<void> {
    const id = r.exchange.request.requestId;
    let sending = this.inflight.get(id);
    if (sending === undefined) {
      sending = this.send(r).finally(() => this.inflight.delete(id));
      this.inflight.set(id, sending);
    }
    return sending;
  }

  private async send(r: Redemption): Promise<void> {
    const { ctx } = this;
    const http = ctx.fetch === undefined ? {} : { fetch: ctx.fetch };
    const { target, request } = r.exchange;
    // The same request again while the failure is transient (the one retry policy).
    const outcome = await withRetry(ctx.retry, () => callCs(ctx.p, target, request, http));
    if (outcome.ok) {
      await ctx.store.redeemed(request.requestId, outcome.value.coins.map(held));
      says.redeemed(ctx.log, r);
      return;
    }
    if (isTransient(outcome.error)) {
      says.redemptionWaiting(ctx.log, r, outcome.error, ctx.now());
      return;
    }
    await this.failed(r, outcome.error);
  }

  private async failed(r: Redemption, error: NetCashError): Promise<void> {
    await this.ctx.store.redemptionFailed(
      r.exchange.request.requestId,
      `${error.code}: ${error.message}`,
    );
    says.redemptionFailed(this.ctx.log, r, error);
  }
}
