/**
 * Well-formed messages that are forgeries: coins, checks and endorsements of the right shape,
 * signed by keys nobody certified or registered. They pass every decoder and reach the servers'
 * judgement (signatures, certificates, accounts, amounts). Sealed (HPKE) to the real keys, with
 * noise.ts's near-miss plaintexts too, so the servers open them and judge what is inside.
 */
import { digest, hpkeSeal, sign, toB64u, utf8 } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import fc from 'fast-check';
import { b64u, csPlaintext, paymentPlaintext, X25519_SMALL_ORDER } from './noise.ts';
import type { Targets } from './targets.ts';

const VALUES = [1, 2, 5, 10, 20, 50, 100];
const signer = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((seed) => p.ed25519.keygen(seed));
const far = () => Math.floor(Date.now() / 1000) + 86_400;

function forgedCoin(t: Targets) {
  return fc
    .record({
      key: signer,
      cs: fc.constantFrom(...t.cs),
      realCert: fc.boolean(),
      value: fc.constantFrom(...VALUES),
      serial: b64u(16, 16),
      other: b64u(16, 16),
    })
    .map(({ key, cs, realCert, value, serial, other }) =>
      sign(p, key.secretKey, {
        type: 'coin',
        scheme: 'nc1',
        cs: cs.name,
        addr: cs.url,
        certId: realCert ? cs.certId : other,
        serial,
        value,
        currency: 'NCD',
        expires: far(),
      }),
    );
}

function forgedCheck(payee: fc.Arbitrary<string>, bank: string) {
  return fc
    .record({
      key: signer,
      drawer: fc.constantFrom('acct-nobody', 'issuance', 'x'),
      payee,
      amount: fc.constantFrom(...VALUES),
      checkNo: b64u(8, 8),
    })
    .map(({ key, drawer, payee: to, amount, checkNo }) =>
      sign(p, key.secretKey, {
        type: 'check',
        bank,
        drawer,
        payee: to,
        amount,
        currency: 'NCD',
        checkNo,
        issued: far() - 86_400,
        expires: far(),
        memo: 'forged',
      }),
    );
}

/** Plaintexts of CS requests made of forgeries: exchanges, buys, cash-outs, statuses. */
function forgedCsPlaintext(t: Targets, cs: Targets['cs'][number]) {
  const coins = fc.array(forgedCoin(t), { minLength: 1, maxLength: 3 });
  const ids = fc.record({ requestId: b64u(16, 16), replyKey: b64u(32, 32) });
  const coinIn = (c: unknown[]) => c.map((coin) => ({ kind: 'coin', coin }));
  return fc.oneof(
    fc
      .record({
        ids,
        coins,
        values: fc.array(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 }),
      })
      .map(({ ids: i, coins: c, values }) =>
        JSON.stringify({ ...i, op: 'exchange', instruments: coinIn(c), want: { values } }),
      ),
    fc
      .record({ ids, check: forgedCheck(fc.constantFrom(cs.account, 'acct-other'), cs.bank) })
      .map(({ ids: i, check }) =>
        JSON.stringify({
          ...i,
          op: 'buy',
          instruments: [{ kind: 'check', check }],
          want: { values: [check.body.amount] },
        }),
      ),
    fc.record({ ids, coins }).map(({ ids: i, coins: c }) =>
      JSON.stringify({
        ...i,
        op: 'cashout',
        instruments: coinIn(c),
        want: { bank: cs.bank, payee: 'acct-x', memo: 'm' },
      }),
    ),
    // The read-only status of forged coins (PROTOCOL §4.8): refused like any use of them.
    fc
      .record({ ids, coins })
      .map(({ ids: i, coins: c }) =>
        JSON.stringify({ ...i, op: 'status', instruments: coinIn(c), want: {} }),
      ),
  );
}

/** A bank deposit of a forged check, endorsed by a key that is no account's. */
export function forgedDeposit(t: Targets) {
  const bank = t.cs[0]!.bank;
  return fc
    .record({ check: forgedCheck(fc.constantFrom(t.cs[0]!.account, 'acct-x'), bank), key: signer })
    .map(({ check, key }) =>
      JSON.stringify({
        check,
        endorsement: sign(p, key.secretKey, {
          type: 'endorsement',
          check: digest(p, check),
          account: check.body.payee,
          date: far() - 86_400,
        }),
      }),
    );
}

/** `{certId, enc, ct}` sealed (HPKE, PROTOCOL §2) to a real certificate of a CS. */
export function sealedToCs(t: Targets, cs: Targets['cs'][number]) {
  return fc.oneof(csPlaintext, forgedCsPlaintext(t, cs)).map((text) => {
    const sealed = hpkeSeal(
      p,
      Uint8Array.from(Buffer.from(cs.encKey, 'base64url')),
      utf8('NetCash-v1 cs-request'),
      utf8(cs.certId),
      utf8(text),
    );
    return JSON.stringify({ certId: cs.certId, enc: toB64u(sealed.enc), ct: toB64u(sealed.ct) });
  });
}

/** Envelopes that open to nothing: a real certId with random bytes, or an unknown certId. */
export function envelopeNearMiss(cs: Targets['cs'][number]) {
  return fc
    .record({ real: fc.boolean(), other: b64u(16, 16), enc: b64u(32, 32), ct: b64u(16, 300) })
    .map(({ real, other, enc, ct }) =>
      JSON.stringify({ certId: real ? cs.certId : other, enc, ct }),
    );
}

/** 1a with a small-order `kan`, and 1c sealed to the payee with a hostile plaintext. */
export function payeeMessages(t: Targets, pub: Targets['publisher']) {
  const forgedPayment = fc
    .record({
      requestId: b64u(16, 16),
      coins: fc.array(forgedCoin(t), { minLength: 1, maxLength: 3 }),
      keys: fc.tuple(b64u(32, 32), b64u(32, 32)),
      sid: fc.constantFrom(pub.sid, 'nope'),
    })
    .map(({ requestId, coins, keys, sid }) =>
      JSON.stringify({
        requestId,
        sid,
        coins,
        certificates: [],
        replyKey: keys[0],
        sessionKey: keys[1],
      }),
    );
  return fc.oneof(
    fc
      .constantFrom(...X25519_SMALL_ORDER)
      .map((kan) => JSON.stringify({ msg: '1a', sid: pub.sid, kan })),
    fc.oneof(paymentPlaintext, forgedPayment).map((text) => {
      const sealed = hpkeSeal(
        p,
        Uint8Array.from(Buffer.from(pub.encKey, 'base64url')),
        utf8('NetCash-v1 payment'),
        utf8(pub.encKey),
        utf8(text),
      );
      return JSON.stringify({
        msg: '1c',
        to: pub.encKey,
        enc: toB64u(sealed.enc),
        ct: toB64u(sealed.ct),
      });
    }),
  );
}
