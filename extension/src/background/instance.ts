/**
 * The service worker's one wallet: opened on first use with the noble crypto provider and the
 * platform `fetch`, recovered (the journal re-driven) before anything else may use it. Every
 * handler awaits `wallet()`, so no request is served on a half-recovered wallet.
 *
 * Test seam: fault hooks are read from `globalThis.__netcashFaults` at each fault point, so an
 * end-to-end test can pause an operation (`sw.evaluate`) and kill the worker mid-way. Only code
 * running inside this worker can set it.
 */
import { nobleProvider } from '@netcash/protocol/noble';
import { type FaultContext, type Faults, Wallet } from '../core/index.ts';

/** Set by end-to-end tests through sw.evaluate (see the doc block). */
declare global {
  var __netcashFaults: Faults | undefined;
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
    fetch: (input, init) => fetch(input, init),
    faults: seam,
  });
  try {
    const report = await wallet.recover();
    if (report.done + report.rolledBack + report.failed + report.pending > 0) {
      console.info('netcash: journal recovered', report);
    }
  } catch (error) {
    console.warn('netcash: recovery left work pending', error);
  }
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

/** Background upkeep: finish pending work, refresh the trusted lists and the coin spread. */
export async function upkeep(): Promise<void> {
  const w = await wallet();
  await w.recover();
  if (!(await w.status()).ready) return;
  await w.refreshTrust().catch(() => undefined);
  await w.refresh().catch(() => undefined);
}
