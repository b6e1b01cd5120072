/**
 * `npm run bench:crypto`: ops/s of every NC1 primitive on both providers (SPEC §2), the
 * node÷noble speed ratio, and the crypto-only limit of a currency server's coin exchange
 * (SPEC §10, crypto-limit.ts) for 1-in/1-out and 8-in/8-out.
 *
 * Each row runs for a fixed time after a warm-up, best of 5 rounds (crypto-limit.ts `measure`),
 * on one core.
 * Options: `--quick` (shorter runs, for smoke tests).
 */
import { hpkeOpen, hpkeSeal } from '../../protocol/src/crypto/hpke.ts';
import { nobleProvider } from '../../protocol/src/crypto/noble-provider.ts';
import { nodeProvider } from '../../protocol/src/crypto/node-provider.ts';
import type { CryptoProvider } from '../../protocol/src/crypto/provider.ts';
import { canonicalize } from '../../protocol/src/encoding/jcs.ts';
import {
  type ExchangeShape,
  type MeasureOptions,
  measure,
  measureExchangeCrypto,
  type Rate,
} from './crypto-limit.ts';

const quick = process.argv.includes('--quick');
const options: MeasureOptions = quick
  ? { warmupMs: 50, durationMs: 150, rounds: 3 }
  : { warmupMs: 200, durationMs: 1000, rounds: 5 };

const KIB = new Uint8Array(1024).fill(0x61);
const INFO = new TextEncoder().encode('NetCash-v1 cs-request');
const AAD = new TextEncoder().encode('cert-cs-alpha-2025-01');
/** About the bytes a coin signature covers: domain prefix + JCS of a coin body. */
const COIN_MESSAGE = new Uint8Array(230).fill(0x62);

interface Row {
  readonly name: string;
  /** Builds the operation for one provider (setup outside the timed loop). */
  readonly op: (p: CryptoProvider) => () => unknown;
}

const rows: Row[] = [
  {
    name: 'ed25519 sign (230 B)',
    op: (p) => {
      const { secretKey } = p.ed25519.keygen();
      return () => p.ed25519.sign(secretKey, COIN_MESSAGE);
    },
  },
  {
    name: 'ed25519 verify (230 B)',
    op: (p) => {
      const { secretKey, publicKey } = p.ed25519.keygen();
      const sig = p.ed25519.sign(secretKey, COIN_MESSAGE);
      return () => p.ed25519.verify(publicKey, COIN_MESSAGE, sig);
    },
  },
  {
    name: 'ed25519 sign, new key each',
    op: (p) => () => p.ed25519.sign(p.randomBytes(32), COIN_MESSAGE),
  },
  {
    name: 'ed25519 verify, new key each',
    op: (p) => {
      const pairs = Array.from({ length: 1024 }, () => {
        const { secretKey, publicKey } = p.ed25519.keygen();
        return { publicKey, sig: p.ed25519.sign(secretKey, COIN_MESSAGE) };
      });
      let i = 0;
      // 1,024 keys cycle through a 512-entry cache: every call misses, as intended.
      return () => {
        const { publicKey, sig } = pairs[i++ & 1023]!;
        return p.ed25519.verify(publicKey, COIN_MESSAGE, sig);
      };
    },
  },
  {
    name: 'x25519 DH',
    op: (p) => {
      const a = p.x25519.keygen();
      const b = p.x25519.keygen();
      return () => p.x25519.sharedSecret(a.secretKey, b.publicKey);
    },
  },
  {
    name: 'hpke seal (1 KiB)',
    op: (p) => {
      const { publicKey } = p.x25519.keygen();
      return () => hpkeSeal(p, publicKey, INFO, AAD, KIB);
    },
  },
  {
    name: 'hpke open (1 KiB)',
    op: (p) => {
      const { secretKey, publicKey } = p.x25519.keygen();
      const { enc, ct } = hpkeSeal(p, publicKey, INFO, AAD, KIB);
      return () => hpkeOpen(p, secretKey, enc, INFO, AAD, ct);
    },
  },
  {
    name: 'chacha20-poly1305 seal (1 KiB)',
    op: (p) => {
      const key = p.randomBytes(32);
      const nonce = p.randomBytes(12);
      return () => p.chacha20poly1305.seal(key, nonce, KIB, AAD);
    },
  },
  {
    name: 'chacha20-poly1305 open (1 KiB)',
    op: (p) => {
      const key = p.randomBytes(32);
      const nonce = p.randomBytes(12);
      const ct = p.chacha20poly1305.seal(key, nonce, KIB, AAD);
      return () => p.chacha20poly1305.open(key, nonce, ct, AAD);
    },
  },
  { name: 'sha256 (1 KiB)', op: (p) => () => p.sha256(KIB) },
  {
    name: 'hmac-sha256 (1 KiB)',
    op: (p) => {
      const key = p.randomBytes(32);
      return () => p.hmacSha256(key, KIB);
    },
  },
  { name: 'randomBytes (32 B)', op: (p) => () => p.randomBytes(32) },
];

