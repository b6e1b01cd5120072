/**
 * What makes blind-rsa coins worth having (SPEC §7): the currency server cannot link a coin it
 * redeems to the withdrawal that produced it. Shown on a real CS, from its own point of view:
 *
 * - everything it stored (every row of every table of its SQLite file, every file of its data
 *   folder) and logged by the end of a withdrawal contains neither the coins' serials nor their
 *   signatures nor the digest of what was signed: it never received them;
 * - what it did see (the blinded messages, its blind signatures) equals nothing in the coins;
 * - with its private key, the CS can explain *every* withdrawal under a key as the origin of a
 *   spent coin of that key (for each pairing there is a blinding factor r with r^e·EM = m): its
 *   view is the same whichever withdrawal the coin came from.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AnyCoin,
  type BlindRsaCoin,
  CsResult,
  fromB64u,
  openSymmetric,
  signingBytes,
  toB64u,
} from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { createLogger } from '@netcash/server-kit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../testing/client.ts';
import { type Federation, startFederation } from '../testing/federation.ts';

const big = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const bytesOf = (x: bigint, length: number) =>
  Uint8Array.from(Buffer.from(x.toString(16).padStart(2 * length, '0'), 'hex'));
function modPow(b: bigint, e: bigint, n: bigint): bigint {
  let r = 1n;
  for (let x = b % n, k = e; k > 0n; k >>= 1n, x = (x * x) % n) if (k & 1n) r = (r * x) % n;
  return r;
}
function modInverse(x: bigint, n: bigint): bigint {
  let [r0, r1, t0, t1] = [n, x % n, 0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1, t0, t1] = [r1, r0 - q * r1, t1, t0 - q * t1];
  }
  return ((t0 % n) + n) % n;
}

/** Every string a server could look at later: table rows, data files, log lines. */
function everythingStored(dir: string, logs: readonly string[]): string {
  const parts: string[] = [...logs];
  const db = new Database(join(dir, 'cs.db'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    for (const { name } of tables)
      parts.push(JSON.stringify(db.prepare(`SELECT * FROM ${name}`).all()));
  } finally {
    db.close();
  }
  for (const file of readdirSync(dir)) {
    const path = join(dir, file);
    if (statSync(path).isFile() && !file.startsWith('cs.db'))
      parts.push(readFileSync(path, 'utf8'));
  }
  return parts.join('\n');
}

/** The forms a coin's identifying values could take in storage: base64url and hex. */
function traces(coin: BlindRsaCoin): string[] {
  const forms = (b64u: string) => [b64u, Buffer.from(fromB64u(b64u)!).toString('hex')];
  return [
    ...forms(coin.body.serial),
    ...forms(coin.sig),
    ...forms(toB64u(p.sha256(signingBytes(coin.body)))),
  ];
}

let fed: Federation;
const logs: string[] = [];

beforeAll(async () => {
  fed = await startFederation({
    csCount: 1,
    blindRsa: { denominations: [5] },
    log: createLogger('federation', (line) => logs.push(line)),
  });
});
afterAll(async () => {
  await fed?.stop();
});

describe('a blind-rsa withdrawal and the later spend', () => {
  it('leave the CS nothing that links them', async () => {
    const cs = fed.cs[0]!;
    const alice = await TestClient.open(fed.bank.url);
    const bob = await TestClient.open(fed.bank.url);
    // Two withdrawals of one coin each, same key.
    const withdrawals = [];
    for (const client of [alice, bob]) {
      const prepared = await client.blindBuyRequest(cs.url, [5]);
      const reply = await client.send(cs.url, prepared.request);
      if (!reply.ok) throw reply.error;
      const [coin] = client.finish(prepared, reply.value) as BlindRsaCoin[];
      withdrawals.push({ prepared, reply: reply.value, coin: coin! });
    }
    const afterWithdrawal = everythingStored(join(fed.dataDir, 'cs1'), logs);
    expect(logs.some((l) => l.includes('denomination keys certified'))).toBe(true);

    for (const w of withdrawals) {
      for (const trace of traces(w.coin)) expect(afterWithdrawal).not.toContain(trace);
      // What the CS saw and answered is not what it will see at the spend.
      const seen = [w.prepared.blinded[0]!.msg, w.reply.blindSigs![0]!];
      expect(seen).not.toContain(w.coin.sig);
      expect(seen.join()).not.toContain(w.coin.body.serial);
    }
    // The CS's stored reply to alice, opened with her reply key: blind signatures only.
    const stored = await cs.store.stored(withdrawals[0]!.prepared.request.requestId);
    const opened = openSymmetric(
      p,
      CsResult,
      fromB64u(withdrawals[0]!.prepared.request.replyKey)!,
      withdrawals[0]!.prepared.request.requestId,
      JSON.parse(stored!.reply),
    );
    expect(opened.ok && opened.value.op === 'buy' && opened.value.blindSigs).toEqual(
      withdrawals[0]!.reply.blindSigs,
    );

    // Alice's coin is spent (by whoever holds it): the CS learns its serial only now.
    const spent: AnyCoin = withdrawals[0]!.coin;
    await bob.exchange(cs.url, [spent], [5]);
    const afterSpend = everythingStored(join(fed.dataDir, 'cs1'), logs);
    expect(afterSpend).toContain(withdrawals[0]!.coin.body.serial);

    // From the CS's side, with its private key: each withdrawal explains the spent coin equally.
    const keyId = withdrawals[0]!.coin.body.keyId;
    const { signer } = cs.context.blind!.signer(keyId, cs.context.now(), () => false);
    const { n, e, length } = signer.publicKey;
    const em = modPow(big(fromB64u(withdrawals[0]!.coin.sig)!), e, n); // the PSS encoding
    for (const w of withdrawals) {
      const m = big(fromB64u(w.prepared.blinded[0]!.msg)!);
      // r = (m · EM⁻¹)^d: the blinding factor that would make this withdrawal the coin's origin.
      const r = big(signer.blindSign(bytesOf((m * modInverse(em, n)) % n, length)));
      expect((modPow(r, e, n) * em) % n).toBe(m);
    }
  });
});
