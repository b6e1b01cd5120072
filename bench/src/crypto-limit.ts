/**
 * The crypto-only limit of a currency server (SPEC §10): how many coin exchanges per second one
 * core could do if it did nothing but the exchange's cryptography. Server benchmarks divide their
 * measured exchanges/s by this number, measured in the same run on the same machine.
 *
 * One exchange, server side, for `coinsIn` coins in and `coinsOut` fresh coins out (SPEC §4):
 *   1. hpkeOpen of the request sealed to the CS's encKey (info "NetCash-v1 cs-request"), a
 *      different request (so a different ephemeral key) each time, as a server gets them;
 *   2. SHA-256 of the request plaintext (the idempotency hash the CS stores with the requestId);
 *   3. per coin in: JCS of its body + Ed25519 verify under the CS signing key;
 *   4. per coin out: a random 128-bit serial, JCS of its body + Ed25519 sign;
 *   5. JCS of the reply + ChaCha20-Poly1305 seal with the requester's replyKey.
 * Left out on purpose: JSON parsing and schema checks, the database, HTTP.
 *
 * Also exports the small timing helper the crypto benchmark uses.
 */
import { hpkeOpen, hpkeSeal } from '../../protocol/src/crypto/hpke.ts';
import type { CryptoProvider, KeyPair } from '../../protocol/src/crypto/provider.ts';
import { fromB64u, toB64u } from '../../protocol/src/encoding/base64url.ts';
import { canonicalBytes } from '../../protocol/src/encoding/jcs.ts';
import { concatBytes, utf8 } from '../../protocol/src/encoding/utf8.ts';

export interface Rate {
  /** Operations per second on one core. */
  readonly opsPerSecond: number;
  /** Microseconds per operation. */
  readonly usPerOp: number;
  /** How many operations the measurement ran. */
  readonly ops: number;
}

export interface MeasureOptions {
  /** Time spent running the operation before measuring (JIT, caches). Default 200 ms. */
  readonly warmupMs?: number;
  /** Total time measured, split into `rounds`. Default 1,000 ms. */
  readonly durationMs?: number;
  /** Rounds; the fastest one is reported. Default 5. */
  readonly rounds?: number;
}

/**
 * Runs `op` repeatedly for a fixed time after a warm-up and reports its rate: the best of a few
 * rounds, since on a shared machine other processes only ever make a round slower. (For the
 * crypto-only limit that is the optimistic side, so a server's ratio to it is conservative.)
 */
export function measure(op: () => unknown, options: MeasureOptions = {}): Rate {
  const { warmupMs = 200, durationMs = 1000, rounds = 5 } = options;
  const warmupEnd = performance.now() + warmupMs;
  while (performance.now() < warmupEnd) op();
  let best: Rate | undefined;
  for (let round = 0; round < rounds; round++) {
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < durationMs / rounds) {
      op();
      ops++;
      now = performance.now();
    }
    const seconds = (now - start) / 1000;
    const rate = { opsPerSecond: ops / seconds, usPerOp: (seconds * 1e6) / ops, ops };
    if (best === undefined || rate.opsPerSecond > best.opsPerSecond) best = rate;
  }
  if (best === undefined) throw new RangeError('rounds must be at least 1');
  return best;
}

export interface ExchangeShape {
  readonly coinsIn: number;
  readonly coinsOut: number;
}

interface SignedCoin {
  readonly body: Record<string, string | number>;
  readonly sig: string;
}

/**
 * Requests sealed per fixture, used in turn. A server never sees the same request twice: each
 * carries a fresh HPKE ephemeral key, which OpenSSL must import before the X25519 derivation. More
 * requests than the node provider caches keys (512) keep the loop honest about that import,
 * where one request repeated would hit the cache on every round.
 */
const SEALED = 1024;

/** Everything an exchange needs, prepared once (the client's side is not measured). */
export interface ExchangeFixture {
  readonly shape: ExchangeShape;
  readonly csSign: KeyPair;
  readonly csEnc: KeyPair;
  readonly certId: string;
  readonly requestId: string;
  readonly replyKey: Uint8Array;
  /** The request as the wallet sealed it, SEALED times (each with its own ephemeral key). */
  readonly sealed: readonly { readonly enc: Uint8Array; readonly ct: Uint8Array }[];
  /** Which of `sealed` the next exchange opens. */
  next: number;
  /** The coins of the request, as the server has them after parsing. */
  readonly coinsIn: readonly SignedCoin[];
  /** Size of the request plaintext and of the sealed reply, in bytes. */
  readonly requestBytes: number;
  replyBytes: number;
}

const INFO_CS_REQUEST = utf8('NetCash-v1 cs-request');
const COIN_DOMAIN = utf8('NetCash-v1/coin\n');

/** A coin body with realistic field sizes (SPEC §3, schema/objects.ts CoinBody). */
function coinBody(serial: Uint8Array, certId: string): Record<string, string | number> {
  return {
    type: 'coin',
    scheme: 'nc1',
    cs: 'cs-alpha',
    addr: 'http://127.0.0.1:8401',
    certId,
    serial: toB64u(serial),
    value: 100,
    currency: 'EUR',
    expires: 1_800_000_000,
  };
}

