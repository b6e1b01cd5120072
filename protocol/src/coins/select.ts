/**
 * Coin selection and change planning (SPEC §5: the wallet pays exact amounts).
 *
 * - `selectExact`: a subset of held coins summing exactly to the amount, fewest coins first
 *   (bounded knapsack over the distinct values, so 10,000 coins cost what a dozen values cost).
 * - `selectCover`: when no exact subset exists, the subset with the smallest overshoot; it is
 *   exchanged at the CS for the amount plus change in one round trip.
 * - `decompose`: an amount as the fewest coins of given denominations.
 * - `planPayment`: exact if possible, otherwise cover + the values to ask the exchange for.
 */

export interface Valued {
  readonly value: number;
}

/** Above this, dynamic programming tables get large: fall back to greedy. */
const DP_LIMIT = 200_000;

interface Group<C> {
  value: number;
  coins: C[];
}

function groupByValue<C extends Valued>(coins: readonly C[]): Group<C>[] {
  const groups = new Map<number, C[]>();
  for (const coin of coins) {
    const list = groups.get(coin.value);
    if (list === undefined) groups.set(coin.value, [coin]);
    else list.push(coin);
  }
  return [...groups.entries()]
    .map(([value, list]) => ({ value, coins: list }))
    .sort((a, b) => b.value - a.value);
}

/** Bounded knapsack items: each group split in binary chunks (1, 2, 4, …, rest) of its coins. */
interface Item {
  group: number;
  count: number;
  weight: number;
}

function chunks<C>(groups: Group<C>[], cap: number): Item[] {
  const items: Item[] = [];
  groups.forEach((g, group) => {
    // No use in more coins of a value than fit in the amount.
    let left = Math.min(g.coins.length, Math.floor(cap / g.value));
    for (let k = 1; left > 0; k *= 2) {
      const count = Math.min(k, left);
      items.push({ group, count, weight: count * g.value });
      left -= count;
    }
  });
  return items;
}

/**
 * Fewest-coin subset summing to at most/exactly targets in [0, cap]. Returns the dp table
 * (fewest coins per sum, Infinity when unreachable) and a reconstruct function.
 */
function knapsack<C>(groups: Group<C>[], cap: number) {
  const items = chunks(groups, cap);
  const dp = new Float64Array(cap + 1).fill(Number.POSITIVE_INFINITY);
  dp[0] = 0;
  // took[i] marks sums whose best value was improved by item i (0/1 knapsack, reconstructable).
  const took: Uint8Array[] = [];
  for (const item of items) {
    const mark = new Uint8Array(cap + 1);
    for (let s = cap; s >= item.weight; s--) {
      const candidate = dp[s - item.weight]! + item.count;
      if (candidate < dp[s]!) {
        dp[s] = candidate;
        mark[s] = 1;
      }
    }
    took.push(mark);
  }
  const reconstruct = (target: number): C[] => {
    const counts = new Array<number>(groups.length).fill(0);
    let s = target;
    for (let i = items.length - 1; i >= 0 && s > 0; i--) {
      if (took[i]![s] === 1) {
        const item = items[i]!;
        counts[item.group]! += item.count;
        s -= item.weight;
      }
    }
    return groups.flatMap((g, i) => g.coins.slice(0, counts[i]));
  };
  return { dp, reconstruct };
}

function greedy<C extends Valued>(groups: Group<C>[], amount: number): C[] | null {
  const out: C[] = [];
  let left = amount;
  for (const g of groups) {
    for (const coin of g.coins) {
      if (coin.value > left) break;
      out.push(coin);
      left -= coin.value;
    }
  }
  return left === 0 ? out : null;
}

/** Coins summing exactly to `amount`, fewest first; null when no subset does. */
export function selectExact<C extends Valued>(coins: readonly C[], amount: number): C[] | null {
  if (amount <= 0) return amount === 0 ? [] : null;
  const groups = groupByValue(coins);
  const fast = greedy(groups, amount);
  if (fast !== null || amount > DP_LIMIT) return fast;
  const { dp, reconstruct } = knapsack(groups, amount);
  return Number.isFinite(dp[amount]!) ? reconstruct(amount) : null;
}

/**
 * Coins summing to at least `amount` with the smallest overshoot (then fewest coins); null when
 * the coins don't reach it.
 */
export function selectCover<C extends Valued>(coins: readonly C[], amount: number): C[] | null {
  let total = 0;
  for (const c of coins) total += c.value;
  if (total < amount) return null;
  const groups = groupByValue(coins);
  const largest = groups[0]?.value ?? 0;
  const cap = amount + largest;
  if (cap > DP_LIMIT) {
    // Large amounts: take coins largest first until the amount is covered.
    const out: C[] = [];
    let sum = 0;
    for (const g of groups) {
      for (const c of g.coins) {
        if (sum >= amount) break;
        out.push(c);
        sum += c.value;
      }
    }
    return out;
  }
  const { dp, reconstruct } = knapsack(groups, cap);
  for (let s = amount; s <= cap; s++) if (Number.isFinite(dp[s]!)) return reconstruct(s);
  return null;
}

/** `amount` as the fewest coins of `denominations` (unbounded); null when impossible. */
export function decompose(amount: number, denominations: readonly number[]): number[] | null {
  if (amount === 0) return [];
  const denoms = [...new Set(denominations)].filter((d) => d > 0).sort((a, b) => b - a);
  if (amount > DP_LIMIT) {
    const head = denoms[0];
    if (head === undefined) return null;
    // Fill with the largest coin down to the DP range, then solve the rest exactly.
    const bulk = Math.floor((amount - DP_LIMIT / 2) / head);
    const rest = decompose(amount - bulk * head, denoms);
    return rest === null ? null : [...new Array<number>(bulk).fill(head), ...rest];
  }
  const dp = new Float64Array(amount + 1).fill(Number.POSITIVE_INFINITY);
  const via = new Float64Array(amount + 1);
  dp[0] = 0;
  for (let s = 1; s <= amount; s++) {
    for (const d of denoms) {
      if (d <= s && dp[s - d]! + 1 < dp[s]!) {
        dp[s] = dp[s - d]! + 1;
        via[s] = d;
      }
    }
  }
  if (!Number.isFinite(dp[amount]!)) return null;
  const out: number[] = [];
  for (let s = amount; s > 0; s -= via[s]!) out.push(via[s]!);
  return out.sort((a, b) => b - a);
}

export type PaymentPlan<C> =
  /** Pay with these coins as they are. */
  | { readonly kind: 'exact'; readonly coins: C[] }
  /** Exchange `spend` for `pay` (the amount) plus `change` first, then pay with the `pay` coins. */
  | {
      readonly kind: 'change';
      readonly spend: C[];
      readonly pay: number[];
      readonly change: number[];
    };

/** How to pay `amount` from `coins`; null when they are not enough or no change can be made. */
export function planPayment<C extends Valued>(
  coins: readonly C[],
  amount: number,
  denominations: readonly number[],
): PaymentPlan<C> | null {
  const exact = selectExact(coins, amount);
  if (exact !== null) return { kind: 'exact', coins: exact };
  const spend = selectCover(coins, amount);
  if (spend === null) return null;
  let sum = 0;
  for (const c of spend) sum += c.value;
  const pay = decompose(amount, denominations);
  const change = decompose(sum - amount, denominations);
  if (pay === null || change === null) return null;
  return { kind: 'change', spend, pay, change };
}
