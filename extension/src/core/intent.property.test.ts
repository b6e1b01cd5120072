/**
 * The payment state machine under any interleaving (issue 10, SPEC §12): for one article, any
 * sequence of clicks (with approval or under the allowance, while earlier ones are still running
 * or after the page showed how they ended), reloads (`check`), "Retry now", service-worker restarts (a new wallet on the same IndexedDB,
 * after a crash at a fault point or not), the payee going away and coming back, and time passing
 * beyond the reclaim deadline, yields at most one charge: once everything is back and settled,
 * at most one receipt, the payee paid exactly for the receipts, the wallet holding everything
 * else, nothing pending, the federation's books balanced. Real federation and payee (harness).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crashOnce, type Faults } from './faults.ts';
import {
  cuttableFetch,
  openWallet,
  PRICES,
  readyWallet,
  reserved,
  spendable,
  type TestWallet,
} from './testing/harness.ts';
import { useFederation } from './testing/world.ts';

type Event =
  | { kind: 'click'; allowance: boolean }
  | { kind: 'reload' }
  | { kind: 'sees outcome' }
  | { kind: 'retry' }
  | { kind: 'restart'; crash: 'afterJournal' | 'afterSend' | 'afterReply' | null }
  | { kind: 'payee'; up: boolean }
  | { kind: 'time passes' };

const event: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('click' as const), allowance: fc.boolean() }),
  fc.constant({ kind: 'reload' as const }),
  fc.constant({ kind: 'sees outcome' as const }),
  fc.constant({ kind: 'retry' as const }),
  fc.record({
    kind: fc.constant('restart' as const),
    crash: fc.constantFrom(
      'afterJournal' as const,
      'afterSend' as const,
      'afterReply' as const,
      null,
    ),
  }),
  fc.record({ kind: fc.constant('payee' as const), up: fc.boolean() }),
  fc.constant({ kind: 'time passes' as const }),
);

const FUNDS = 200;
const ARTICLE = 'cheap';
/** Short enough that "time passes" reaches it while the offer (600 s) is still valid. */
const RECLAIM_AFTER = 60;

const world = useFederation({ shop: true });

/** Plays `events` against a fresh wallet, then checks what it holds and what the payee got. */
async function play(events: readonly Event[]): Promise<void> {
  const cut = cuttableFetch();
  let offset = 0;
  const net = { reclaimAfter: RECLAIM_AFTER };
  const now = () => Math.floor(Date.now() / 1000) + offset;
  const t: TestWallet = await readyWallet(world.fed, {}, { fetch: cut.fetch, now, net });
  await t.wallet.buy(FUNDS, 'cs1');
  await t.wallet.setAllowance(world.shop.url, 'NCD', 1_000);
  const heldBefore = await world.shop.paywall.held();
  const offer = await world.shop.offer(ARTICLE);
  const running: Promise<unknown>[] = [];
  const restart = async (faults: Faults) => {
    // The worker dies: what it was doing stops at its next step (its database is closed).
    t.wallet.close();
    await Promise.allSettled(running);
    running.length = 0;
    t.wallet = (await openWallet(t.dbName, faults, { fetch: cut.fetch, now, net })).wallet;
    await t.wallet.recover().catch(() => undefined);
  };
  for (const e of events) {
    switch (e.kind) {
      case 'click':
        // Not awaited: the next event happens while it runs. Its outcome (paid, pending, a
        // crash) is what the page would see; the books below are what counts.
        running.push(
          t.wallet
            .pay(offer, world.shop.url, e.allowance ? { allowance: true } : { approved: true })
            .catch(() => undefined),
        );
        break;
      case 'reload':
        await t.wallet.check(offer, world.shop.url).catch(() => undefined);
        break;
      case 'sees outcome':
        // The page shows what the clicks came to (paid, pending, an error) before the next one.
        await Promise.allSettled(running);
        break;
      case 'retry':
        await t.wallet.retryNow().catch(() => undefined);
        break;
      case 'restart':
        await restart(e.crash === null ? {} : crashOnce(e.crash, { kind: 'pay' }));
        break;
      case 'payee':
        if (e.up) cut.down.delete(world.shop.url);
        else cut.down.add(world.shop.url);
        break;
      case 'time passes':
        offset += RECLAIM_AFTER + 1;
        break;
    }
  }
  // Everything comes back; the wallet (restarted, without faults) finishes what is pending.
  cut.down.clear();
  await restart({});
  for (let i = 0; i < 5 && (await t.wallet.pendingOps()).length > 0; i++) {
    await t.wallet.retryNow();
  }
  const receipts = (await t.wallet.receipts()).filter((r) => r.sid === offer.body.sid);
  const price = PRICES[ARTICLE]!;
  expect(await t.wallet.pendingOps()).toEqual([]);
  expect(receipts.length).toBeLessThanOrEqual(1);
  expect(await reserved(t.wallet)).toBe(0);
  expect(await spendable(t.wallet)).toBe(FUNDS - price * receipts.length);
  expect((await world.shop.paywall.held()) - heldBefore).toBe(price * receipts.length);
  t.wallet.close();
}

describe('one intent, one charge — any interleaving', () => {
  it('click / reload / retry / restart / payee away / time passing: at most one charge', async () => {
    // Half the runs start with the payee away.
    const runs = fc
      .tuple(fc.boolean(), fc.array(event, { minLength: 4, maxLength: 14 }))
      .map(([away, events]): Event[] =>
        away ? [{ kind: 'payee', up: false }, ...events] : events,
      );
    await fc.assert(fc.asyncProperty(runs, play), {
      numRuns: Number(process.env['NETCASH_PROPERTY_RUNS'] ?? 30),
      endOnFailure: true,
    });
    expect((await world.fed.audit()).problems).toEqual([]);
  }, 240_000);

  it('the issue 10 sequence: Pay, payee away, Pay again, back, restart → one receipt', async () => {
    await play([
      { kind: 'payee', up: false },
      { kind: 'click', allowance: true },
      { kind: 'sees outcome' },
      { kind: 'click', allowance: true },
      { kind: 'sees outcome' },
      { kind: 'reload' },
      { kind: 'payee', up: true },
      { kind: 'click', allowance: true },
      { kind: 'restart', crash: null },
    ]);
  });
});