const num = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const us = (rate: Rate) => num(rate.usPerOp, rate.usPerOp < 10 ? 2 : 1);
const pad = (text: string, width: number) => text.padStart(width);

function table(header: string[], widths: number[], lines: string[][]): void {
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : pad(c, widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const cells of lines) console.log(line(cells));
}

console.log(`NC1 crypto benchmark — node ${process.version}, ${process.arch}, one core`);
console.log(
  `each row: ${options.warmupMs} ms warm-up, then ${options.rounds} rounds over ${options.durationMs} ms; best round shown\n`,
);

const primitiveLines: string[][] = [];
for (const row of rows) {
  const noble = measure(row.op(nobleProvider), options);
  const node = measure(row.op(nodeProvider), options);
  primitiveLines.push([
    row.name,
    num(noble.opsPerSecond),
    us(noble),
    num(node.opsPerSecond),
    us(node),
    `${num(node.opsPerSecond / noble.opsPerSecond, 1)}×`,
  ]);
}
table(
  ['primitive', 'noble ops/s', 'noble µs', 'node ops/s', 'node µs', 'node÷noble'],
  [32, 12, 9, 12, 9, 10],
  primitiveLines,
);

const coinBody = {
  type: 'coin',
  scheme: 'nc1',
  cs: 'cs-alpha',
  addr: 'http://127.0.0.1:8401',
  certId: 'cert-cs-alpha-2025-01',
  serial: 'q83vEjRWeJASNFZ4kBI0Vg',
  value: 100,
  currency: 'EUR',
  expires: 1_800_000_000,
};
const jcs = measure(() => canonicalize(coinBody), options);
console.log(
  `\nJCS of a coin body (${canonicalize(coinBody).length} B): ${num(jcs.opsPerSecond)} ops/s, ${us(jcs)} µs`,
);

console.log('\nCrypto-only limit of one coin exchange on the server (crypto-limit.ts):');
console.log(
  'hpkeOpen(request) + sha256(request) + per coin in: JCS + verify; per coin out: serial +',
);
console.log(
  'JCS + sign; JCS(reply) + chacha20-poly1305 seal. No JSON parsing, database or HTTP.\n',
);
const shapes: ExchangeShape[] = [
  { coinsIn: 1, coinsOut: 1 },
  { coinsIn: 8, coinsOut: 8 },
];
const exchangeLines: string[][] = [];
for (const shape of shapes) {
  for (const p of [nodeProvider, nobleProvider]) {
    const r = measureExchangeCrypto(p, shape, options);
    exchangeLines.push([
      `${shape.coinsIn}-in/${shape.coinsOut}-out, ${p.name}`,
      num(r.requestBytes),
      num(r.replyBytes),
      us(r),
      num(r.opsPerSecond),
    ]);
  }
}
table(
  ['exchange', 'request B', 'reply B', 'µs/exchange', 'exchanges/s/core'],
  [24, 10, 8, 12, 17],
  exchangeLines,
);
