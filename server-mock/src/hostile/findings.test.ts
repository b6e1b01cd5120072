/**
 * The crashes and loose answers issue #11 found at the federation's servers, each now a refusal
 * with its registered code that changes nothing: lone surrogates in memos (bank, CS), a buy
 * with two checks, unsafe account holders and an all-zero account key, amounts spelled `1.0`,
 * `1e0` or `10e-1`, and a buy whose check is bogus costing the CS its signatures.
 */
import {
  accountOpening,
  type CryptoProvider,
  endpoint,
  hpkeSeal,
  PATHS,
  toB64u,
  utf8,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemNow } from '../config.ts';
import { TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

/** The node provider, counting the Ed25519 signatures the servers make. */
function countingProvider(): { provider: CryptoProvider; signatures: () => number } {
  let signatures = 0;
  const provider: CryptoProvider = {
    ...nodeProvider,
    ed25519: {
      ...nodeProvider.ed25519,
      sign(secretKey, message) {
        signatures++;
        return nodeProvider.ed25519.sign(secretKey, message);
      },
    },
  };
  return { provider, signatures: () => signatures };
}

let fed: Federation;
let alice: TestClient;
const counting = countingProvider();

beforeAll(async () => {
  fed = await startFederation({ csCount: 1, provider: counting.provider });
  alice = await TestClient.open(fed.bank.url);
});
afterAll(async () => {
  await fed?.stop();
});

const cs1 = () => fed.cs[0]!;

/** Everything a refusal must leave as it was. */
async function state() {
  const { date: _d, ...bank } = await fed.servers.bank.bank.books();
  return { cs: await cs1().store.snapshot(), bank };
}

async function postText(url: string, text: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code };
}

/** JSON text of a CS request sealed to cs1's certificate exactly as written (no re-encoding). */
function sealedText(text: string): string {
  const cert = cs1().certificate().body;
  const sealed = hpkeSeal(
    nodeProvider,
    Uint8Array.from(Buffer.from(cert.encKey, 'base64url')),
    utf8('NetCash-v1 cs-request'),
    utf8(cert.certId),
    utf8(text),
  );
  return JSON.stringify({ certId: cert.certId, enc: toB64u(sealed.enc), ct: toB64u(sealed.ct) });
}

const requests = () => endpoint(cs1().url, PATHS.cs.requests);
const LONE = '"\\ud800"';

describe('lone UTF-16 surrogates (were HTTP 500)', () => {
  it('in a check memo at the bank: malformed', async () => {
    const before = await state();
    const check = alice.writeCheck(cs1().context.account, 10);
    const text = JSON.stringify({ check, endorsement: check }).replaceAll(
      '"memo":"test"',
      `"memo":${LONE}`,
    );
    expect(await postText(endpoint(fed.bank.url, PATHS.bank.deposits), text)).toEqual({
      status: 400,
      code: 'malformed',
    });
    expect(await state()).toEqual(before);
  });

  it("in a buy's check memo and in a cash-out memo at the CS: malformed", async () => {
    const coins = await alice.buy(cs1().url, [10]);
    const before = await state();
    const buy = JSON.stringify(alice.buyRequest(cs1().context.account, [10])).replace(
      '"memo":"test"',
      `"memo":${LONE}`,
    );
    expect(await postText(requests(), sealedText(buy))).toEqual({ status: 400, code: 'malformed' });
    const cashout = JSON.stringify({
      ...alice.ids(),
      op: 'cashout',
      instruments: coins.map((coin) => ({ kind: 'coin', coin })),
      want: { bank: fed.bank.name, payee: alice.account, memo: 'x' },
    }).replace('"memo":"x"', `"memo":${LONE}`);
    expect(await postText(requests(), sealedText(cashout))).toEqual({
      status: 400,
      code: 'malformed',
    });
    expect(await state()).toEqual(before);
    // The coins were not spent by the refused cash-out.
    expect(await alice.exchange(cs1().url, coins, [5, 5])).toHaveLength(2);
  });
});

describe('a buy with two checks', () => {
  it('is malformed (PROTOCOL §4.3: exactly one), and neither check is deposited', async () => {
    const before = await state();
    const balance = await alice.balance();
    const request = alice.buyRequest(cs1().context.account, [10]);
    const second = { kind: 'check', check: alice.writeCheck(cs1().context.account, 10) };
    const text = JSON.stringify({ ...request, instruments: [...request.instruments, second] });
    expect(await postText(requests(), sealedText(text))).toEqual({
      status: 400,
      code: 'malformed',
    });
    expect(await alice.balance()).toBe(balance);
    expect(await state()).toEqual(before);
  });
});

