/**
 * The messages between a CS's main thread and its worker (outbox.ts, pool.ts, worker.ts) go in
 * batches: requests handed to the pool in one turn reach the worker as one message, and the
 * worker's settles come back together, so the store is asked to commit them all in one turn —
 * one group commit, where one message per settle had given groups of 3–5 at 64 connections. A
 * real worker thread over a real CS's keys and SQLite store; only the commits are watched.
 */
import {
  type AnyCoin,
  CsReplyEnvelope,
  decodeJson,
  ErrorReply,
  openCsReply,
  sealCsRequest,
  unwrap,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../testing/client.ts';
import { type Federation, startFederation } from '../../testing/federation.ts';
import type { SealedAnswer } from '../endpoint.ts';
import type { CsStore } from '../store.ts';
import { WorkerPool } from './pool.ts';

const p = nodeProvider;

describe('a worker pool answering requests sent in one turn', () => {
  let fed: Federation;
  let alice: TestClient;
  let pool: WorkerPool;
  /** The turn (of this thread's event loop) in which each commit reached the store. */
  const commitTurns: number[] = [];
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };

  beforeAll(async () => {
    fed = await startFederation({ csCount: 1 });
    alice = await TestClient.open(fed.bank.url);
    const cs = fed.cs[0]!;
    const store: CsStore = {
      ...cs.store,
      commit: (commit) => {
        commitTurns.push(turn);
        return cs.store.commit(commit);
      },
    };
    pool = new WorkerPool(1, silentLogger());
    const ctx = cs.context;
    await pool.open(
      {
        dataDir: `${fed.dataDir}/${cs.name}`,
        name: cs.name,
        currency: ctx.currency,
        bank: ctx.bank,
        account: ctx.account,
        insurerUrl: fed.insurer.url,
        insurerKey: fed.insurer.signKey,
        bankUrl: fed.bank.url,
        limits: ctx.limits,
        // The revocation list read once, not before each request.
        revocationRefresh: 3600,
        blindRsa: false,
        current: cs.certificate().body,
      },
      store,
    );
    tick();
  }, 90_000);
  afterAll(async () => {
    ticking = false;
    await pool?.close();
    await fed?.stop();
  });

  /** The sealed body of an exchange of `coins`, and how to open its answer. */
  const exchangeBody = async (coins: readonly AnyCoin[], values: number[]) => {
    const request = alice.exchangeRequest(coins, values);
    const envelope = sealCsRequest(p, await alice.target(fed.cs[0]!.url), request);
    const body = new TextEncoder().encode(JSON.stringify(envelope));
    const open = (answer: SealedAnswer) => {
      const envelope = unwrap(decodeJson(CsReplyEnvelope, answer.body));
      const opened = openCsReply(p, request.replyKey, request.requestId, envelope);
      if (!opened.ok) throw new Error(opened.error.message);
      return opened.value;
    };
    return { body, open };
  };

  it('answers 60 exchanges handed over in one turn, committed in one turn', async () => {
    const cs = fed.cs[0]!;
    // One exchange first: the worker reads the revocation list before its first request.
    const [first] = await alice.buy(cs.url, [1]);
    const warm = await exchangeBody([first!], [1]);
    expect((await pool.service(warm.body)).status).toBe(200);

    const coins = await alice.buy(cs.url, Array(60).fill(1));
    const before = await cs.books();
    const requests = await Promise.all(coins.map((c) => exchangeBody([c], [1])));
    commitTurns.length = 0;
    const answers = await Promise.all(requests.map((r) => pool.service(r.body)));

    expect(answers.map((a) => a.status)).toEqual(Array(60).fill(200));
    for (const [i, a] of answers.entries()) {
      const result = requests[i]!.open(a);
      expect(result.op === 'exchange' && result.coins.map((c) => c.body.value)).toEqual([1]);
    }
    expect(commitTurns).toHaveLength(60);
    expect(new Set(commitTurns).size).toBe(1);
    expect((await cs.books()).outstanding).toEqual(before.outstanding);
    for (const c of coins) expect(await cs.store.outstanding(c.body.serial)).toBeNull();
  });

  it('answers each member of a batch on its own: a double spend and a malformed body fail alone', async () => {
    const cs = fed.cs[0]!;
    const coins = await alice.buy(cs.url, Array(20).fill(1));
    const before = await cs.books();
    const good = await Promise.all(coins.map((c) => exchangeBody([c], [1])));
    // The first coin a second time, under another request id: one of the two is refused.
    const twice = await exchangeBody([coins[0]!], [1]);
    const bodies = [
      ...good.map((r) => r.body),
      twice.body,
      new TextEncoder().encode('{"certId": 1'),
    ];
    const answers = await Promise.all(bodies.map((b) => pool.service(b)));

    const code = (a: SealedAnswer) =>
      a.status === 200 ? 'ok' : unwrap(decodeJson(ErrorReply, a.body)).error.code;
    expect(answers.slice(1, 20).map(code)).toEqual(Array(19).fill('ok'));
    expect([code(answers[0]!), code(answers[20]!)].sort()).toEqual(['double-spent', 'ok']);
    expect(code(answers[21]!)).toBe('malformed');
    for (const [i, r] of good.entries()) {
      if (answers[i]!.status === 200) r.open(answers[i]!);
    }
    if (answers[20]!.status === 200) twice.open(answers[20]!);
    // 20 coins in, 20 out: the double spend minted nothing.
    expect((await cs.books()).outstanding).toEqual(before.outstanding);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('fails the requests of a worker that dies with internal, and goes on with another', async () => {
    const cs = fed.cs[0]!;
    const coins = await alice.buy(cs.url, Array(10).fill(1));
    const before = await cs.books();
    const requests = await Promise.all(coins.map((c) => exchangeBody([c], [1])));
    const answering = requests.map((r) => pool.service(r.body));
    // Ended before the batch is posted (at the end of this turn): it never answers them.
    void pool['threads'][0]!.worker.terminate();
    const answers = await Promise.all(answering);
    const codes = answers.map((a) =>
      a.status === 200 ? 'ok' : unwrap(decodeJson(ErrorReply, a.body)).error.code,
    );
    expect(codes).toEqual(Array(10).fill('internal'));
    expect((await cs.books()).outstanding).toEqual(before.outstanding);
    // A new worker takes its place; the same requests now go through.
    while (pool.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await Promise.all(requests.map((r) => pool.service(r.body)));
    expect(again.map((a) => a.status)).toEqual(Array(10).fill(200));
    for (const [i, r] of requests.entries()) r.open(again[i]!);
    for (const c of coins) expect(await cs.store.outstanding(c.body.serial)).toBeNull();
    expect((await fed.audit()).problems).toEqual([]);
  });
});
