/**
 * Coins at the currency server: checking the ones presented (offline verification of
 * docs/PROTOCOL.md §3.3/§3.13 through the coin-scheme interface, plus the lock of a triplet coin,
 * §4.3), and making the outputs of a buy or exchange: nc1 coins (paper figure 2: value, serial,
 * expiry and the CS's address, signed with the newest key; outstanding through their redemption
 * window) and blind signatures for the requester's blinded blind-rsa coins (SPEC §7, RFC 9474
 * BlindSign, never under a revoked key), counted per key with the hash of each blinded message
 * (what a recoup points at, docs/PROTOCOL.md §4.7). Taking coins in is redeem.ts.
 */
import {
  type AnyCoinBody,
  type BlindedOutput,
  type Coin,
  type CoinBody,
  type CoinInstrument,
  type CoinLock,
  CryptoError,
  type DenominationKeyBody,
  fitsRsaKey,
  fromB64u,
  isNc1,
  NetCashError,
  type Outputs,
  randomId,
  sign,
  toB64u,
  unwrap,
  verify,
  verifyCoins,
  withdrawalHash,
} from '@netcash/protocol';
import type { BlindSigningKey } from '@netcash/protocol/node';
import type { CsContext } from './context.ts';
import type { Changes, OutstandingRow, Withdrawal } from './store.ts';

/** Verifies coins of any scheme offline; with `own`, refuses another CS's coins (`foreign-coin`). */
export async function verifyPresented(
  ctx: CsContext,
  instruments: readonly CoinInstrument[],
  own: boolean,
): Promise<AnyCoinBody[]> {
  if (instruments.length > ctx.limits.maxInstruments) {
    throw new NetCashError('limit-exceeded', `at most ${ctx.limits.maxInstruments} coins`);
  }
  const coins = instruments.map((i) => i.coin);
  // The certificates and denomination keys that vouch for them, from the insurer if unknown.
  await ctx.trust.ensureSignersOf(coins);
  await ctx.trust.refreshRevocations();
  return unwrap(
    verifyCoins(ctx.p, ctx.trust.store, coins, {
      now: ctx.now(),
      currency: ctx.currency,
      ...(own ? { cs: ctx.name } : {}),
    }),
  );
}

/**
 * A locked coin (SPEC §6) may be spent only by its owner, for this request, inside its window:
 * the `coin-spend` must name the coin and `requestId` and be signed by `lock.owner`.
 */
export function checkLock(ctx: CsContext, instrument: CoinInstrument, requestId: string): void {
  const { coin } = instrument;
  const lock = isNc1(coin) ? coin.body.lock : undefined;
  if (lock === undefined) return;
  const { serial } = coin.body;
  const now = ctx.now();
  if (now < lock.notBefore) {
    throw new NetCashError('not-yet-valid', 'the locked coin is not spendable yet', { serial });
  }
  if (now >= lock.notAfter) {
    throw new NetCashError('expired', 'the locked coin window has closed', { serial });
  }
  const spend = instrument.spend;
  if (spend === undefined) {
    throw new NetCashError('locked', 'a locked coin needs its owner\u2019s spend', { serial });
  }
  if (spend.body.serial !== serial || spend.body.requestId !== requestId) {
    throw new NetCashError('locked', 'the spend is for another coin or request', { serial });
  }
  if (!verify(ctx.p, lock.owner, spend)) {
    throw new NetCashError('locked', 'the spend is not signed by the coin\u2019s owner', {
      serial,
    });
  }
}

/** Refuses values this CS does not mint. */
export function checkValues(ctx: CsContext, values: readonly number[]): void {
  const offered = new Set(ctx.limits.denominations);
  const bad = values.find((v) => !offered.has(v));
  if (bad !== undefined) {
    throw new NetCashError('bad-denomination', `${bad} is not one of this CS's coin values`, {
      denominations: ctx.limits.denominations,
    });
  }
}

