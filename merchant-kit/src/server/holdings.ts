/**
 * What this merchant holds, for the federation audit (`netcash audit`, PROTOCOL §4.6): its coins
 * by issuing CS — held, or reserved by a cash-out the CS has not answered yet (they are still
 * outstanding there), and triplet coins C_B taken offline that wait to be redeemed — and the
 * cash-out checks it received and has not deposited yet (still
 * owed by the CS's account). With these the audit can tell how much of a CS's outstanding value
 * sits with merchants, and that every check a merchant waits on is one the CS wrote.
 */
import type { MerchantHoldings } from '@netcash/protocol';
import type { MerchantStore } from './store/types.ts';

export async function holdingsOf(store: MerchantStore, name: string): Promise<MerchantHoldings> {
  const coins: Record<string, number> = {};
  const add = (cs: string, value: number) => {
    coins[cs] = (coins[cs] ?? 0) + value;
  };
  for (const held of await store.heldCoins()) add(held.coin.body.cs, held.value);
  // C_B coins taken offline and not redeemed yet: still outstanding at their issuer.
  for (const r of await store.pendingRedemptions()) add(r.exchange.issuer, r.value);
  const checks: MerchantHoldings['checks'][number][] = [];
  for (const cashout of await store.cashouts(['pending', 'checked'])) {
    if (cashout.state === 'pending') {
      for (const i of cashout.request.instruments) add(i.coin.body.cs, i.coin.body.value);
    } else if (cashout.check !== null) {
      // A cash-out's coins are all of the CS it was sent to: the issuer writes the check.
      const [first] = cashout.request.instruments;
      if (first === undefined) continue;
      const c = cashout.check.body;
      checks.push({ cs: first.coin.body.cs, checkNo: c.checkNo, amount: c.amount });
    }
  }
  return { name, coins, checks };
}
