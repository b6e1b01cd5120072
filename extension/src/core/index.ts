/**
 * @netcash/extension/core — the wallet core: coins, journal, the payor side of every NetCash
 * protocol. Platform-free (idb + injected fetch + a crypto provider): the service worker, Node
 * tests (fake-indexeddb) and benchmarks all use this.
 */
export type { Balance } from './balance.ts';
export { BUDGET_PERIODS, type BudgetPeriod, budgetLeft, periodEnd } from './budget.ts';
export type { SchemeHolding } from './coins.ts';
export type { NetPolicy } from './context.ts';
export { type Crowd, SMALL_CROWD } from './crowds.ts';
export { openWalletDb, type WalletDb } from './db/open.ts';
export type * from './db/schema.ts';
export { DB_NAME, DB_VERSION } from './db/schema.ts';
export { crashOnce, type FaultContext, type Faults, SimulatedCrash } from './faults.ts';
export type { OpOutcome } from './interactive.ts';
export type * from './journal/types.ts';
export type { Quote } from './pay.ts';
export type { PendingStatus } from './pending.ts';
export { coverage, DEFAULT_POLICY, refreshPlan, type SpreadPolicy, spread } from './policy.ts';
export type { RecoverReport } from './recover.ts';
export type { Prepayment } from './triplets/api.ts';
export type { PaymentProtection } from './triplets/policy.ts';
export { readyValue } from './triplets/prepay.ts';
export type { CurrencyServer } from './trust.ts';
export { type PayOptions, Wallet, type WalletOptions, type WalletSettings } from './wallet.ts';