export function total(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

/** A blinded output checked against its denomination key, ready to be signed. */
interface BlindJob {
  readonly key: DenominationKeyBody;
  readonly signer: BlindSigningKey;
  readonly msg: Uint8Array;
}

/**
 * Checks each blinded output (SPEC §7) against this CS's denomination keys still taking
 * withdrawals and not revoked — the key exists, and the message is a number below its modulus
 * (RFC 9474 §4.3) — without signing anything yet.
 */
function planBlinded(ctx: CsContext, blinded: readonly BlindedOutput[]): BlindJob[] {
  if (blinded.length === 0) return [];
  const ring = ctx.blind;
  if (ring === null) {
    throw new NetCashError('unsupported-scheme', `${ctx.name} does not mint blind-rsa coins`);
  }
  const now = ctx.now();
  return blinded.map((output) => {
    // Never under a revoked key (docs/PROTOCOL.md §4.7): its replacement takes withdrawals.
    const { key, signer } = ring.signer(output.keyId, now, (k) => ctx.trust.store.isRevoked(k));
    const msg = fromB64u(output.msg);
    if (msg === null || !fitsRsaKey(signer.publicKey, msg)) {
      throw new NetCashError('malformed', `a blinded message does not fit key ${key.keyId}`);
    }
    return { key, signer, msg };
  });
}

/**
 * BlindSign (RFC 9474 §4.3) for each checked blinded output. The CS learns the key (so the value)
 * and nothing of the coin.
 */
function signBlinded(
  ctx: CsContext,
  jobs: readonly BlindJob[],
): { sigs: string[]; withdraw: Withdrawal[] } {
  const sigs: string[] = [];
  const perKey = new Map<string, Withdrawal>();
  for (const { key, signer, msg } of jobs) {
    let sig: Uint8Array;
    try {
      sig = signer.blindSign(msg);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      // Checked to fit in planBlinded: only a signing fault is left (RFC 9474 §4.3 verifies).
      throw new NetCashError('internal', `blind signing failed under key ${key.keyId}`);
    }
    sigs.push(toB64u(sig));
    const held = perKey.get(key.keyId);
    perKey.set(key.keyId, {
      keyId: key.keyId,
      value: key.value,
      depositUntil: key.depositUntil,
      redeemUntil: key.redeemUntil,
      count: (held?.count ?? 0) + 1,
      // What recoup will point at (§4.7): the hash of what was signed, never the message; and
      // the signature, which a restore answers with (§4.8) once the private key is deleted.
      hashes: [...(held?.hashes ?? []), withdrawalHash(ctx.p, msg)],
      sigs: [...(held?.sigs ?? []), toB64u(sig)],
    });
  }
  return { sigs, withdraw: [...perKey.values()] };
}

/** The outputs of a buy or exchange (`want`, PROTOCOL §4.3), not yet stored. */
export interface Minted {
  /** Σ values + Σ value of the blinded outputs' keys. */
  readonly total: number;
  readonly coins: Coin[];
  /** In the order of `want.blinded`; absent when nothing was blinded. */
  readonly blindSigs?: string[];
  readonly changes: Pick<Changes, 'mint' | 'withdraw'>;
}

/** `want` checked — coin values offered, blinded messages fitting live keys — but not signed. */
export interface PlannedOutputs {
  /** Σ values + Σ value of the blinded outputs' keys. */
  readonly total: number;
  /** Signs the coins and blinded messages: the costly part, done once the inputs are good. */
  make(): Minted;
}

export function planOutputs(ctx: CsContext, want: Outputs): PlannedOutputs {
  checkValues(ctx, want.values);
  if (want.values.length > 0 && ctx.currentCertificate().expires <= ctx.now()) {
    // Its insurance ended (PROTOCOL §4.7, a CS withdrawn) or lapsed: nc1 coins now would be
    // born expired. It still takes its coins back by cash-out.
    throw new NetCashError(
      'expired',
      `${ctx.name} holds no valid certificate of insurance: it mints no coins; cash out instead`,
    );
  }
  const jobs = planBlinded(ctx, want.blinded ?? []);
  const sum = total(want.values) + total(jobs.map((j) => j.key.value));
  return {
    total: sum,
    make() {
      const blind = signBlinded(ctx, jobs);
      const minted = mint(ctx, want.values, want.tag === undefined ? {} : { tag: want.tag });
      return {
        total: sum,
        coins: minted.coins,
        ...(blind.sigs.length > 0 ? { blindSigs: blind.sigs } : {}),
        changes:
          blind.withdraw.length > 0
            ? { mint: minted.rows, withdraw: blind.withdraw }
            : { mint: minted.rows },
      };
    },
  };
}

/**
 * Refuses blinded messages this CS signed before, under another request (`already-signed`),
 * before any money moves: signing one twice makes two coins with one serial, one coin paid
 * twice (docs/PROTOCOL.md §4.8). The withdrawal records' unique hash is the backstop at commit.
 */
export async function refuseSignedBefore(ctx: CsContext, want: Outputs): Promise<void> {
  const blinded = want.blinded ?? [];
  if (blinded.length === 0) return;
  const hashes = blinded.flatMap((b) => {
    const msg = fromB64u(b.msg);
    return msg === null ? [] : [withdrawalHash(ctx.p, msg)];
  });
  const again = new Set(hashes).size < hashes.length ? hashes : await ctx.store.withdrawn(hashes);
  if (again.length > 0) {
    throw new NetCashError('already-signed', 'a blinded message was signed before', {
      hashes: again,
    });
  }
}

/** Checks `want` and makes its outputs: nc1 coins of `values`, blind signatures for `blinded`. */
export function outputs(ctx: CsContext, want: Outputs): Minted {
  return planOutputs(ctx, want).make();
}

/** Fresh coins of `values`, with their outstanding rows (not yet stored). */
export function mint(
  ctx: CsContext,
  values: readonly number[],
  options: {
    expires?: number;
    lock?: CoinLock;
    bookValue?: number;
    pruneAfter?: number;
    /** The requester's restore tag, kept on the rows (never with a lock, §4.8). */
    tag?: string;
  } = {},
): { coins: Coin[]; rows: OutstandingRow[] } {
  const cert = ctx.currentCertificate();
  const entry = ctx.keys.byCertId(cert.certId);
  if (entry === undefined) throw new NetCashError('internal', 'no key for the current certificate');
  const expires = Math.min(options.expires ?? ctx.now() + ctx.limits.coinLifetime, cert.expires);
  const coins: Coin[] = [];
  const rows: OutstandingRow[] = [];
  for (const value of values) {
    const body: CoinBody = {
      type: 'coin',
      scheme: 'nc1',
      cs: ctx.name,
      addr: cert.addresses[0]!,
      certId: cert.certId,
      serial: randomId(ctx.p),
      value,
      currency: ctx.currency,
      expires,
      ...(options.lock === undefined ? {} : { lock: options.lock }),
    };
    coins.push(sign(ctx.p, entry.sign.secretKey, body));
    rows.push({
      serial: body.serial,
      certId: cert.certId,
      value: options.bookValue ?? value,
      // Outstanding through the redemption window (§4.7), not just until the coin expires.
      expires: options.pruneAfter ?? expires + cert.redeemFor,
      ...(options.lock === undefined ? {} : { lock: options.lock.tripletId }),
      ...(options.tag === undefined || options.lock !== undefined ? {} : { tag: options.tag }),
    });
  }
  return { coins, rows };
}
