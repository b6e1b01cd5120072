/**
 * The merchant re-drives what a fault left open by the one retry policy (redrive.ts): backoff
 * with full jitter while something is open, no timer at all when nothing is, and at once when its
 * CS answers again. Unit tests with a recording timer; then a real federation whose CS (and bank)
 * stop answering: a payment and a cash-out left open finish by themselves once they answer, with
 * nobody calling `recover()` and no restart; one left open goes as soon as the CS answers another.
 */
import { Message2, postJson } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { codeOf, fetchOffer, paymentMessage } from '@netcash/server';
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../testing/log.ts';
import { startMerchant } from '../testing/merchant.ts';
import { useFederation } from '../testing/world.ts';
import { Redriver, type SetTimer } from './redrive.ts';

/** A timer that records each delay and fires only when the test says so. */
function recordingTimer() {
  const set: { ms: number; run: () => void; cancelled: boolean }[] = [];
  const setTimer: SetTimer = (run, ms) => {
    const entry = { ms, run, cancelled: false };
    set.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  const live = () => set.filter((t) => !t.cancelled);
  return {
    setTimer,
    delays: () => set.map((t) => t.ms),
    live,
    /** Fires the one live timer and waits for the re-drive it starts. */
    async fire(redriver: Redriver) {
      const [timer, ...more] = live();
      expect(more).toEqual([]);
      timer!.cancelled = true;
      timer!.run();
      await redriver.run(); // joins the run the timer started
    },
  };
}

const POLICY = { baseMs: 1_000, maxMs: 8_000 };
const noErrors = (e: unknown) => {
  throw e;
};

describe('the re-drive schedule', () => {
  it('backs off exponentially while something stays open; idle, it looks within maxMs', async () => {
    const timer = recordingTimer();
    let open = 4;
    const redriver = new Redriver(async () => --open > 0, {
      policy: POLICY,
      random: () => 0.999_999,
      setTimer: timer.setTimer,
      onError: noErrors,
    });
    await redriver.run();
    for (let i = 0; i < 3; i++) await timer.fire(redriver);
    expect(open).toBe(0);
    // The top of each full-jitter window: 1 s, 2 s, 4 s; then nothing open: the idle look.
    expect(timer.delays()).toEqual([999, 1_999, 3_999, 7_999]);
    expect(redriver.scheduled).toBe('idle');
    await redriver.close();
    expect(timer.live()).toEqual([]);
  });

  it('caps the delay at maxMs and spreads it with the random source', async () => {
    const timer = recordingTimer();
    const randoms = [0.5, 0.25, 0.5, 0.5, 0.5, 0.5];
    const redriver = new Redriver(async () => true, {
      policy: POLICY,
      random: () => randoms.shift() ?? 0,
      setTimer: timer.setTimer,
      onError: noErrors,
    });
    await redriver.run();
    for (let i = 0; i < 5; i++) await timer.fire(redriver);
    expect(timer.delays()).toEqual([500, 500, 2_000, 4_000, 4_000, 4_000]);
    await redriver.close();
    expect(timer.live()).toEqual([]);
  });

  it('a kick replaces the idle look with the first delay; the CS answering runs at once', async () => {
    const timer = recordingTimer();
    let runs = 0;
    let open = false;
    const redriver = new Redriver(
      async () => {
        runs++;
        return open;
      },
      { policy: POLICY, random: () => 0.5, setTimer: timer.setTimer, onError: noErrors },
    );
    await redriver.run();
    expect(timer.live().map((t) => t.ms)).toEqual([4_000]);
    redriver.answered(); // nothing waits: no run
    expect(runs).toBe(1);
    open = true;
    redriver.kick();
    redriver.kick();
    expect(timer.live().map((t) => t.ms)).toEqual([500]);
    expect(redriver.scheduled).toBe('backoff');
    open = false;
    redriver.answered();
    await redriver.run();
    expect(runs).toBe(2);
    expect(redriver.scheduled).toBe('idle');
    await redriver.close();
  });

  it('policy false: only when asked', async () => {
    const timer = recordingTimer();
    const off = new Redriver(async () => true, {
      policy: false,
      setTimer: timer.setTimer,
      onError: noErrors,
    });
    await off.run();
    off.kick();
    expect(timer.delays()).toEqual([]);
    expect(off.scheduled).toBe(null);
  });

  it('a re-drive that throws is reported and tried again with backoff', async () => {
    const timer = recordingTimer();
    const errors: string[] = [];
    let calls = 0;
    const redriver = new Redriver(
      async () => {
        calls++;
        if (calls <= 2) throw new Error('store gone');
        return false;
      },
      {
        policy: POLICY,
        random: () => 0.5,
        setTimer: timer.setTimer,
        onError: (e) => errors.push(String(e)),
      },
    );
    await expect(redriver.run()).rejects.toThrow('store gone');
    expect(redriver.scheduled).toBe('backoff');
    const [first] = timer.live();
    first!.cancelled = true;
    first!.run(); // the timer's run: its error goes to onError
    await redriver.run().catch(() => undefined);
    expect(errors).toEqual(['Error: store gone']);
    expect(timer.live().map((t) => t.ms)).toEqual([1_000]); // the second delay's middle
    await timer.fire(redriver);
    expect(calls).toBe(3);
    expect(redriver.scheduled).toBe('idle');
    await redriver.close();
  });
});

const world = useFederation();

/** Outbound fetch that fails for the hosts in `down` (the connection is refused). */
function cutter() {
  const down = new Set<string>();
  const fetchFn = async (input: string, init?: RequestInit) => {
    if (down.has(new URL(input).origin)) throw new TypeError('connection refused (test)');
    return fetch(input, init);
  };
  return { down, fetch: fetchFn };
}

/** Each CS request once per attempt: the re-drive is what is tested. */
const ONCE = { baseMs: 0, maxMs: 0, maxAttempts: 1 };
const SHORT = { baseMs: 40, maxMs: 200 };

describe('a merchant finishes what a fault left open, by itself', () => {
  it('a payment whose CS did not answer completes once the CS is back, nobody calling recover', async () => {
    const cut = cutter();
    const cs2 = new URL(world.fed.cs[1]!.url).origin;
    const merchant = await startMerchant(world.fed, {
      fetch: cut.fetch,
      retry: ONCE,
      redrive: SHORT,
    });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const coins = await world.shopper.buy(world.fed.cs[1]!.url, [5]);
      const { message } = await paymentMessage(p, offer, coins);
      cut.down.add(cs2);
      expect(codeOf(await postJson(offer.body.payUrl, message, Message2))).toBe(
        'upstream-unavailable',
      );
      expect(await merchant.paywall.store.pendingPayments()).toHaveLength(1);
      // Still down: the re-drives back off and keep the payment journaled.
      await new Promise((r) => setTimeout(r, 300));
      expect(await merchant.paywall.held()).toBe(0);
      cut.down.clear();
      await expect.poll(() => merchant.paywall.held(), { timeout: 5_000 }).toBe(5);
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
      // The shopper's retry gets the receipt the re-drive stored.
      expect(codeOf(await postJson(offer.body.payUrl, message, Message2))).toBe('ok');
      expect((await world.fed.audit([await merchant.paywall.holdings()])).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it('a payment left open goes as soon as the CS answers another one, not after its backoff', async () => {
    const cut = cutter();
    const cs2 = new URL(world.fed.cs[1]!.url).origin;
    const LONG = { baseMs: 600_000, maxMs: 600_000 };
    const merchant = await startMerchant(world.fed, {
      fetch: cut.fetch,
      retry: ONCE,
      redrive: LONG,
    });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const first = await paymentMessage(
        p,
        offer,
        await world.shopper.buy(world.fed.cs[1]!.url, [5]),
      );
      cut.down.add(cs2);
      expect(codeOf(await postJson(offer.body.payUrl, first.message, Message2))).toBe(
        'upstream-unavailable',
      );
      cut.down.clear();
      const next = await fetchOffer(p, merchant.resource('/articles/b'));
      const second = await paymentMessage(
        p,
        next,
        await world.shopper.buy(world.fed.cs[1]!.url, [5, 2]),
      );
      expect(codeOf(await postJson(next.body.payUrl, second.message, Message2))).toBe('ok');
      await expect.poll(() => merchant.paywall.held(), { timeout: 5_000 }).toBe(12);
      expect(await merchant.paywall.store.pendingPayments()).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it("a payment the shopper's wallet took back while the CS was away is no alarm for the publisher", async () => {
    const cut = cutter();
    const cs2 = new URL(world.fed.cs[1]!.url).origin;
    const log = recordingLogger();
    const merchant = await startMerchant(world.fed, {
      fetch: cut.fetch,
      retry: ONCE,
      redrive: SHORT,
      log: log.logger,
    });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/a'));
      const coins = await world.shopper.buy(world.fed.cs[1]!.url, [5]);
      const { request, message } = await paymentMessage(p, offer, coins);
      cut.down.add(cs2);
      expect(codeOf(await postJson(offer.body.payUrl, message, Message2))).toBe(
        'upstream-unavailable',
      );
      // The wallet waited past its patience and took its coins back at their CS (a reclaim).
      const back = await world.shopper.exchange(world.fed.cs[1]!.url, coins, [5]);
      cut.down.clear();
      await expect
        .poll(async () => (await merchant.paywall.store.pendingPayments()).length, {
          timeout: 5_000,
        })
        .toBe(0);
      // Nothing sold, nothing kept; the shopper has the value; the log says it calmly.
      expect(await merchant.paywall.held()).toBe(0);
      expect(await merchant.paywall.store.completedPayment(request.requestId)).toBeUndefined();
      expect(back.reduce((s, c) => s + c.body.value, 0)).toBe(5);
      const refused = log.entries.find((e) => e.msg.startsWith('payment refused'));
      expect(refused?.level).toBe('info');
      expect(refused?.msg).toContain('took its coins back');
      expect(log.entries.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
      expect((await world.fed.audit([await merchant.paywall.holdings()])).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });

  it('a cash-out whose deposit found the bank down is deposited once the bank answers', async () => {
    const cut = cutter();
    const bank = new URL(world.fed.bank.url).origin;
    const merchant = await startMerchant(world.fed, {
      fetch: cut.fetch,
      retry: ONCE,
      redrive: SHORT,
    });
    try {
      const offer = await fetchOffer(p, merchant.resource('/articles/b'));
      const coins = await world.shopper.buy(world.fed.cs[1]!.url, [5, 2]);
      const { message } = await paymentMessage(p, offer, coins);
      expect(codeOf(await postJson(offer.body.payUrl, message, Message2))).toBe('ok');
      await merchant.paywall.cashout(); // opens the account while the bank answers
      const more = await fetchOffer(p, merchant.resource('/articles/a'));
      const paid = await paymentMessage(
        p,
        more,
        await world.shopper.buy(world.fed.cs[1]!.url, [5]),
      );
      expect(codeOf(await postJson(more.body.payUrl, paid.message, Message2))).toBe('ok');
      cut.down.add(bank);
      const summary = await merchant.paywall.cashout();
      expect(summary).toMatchObject({ deposited: 0, pending: 5 });
      expect(await merchant.paywall.store.cashouts(['checked'])).toHaveLength(1);
      cut.down.clear();
      await expect
        .poll(async () => (await merchant.paywall.store.cashouts(['checked'])).length, {
          timeout: 5_000,
        })
        .toBe(0);
      const deposited = await merchant.paywall.store.cashouts(['deposited']);
      expect(deposited.map((c) => c.amount).sort()).toEqual([5, 7]);
      expect((await world.fed.audit([await merchant.paywall.holdings()])).problems).toEqual([]);
    } finally {
      await merchant.close();
    }
  });
});
