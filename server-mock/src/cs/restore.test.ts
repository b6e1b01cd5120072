/**
 * Restore at a real currency server (docs/PROTOCOL.md §4.8): nc1 coins minted with a restore tag
 * come back, byte for byte, to whoever holds the tag's secret — only the unspent ones, page by
 * page — and to nobody else; blind-rsa withdrawals come back as the blind signatures kept with
 * their records, also after the key's private part is deleted; `status` tells spent from
 * outstanding; restore and status store nothing and change nothing; a blinded message signed
 * once is never signed again under another request. Triplets: the stored reply of a request id
 * comes back as sent (in parts when large), and a triplet's change and a claim's coins carry
 * their tag.
 */
import {
  type AnyCoin,
  type Coin,
  type CsRequest,
  type CsResultOf,
  concatBytes,
  fromB64u,
  openCsReply,
  randomId,
  randomKey,
  restoreTag,
  sign,
  toB64u,
  unwrap,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../config.ts';
import { codeOf, TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

let clock = 1_870_000_000;
let fed: Federation;
let alice: TestClient;
const cs1 = () => fed.cs[0]!;

beforeAll(async () => {
  fed = await startFederation({
    csCount: 1,
    now: () => clock,
    blindRsa: { withdrawPeriod: 2 * DAY, denominations: [1, 2, 5, 10, 20, 50] },
    coinLifetime: 10 * DAY,
    redemptionWindow: 5 * DAY,
  });
  alice = await TestClient.open(fed.bank.url, { now: () => clock });
});
afterAll(async () => {
  await fed?.stop();
});

type Restore = Extract<CsRequest, { op: 'restore' }>;
const restoreRequest = (want: Restore['want']): Restore => ({
  ...alice.ids(),
  op: 'restore',
  instruments: [],
  want,
});

/** Every coin under the tags of `secrets`, following the pages. */
async function restoreAll(secrets: string[]): Promise<{ coins: Coin[]; pages: number }> {
  const coins: Coin[] = [];
  let pages = 0;
  for (;;) {
    const after = coins.at(-1)?.body.serial;
    const page = unwrap(
      await alice.send(
        cs1().url,
        restoreRequest(after === undefined ? { secrets } : { secrets, after }),
      ),
    );
    pages++;
    coins.push(...page.coins);
    if (!page.more) return { coins, pages };
  }
}

async function buyTagged(values: number[], tag: string): Promise<Coin[]> {
  const info = await alice.info(cs1().url);
  const request = alice.buyRequest(info.account, values);
  return unwrap(await alice.send(cs1().url, { ...request, want: { values, tag } })).coins;
}

describe('restore of nc1 coins by tag', () => {
  const secret = randomKey(p);
  const tag = restoreTag(p, secret);

  it('gives back exactly the unspent coins minted under the tag, byte for byte, in pages', async () => {
    const first = await buyTagged(Array(40).fill(1), tag);
    const second = await buyTagged(Array(40).fill(2), tag);
    await alice.buy(cs1().url, [5, 5]); // untagged: never found
    const [spent] = await alice.exchange(cs1().url, [first[0]!], [1]);
    expect(spent).toBeDefined();
    const before = await cs1().store.snapshot();
    const { coins, pages } = await restoreAll([secret, randomKey(p)]);
    expect(pages).toBe(2);
    const order = (list: AnyCoin[]) =>
      [...list].sort((a, b) => (a.body.serial < b.body.serial ? -1 : 1));
    expect(order(coins)).toEqual(order([...first.slice(1), ...second]));
    // Pages follow the serial order the CS keeps: each page starts after the last one.
    expect(new Set(coins.map((c) => c.body.serial)).size).toBe(coins.length);
    // Read-only: nothing stored, nothing changed.
    expect(await cs1().store.snapshot()).toEqual(before);
  });

  it('finds nothing for a wrong secret or a tag in place of its secret', async () => {
    const tagAsSecret = toB64u(concatBytes(fromB64u(tag)!, new Uint8Array(16)));
    for (const wrong of [randomKey(p), tagAsSecret]) {
      const page = unwrap(await alice.send(cs1().url, restoreRequest({ secrets: [wrong] })));
      expect(page).toMatchObject({ coins: [], more: false });
    }
  });

  it('refuses a malformed restore: no secrets nor blinded, an instrument, 65 secrets', async () => {
    const bad = [
      { ...restoreRequest({ secrets: [secret] }), want: {} },
      { ...restoreRequest({ secrets: Array(65).fill(secret) }) },
    ];
    for (const request of bad) {
      expect(codeOf(await alice.send(cs1().url, request as Restore))).toBe('malformed');
    }
  });
});

describe('restore of blind-rsa withdrawals, and status', () => {
  it('answers the blind signatures it gave, null for others, after the key stopped withdrawing', async () => {
    const prepared = await alice.blindBuyRequest(cs1().url, [5, 20, 20]);
    const result = unwrap(await alice.send(cs1().url, prepared.request));
    const coins = alice.finish(prepared, result);
    const other = await alice.blindOutputs(cs1().url, [5]);
    const ask = () =>
      alice.send(
        cs1().url,
        restoreRequest({ blinded: [...prepared.request.want.blinded, ...other.blinded] }),
      );
    expect(unwrap(await ask()).blindSigs).toEqual([...result.blindSigs!, null]);

    // The key's withdrawal period ends: its private key is deleted, the signatures stay.
    clock += 3 * DAY;
    await cs1().maintain();
    expect(codeOf(await alice.send(cs1().url, prepared.request))).toBe('ok'); // stored reply
    expect(unwrap(await ask()).blindSigs).toEqual([...result.blindSigs!, null]);

    // status: spend one, the others stay outstanding.
    const fresh = await alice.exchange(cs1().url, [coins[0]!], [5]);
    const states = unwrap(
      await alice.send(cs1().url, {
        ...alice.ids(),
        op: 'status',
        instruments: [...coins, ...fresh].map((coin) => ({ kind: 'coin', coin })),
        want: {},
      }),
    ).states;
    expect(states).toEqual(['spent', 'outstanding', 'outstanding', 'outstanding']);
    expect((await fed.audit()).problems).toEqual([]);
  });

  it('never signs a blinded message twice: another request with it is already-signed, nothing changes', async () => {
    const prepared = await alice.blindBuyRequest(cs1().url, [10]);
    unwrap(await alice.send(cs1().url, prepared.request));
    const before = await cs1().store.snapshot();
    const info = await alice.info(cs1().url);
    const again = alice.buyRequest(info.account, [10]);
    const refused = await alice.send(cs1().url, {
      ...again,
      want: { values: [], blinded: prepared.request.want.blinded },
    });
    expect(codeOf(refused)).toBe('already-signed');
    const after = await cs1().store.snapshot();
    expect(after.books).toEqual(before.books);
    expect(after.serials).toEqual(before.serials);
    expect((await fed.audit()).problems).toEqual([]);
  });
});

describe('restore of triplets: stored replies by request id, tagged change and claims', () => {
  const payee = p.ed25519.keygen();
  const owner = p.ed25519.keygen();
  type Triplet = Extract<CsRequest, { op: 'triplet' }>;

  function tripletRequest(coins: Coin[], amounts: number[], change: number[], tag?: string) {
    const request: Triplet = {
      ...alice.ids(),
      op: 'triplet',
      instruments: coins.map((coin) => ({ kind: 'coin' as const, coin })),
      want: {
        payee: toB64u(payee.publicKey),
        owner: toB64u(owner.publicKey),
        dateB: clock + 100,
        dateA: clock + 200,
        amounts,
        change,
        ...(tag === undefined ? {} : { tag }),
      },
    };
    return request;
  }

  it('answers each stored reply as sent, null for an unknown id, in parts past its size bound', async () => {
    // Six requests of 30 triplets (61 coins each): more stored reply than one answer holds.
    const sent: { request: Triplet; result: CsResultOf<'triplet'> }[] = [];
    for (let i = 0; i < 6; i++) {
      const coins = await alice.buy(cs1().url, [20, 20]);
      const request = tripletRequest(coins, Array(30).fill(1), [10]);
      sent.push({ request, result: unwrap(await alice.send(cs1().url, request)) });
    }
    const ids = [...sent.map((s) => s.request.requestId), randomId(p)];
    const before = await cs1().store.snapshot();
    const first = unwrap(await alice.send(cs1().url, restoreRequest({ requests: ids })));
    const parts = [first.replies!];
    while (parts.flat().length < ids.length) {
      const rest = ids.slice(parts.flat().length);
      const page = unwrap(await alice.send(cs1().url, restoreRequest({ requests: rest })));
      expect(page.replies!.length).toBeGreaterThan(0);
      parts.push(page.replies!);
    }
    expect(parts.length).toBeGreaterThan(1);
    const replies = parts.flat();
    expect(replies.at(-1)).toBeNull();
    sent.forEach(({ request, result }, i) => {
      const opened = openCsReply(p, request.replyKey, request.requestId, replies[i]!);
      expect(unwrap(opened)).toEqual(result);
    });
    expect(await cs1().store.snapshot()).toEqual(before);
  });

  it('keeps the tag of a triplet’s change and of a claim’s coins, never of C_B or C_A', async () => {
    const secret = randomKey(p);
    const tag = restoreTag(p, secret);
    const coins = await alice.buy(cs1().url, [50]);
    const made = unwrap(await alice.send(cs1().url, tripletRequest(coins, [20, 10], [20], tag)));
    const found = async () => (await restoreAll([secret])).coins.map((c) => c.body.serial);
    expect(await found()).toEqual(made.change.map((c) => c.body.serial));
    // C_B unspent at dateB: the owner claims C_A, its fresh coins under the same tag.
    clock += 100;
    const a = made.triplets[0]!.a;
    const ids = alice.ids();
    const claimed = unwrap(
      await alice.send(cs1().url, {
        ...ids,
        op: 'claim',
        instruments: [
          {
            kind: 'coin',
            coin: a,
            spend: sign(p, owner.secretKey, {
              type: 'coin-spend',
              serial: a.body.serial,
              requestId: ids.requestId,
            }),
          },
        ],
        want: { values: [10, 10], tag },
      }),
    );
    expect(new Set(await found())).toEqual(
      new Set([...made.change, ...claimed.coins].map((c) => c.body.serial)),
    );
  });
});