describe('opening an account', () => {
  const open = (body: string) => postText(endpoint(fed.bank.url, PATHS.bank.accounts), body);
  /** A signed opening, as JSON text, with its holder written as `holder` (raw JSON). */
  const opening = (holder: string) => {
    const key = nodeProvider.ed25519.keygen();
    const signed = accountOpening(nodeProvider, key.secretKey, {
      bank: fed.bank.name,
      holder: 'HOLDER',
      kind: 'customer',
      date: systemNow(),
    });
    return JSON.stringify(signed).replace('"HOLDER"', holder);
  };

  it('refuses NUL, U+202E, other controls and lone surrogates in the holder: malformed', async () => {
    const before = await state();
    for (const holder of [
      '"a\\u0000b"',
      '"\\u202ecod.exe"',
      '"x\\u2066y"',
      '"\\ud800"',
      '"a\\nb"',
    ]) {
      expect([holder, await open(opening(holder))]).toEqual([
        holder,
        { status: 400, code: 'malformed' },
      ]);
    }
    expect(await state()).toEqual(before);
  });

  it('refuses an all-zero or small-order signing key, before its "signature": weak-key', async () => {
    const before = await state();
    // R = identity, S = 0: what a lenient (ZIP-215) verifier accepts under a small-order key.
    const identity = toB64u(Uint8Array.from([1, ...Array<number>(63).fill(0)]));
    for (const hex of ['00'.repeat(32), `01${'00'.repeat(31)}`, `ec${'ff'.repeat(30)}7f`]) {
      const signKey = toB64u(Uint8Array.from(Buffer.from(hex, 'hex')));
      const body = {
        type: 'account-opening',
        bank: fed.bank.name,
        signKey,
        holder: 'mallory',
        kind: 'customer',
        date: systemNow(),
      };
      expect(await open(JSON.stringify({ body, sig: identity }))).toEqual({
        status: 400,
        code: 'weak-key',
      });
    }
    expect(await state()).toEqual(before);
    // An honest key and an accented, emoji holder still open an account.
    const honest = accountOpening(nodeProvider, nodeProvider.ed25519.keygen().secretKey, {
      bank: fed.bank.name,
      holder: 'Zoë 🐝',
      kind: 'customer',
      date: systemNow(),
    });
    expect((await open(JSON.stringify(honest))).status).toBe(200);
  });
});

describe('amounts spelled other than as plain integers', () => {
  it('1.0, 1e0 and 10e-1 (and -0) are malformed at the bank and the CS, not the integer 1', async () => {
    const before = await state();
    for (const spelling of ['1.0', '1e0', '10e-1', '-0', '1.00e0']) {
      const check = alice.writeCheck(cs1().context.account, 1);
      const deposit = JSON.stringify({ check, endorsement: check }).replaceAll(
        '"amount":1,',
        `"amount":${spelling},`,
      );
      expect(await postText(endpoint(fed.bank.url, PATHS.bank.deposits), deposit)).toEqual({
        status: 400,
        code: 'malformed',
      });
      const buy = JSON.stringify(alice.buyRequest(cs1().context.account, [1])).replace(
        '"values":[1]',
        `"values":[${spelling}]`,
      );
      expect(await postText(requests(), sealedText(buy))).toEqual({
        status: 400,
        code: 'malformed',
      });
    }
    expect(await state()).toEqual(before);
  });
});

describe('cheap checks before expensive work', () => {
  it('a buy whose check the bank refuses costs the CS no coin signature', async () => {
    const values = Array<number>(64).fill(1);
    const request = alice.buyRequest(cs1().context.account, values);
    const check = request.instruments[0].check;
    const forged = { ...check, sig: toB64u(new Uint8Array(64).fill(7)) };
    const before = await state();
    const signed = counting.signatures();
    const text = JSON.stringify({ ...request, instruments: [{ kind: 'check', check: forged }] });
    expect(await postText(requests(), sealedText(text))).toEqual({
      status: 400,
      code: 'bad-signature',
    });
    // The CS endorses the check to deposit it; it signs none of the 64 coins.
    expect(counting.signatures() - signed).toBeLessThanOrEqual(1);
    expect(await state()).toEqual(before);
    // A check payable to someone else is refused before even the endorsement.
    const elsewhere = alice.buyRequest(alice.account, values);
    const at = counting.signatures();
    expect(await postText(requests(), sealedText(JSON.stringify(elsewhere)))).toEqual({
      status: 400,
      code: 'wrong-payee',
    });
    expect(counting.signatures()).toBe(at);
  });
});
