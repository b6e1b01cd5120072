/**
 * A currency server's lookups at its insurer stay cheap however a request is made up: at most
 * MAX_LOOKUPS unknown ids per request (more is refused before asking anyone), one call per id
 * however many ask at once, and an id the insurer does not know is not asked about again for
 * UNKNOWN_TTL seconds — while an insurer that could not be reached is asked again. The insurer
 * is real; a proxy in front of it counts what reaches it.
 */
import { toB64u } from '@netcash/protocol';
import { nodeProvider as p } from '@netcash/protocol/node';
import { silentLogger } from '@netcash/server-kit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../testing/fault-proxy.ts';
import { type Federation, startFederation } from '../testing/federation.ts';
import { CsTrust, MAX_LOOKUPS, UNKNOWN_TTL } from './trust.ts';

let fed: Federation;
let proxy: FaultProxy;
let clock = 1_000_000;
let trust: CsTrust;

beforeAll(async () => {
  fed = await startFederation({ csCount: 1 });
  proxy = await startFaultProxy(fed.insurer.url);
});
afterAll(async () => {
  await proxy?.close();
  await fed?.stop();
});
beforeEach(() => {
  clock = 1_000_000;
  trust = new CsTrust(p, fed.insurer.signKey, proxy.url, () => clock, 30, 2_000, silentLogger());
});

const made = (n: number) => Array.from({ length: n }, () => toB64u(p.randomBytes(16)));
/** Requests that reached the insurer since `from`. */
const asked = (from: number) => proxy.log.length - from;

describe('lookups at the insurer', () => {
  it('refuses a request naming more than MAX_LOOKUPS unknown ids without asking', async () => {
    const from = proxy.log.length;
    await expect(trust.ensureSigners(made(64), [])).rejects.toMatchObject({ code: 'unknown-cert' });
    await expect(trust.ensureSigners(made(5), made(5))).rejects.toMatchObject({
      code: 'unknown-cert',
    });
    expect(asked(from)).toBe(0);
  });

  it('asks once per unknown id, then answers from memory until UNKNOWN_TTL has passed', async () => {
    const ids = made(MAX_LOOKUPS);
    const from = proxy.log.length;
    await trust.ensureSigners(ids, []);
    expect(asked(from)).toBe(MAX_LOOKUPS);
    await trust.ensureSigners(ids, []);
    await trust.ensureSigners([...ids, ...ids], []);
    expect(asked(from)).toBe(MAX_LOOKUPS);
    clock += UNKNOWN_TTL;
    await trust.ensureSigners(ids.slice(0, 2), []);
    expect(asked(from)).toBe(MAX_LOOKUPS + 2);
  });

  it('shares one call among concurrent asks for the same id', async () => {
    const [id] = made(1);
    const from = proxy.log.length;
    await Promise.all(Array.from({ length: 20 }, () => trust.ensureSigners([id!], [])));
    expect(asked(from)).toBe(1);
  });

  it('keeps a certificate it found, and asks again when the insurer was unreachable', async () => {
    const certId = fed.cs[0]!.certificate().body.certId;
    const from = proxy.log.length;
    await trust.ensureSigners([certId], []);
    expect(trust.store.certificate(certId)?.certId).toBe(certId);
    await trust.ensureSigners([certId], []);
    expect(asked(from)).toBe(1);

    const [id] = made(1);
    proxy.rule(() => 'drop-request');
    await trust.ensureSigners([id!], []);
    proxy.rule(null);
    const before = proxy.log.length;
    await trust.ensureSigners([id!], []);
    expect(asked(before)).toBe(1); // not remembered as unknown: the insurer never said so
  });
});
