/**
 * `netcash-demo` (`npm start`): the federation of `netcash up` — insurer, bank, cs1, cs2 — and the
 * demo publisher on the next port (7404), a paid-articles site banking at cs2, its books under
 * DATA/publisher. The federation's part, flags and printout are server-mock's (`upCommandWith`);
 * this adds the publisher. If the publisher cannot start (e.g. its paywall script fails to
 * build), the federation still runs and the log says why.
 */
import { join } from 'node:path';
import {
  bearerToken,
  DEFAULT_PORTS,
  ensureDir,
  type UpFederation,
  type UpParty,
  upCommandWith,
} from '@netcash/server';
import { startDemoPublisher } from '../publisher/publisher.ts';

async function startPublisher(f: UpFederation): Promise<UpParty | null> {
  try {
    const dataDir = ensureDir(join(f.data, 'publisher'));
    const publisher = await startDemoPublisher({
      cs: f.cs[1]!.url,
      insurers: [f.insurer.signKey],
      insurer: f.insurer.url,
      bank: f.bank.url,
      dataDir,
      // Its books at /netcash/admin, its holdings for `netcash audit --merchant`.
      adminToken: bearerToken(dataDir, 'admin-token'),
      host: f.host,
      port: f.base + (DEFAULT_PORTS.publisher - DEFAULT_PORTS.insurer),
      tls: f.serving.tls,
      ...(f.serving.rateLimit === false ? {} : { rateLimit: f.serving.rateLimit }),
      log: f.log.child('publisher'),
    });
    return {
      lines: [`  publisher   ${publisher.url}`],
      auditFlags: ['--merchant', publisher.url],
      notes: [`Read an article: ${publisher.url}`],
      close: () => publisher.close(),
    };
  } catch (error) {
    f.log.warn('demo publisher not started', { error: String(error) });
    return null;
  }
}

export const demoCommand = upCommandWith({
  usage: 'netcash-demo [options]   (npm start)',
  about:
    'Starts the demo on localhost: the federation of `netcash up` — insurer (PORT), bank\n' +
    '(PORT+1), cs1 (PORT+2), cs2 (PORT+3) — and the demo publisher (PORT+4), with SQLite\n' +
    'under the data folder (`netcash up` is the same without the publisher).\n' +
    'Stop with Ctrl-C; starting again on the same folder keeps all state.',
  flags: [],
  start: startPublisher,
});