/** SPEC §2: sig = Ed25519.sign(sk, "NetCash-v1/coin\n" || JCS(body)). */
function coinSigningBytes(body: Record<string, string | number>): Uint8Array {
  return concatBytes(COIN_DOMAIN, canonicalBytes(body));
}

/** Builds a sealed exchange request of `shape` with keys of `p` (any provider: same bytes). */
export function buildExchangeFixture(p: CryptoProvider, shape: ExchangeShape): ExchangeFixture {
  const csSign = p.ed25519.keygen();
  const csEnc = p.x25519.keygen();
  const certId = 'cert-cs-alpha-2025-01';
  const requestId = toB64u(p.randomBytes(16));
  const replyKey = p.randomBytes(32);
  const coinsIn = Array.from({ length: shape.coinsIn }, () => {
    const body = coinBody(p.randomBytes(16), certId);
    return { body, sig: toB64u(p.ed25519.sign(csSign.secretKey, coinSigningBytes(body))) };
  });
  const request = {
    requestId,
    op: 'exchange',
    instruments: coinsIn.map((coin) => ({ kind: 'coin', coin })),
    want: { values: Array.from({ length: shape.coinsOut }, () => 100) },
    replyKey: toB64u(replyKey),
  };
  const plaintext = canonicalBytes(request);
  const sealed = Array.from({ length: SEALED }, () =>
    hpkeSeal(p, csEnc.publicKey, INFO_CS_REQUEST, utf8(certId), plaintext),
  );
  const fixture: ExchangeFixture = {
    shape,
    csSign,
    csEnc,
    certId,
    requestId,
    replyKey,
    sealed,
    next: 0,
    coinsIn,
    requestBytes: plaintext.length,
    replyBytes: 0,
  };
  fixture.replyBytes = exchangeCrypto(p, fixture);
  return fixture;
}

/** The server's cryptography for one exchange (steps 1–5 above); returns the sealed reply size. */
export function exchangeCrypto(p: CryptoProvider, fx: ExchangeFixture): number {
  const { enc, ct } = fx.sealed[fx.next]!;
  fx.next = (fx.next + 1) % fx.sealed.length;
  const request = hpkeOpen(p, fx.csEnc.secretKey, enc, INFO_CS_REQUEST, utf8(fx.certId), ct);
  if (request === null) throw new Error('request does not open');
  p.sha256(request);
  for (const coin of fx.coinsIn) {
    const sig = fromB64u(coin.sig);
    if (sig === null || !p.ed25519.verify(fx.csSign.publicKey, coinSigningBytes(coin.body), sig)) {
      throw new Error('coin does not verify');
    }
  }
  const coins: SignedCoin[] = [];
  for (let i = 0; i < fx.shape.coinsOut; i++) {
    const body = coinBody(p.randomBytes(16), fx.certId);
    coins.push({ body, sig: toB64u(p.ed25519.sign(fx.csSign.secretKey, coinSigningBytes(body))) });
  }
  const reply = canonicalBytes({ requestId: fx.requestId, op: 'exchange', coins });
  const nonce = p.randomBytes(12);
  return p.chacha20poly1305.seal(fx.replyKey, nonce, reply, utf8(fx.requestId)).length;
}

/** One short round of the exchange's crypto: wall rate and CPU time per exchange. */
export interface CryptoRound {
  readonly ops: number;
  readonly wallMs: number;
  /** CPU time (user + system) of this process over the round. */
  readonly cpuUs: number;
}

/**
 * Runs the exchange's crypto on `fixture` for `ms` and reports the CPU time the process spent:
 * the stable half of the crypto-only limit. CPU time hardly depends on what else the machine
 * runs (wall time does), so bench:exchange divides the server's CPU time per exchange by this.
 */
export function cryptoRound(p: CryptoProvider, fixture: ExchangeFixture, ms: number): CryptoRound {
  let ops = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    exchangeCrypto(p, fixture);
    ops++;
    now = performance.now();
  }
  const used = process.cpuUsage(cpu);
  return { ops, wallMs: now - start, cpuUs: used.user + used.system };
}

export interface ExchangeLimit extends Rate {
  readonly shape: ExchangeShape;
  readonly provider: CryptoProvider['name'];
  readonly requestBytes: number;
  readonly replyBytes: number;
}

/** Measures the crypto-only limit for one exchange shape: exchanges per second on one core. */
export function measureExchangeCrypto(
  p: CryptoProvider,
  shape: ExchangeShape,
  options: MeasureOptions = {},
): ExchangeLimit {
  const fixture = buildExchangeFixture(p, shape);
  const rate = measure(() => exchangeCrypto(p, fixture), options);
  return {
    ...rate,
    shape,
    provider: p.name,
    requestBytes: fixture.requestBytes,
    replyBytes: fixture.replyBytes,
  };
}
