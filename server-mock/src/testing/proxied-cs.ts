/**
 * One more currency server for a federation, certified at a fault proxy's address
 * (fault-proxy.ts): every request to it — a wallet's, a payee's, another currency server's
 * convert — crosses the proxy, so a test can drop or hold back its replies. Close both when done.
 */
import { join } from 'node:path';
import { silentLogger } from '@netcash/server-kit';
import { type RunningCs, startCurrencyServer } from '../cs/server.ts';
import { type FaultProxy, startFaultProxy } from './fault-proxy.ts';
import type { Federation } from './federation.ts';

export async function startProxiedCs(
  fed: Federation,
  name: string,
): Promise<{ cs: RunningCs; link: FaultProxy }> {
  const link = await startFaultProxy();
  const cs = await startCurrencyServer({
    dataDir: join(fed.dataDir, name),
    name,
    insurerUrl: fed.insurer.url,
    enroll: async (application) => {
      await fed.enroll(application);
    },
    bankUrl: fed.bank.url,
    publicUrl: link.url,
    log: silentLogger(),
    maintenanceIntervalMs: 0,
  });
  link.setTarget(cs.url);
  return { cs, link };
}
