/**
 * The service worker's one wallet: opened on first use with the noble crypto provider and the
 * platform `fetch`, and its journal re-driven first thing. Value-moving work queues behind that
 * recovery (the wallet runs it one at a time); a handler waits for it at most the shopper's
 * patience, so with a server frozen the popup and pages still get an answer — the journal's truth:
 * "pending" — instead of hanging for every timeout.
 *
 * Test seams: fault hooks are read from `globalThis.__netcashFaults` at each fault point, so an
 * end-to-end test can pause an operation (`sw.evaluate`) and kill the worker mid-way; the clock
 * offset and the approval window's guard delay are read the same way. Only code running inside
 * this worker can set them.
 */
import { nowSeconds as systemClock } from '@netcash/protocol';
import { nobleProvider } from '@netcash/protocol/noble';
import browser from 'webextension-polyfill';
import { type FaultContext, type Faults, Wallet } from '../core/index.ts';
import { privateFetch } from './private-fetch.ts';

/** The alarm that re-drives pending operations when their backoff is over (SPEC §12). */
export const REDRIVE_ALARM = 'netcash-redrive';

/** Sets (or clears) the re-drive alarm for the earliest pending operation. */
function schedule(atMs: number | null): void {
  const set =
    atMs === null
      ? browser.alarms.clear(REDRIVE_ALARM)
      : browser.alarms.create(REDRIVE_ALARM, { when: Math.max(atMs, Date.now() + 100) });
  void Promise.resolve(set).catch((e: unknown) => console.warn('netcash: alarm', e));
}

/** Set by end-to-end tests through sw.evaluate (see the doc block). */
declare global {
  var __netcashFaults: Faults | undefined;
  /** Seconds added to the wallet's clock (a test moves time forward, e.g. to renew budgets). */
  var __netcashClockOffset: number | undefined;
  /** How long an approval window must be seen before Approve works (ms; tests shorten it). */
  var __netcashApprovalArmMs: number | undefined;
}

const seam: Faults = {
  afterJournal: (ctx: FaultContext) => globalThis.__netcashFaults?.afterJournal?.(ctx),
  afterSend: (ctx: FaultContext) => globalThis.__netcashFaults?.afterSend?.(ctx),
  afterReply: (ctx: FaultContext) => globalThis.__netcashFaults?.afterReply?.(ctx),
};

let opened: Promise<Wallet> | undefined;

async function openAndRecover(): Promise<Wallet> {
  const wallet = await Wallet.open({
    provider: nobleProvider,
    fetch: privateFetch,
    now: () => systemClock() + (globalThis.__netcashClockOffset ?? 0),
    faults: seam,
    onSchedule: schedule,
  });
  const recovery = wallet.recover().then(
    (report) => {
      if (report.done + report.rolledBack + report.failed + report.pending > 0) {
        console.info('netcash: journal recovered', report);
      }
    },
    (error: unknown) => console.warn('netcash: recovery left work pending', error),
  );
  await Promise.race([recovery, wallet.core.sleep(wallet.core.net.patienceMs)]);
  return wallet;
}

/** The wallet, opened and recovered. */
export function wallet(): Promise<Wallet> {
  if (opened === undefined) {
    const attempt = openAndRecover();
    opened = attempt;
    // A failed open (e.g. IndexedDB unavailable) is retried by the next caller.
    attempt.catch(() => {
      if (opened === attempt) opened = undefined;
    });
  }
  return opened;
}

/** The re-drive alarm fired: pending operations whose backoff is over are sent again. */
export async function redrive(): Promise<void> {
  await (await wallet()).redriveDue();
}

/** Background upkeep: finish pending work, refresh the trusted lists and the coin spread. */
export async function upkeep(): Promise<void> {
  const w = await wallet();
  await w.recover();
  if (!(await w.status()).ready) return;
  await w.refreshTrust().catch(() => undefined);
  await w.refresh().catch(() => undefined);
}
