/**
 * `netcash up`: the whole federation on localhost (SPEC §9, embedded default) — insurer, bank,
 * cs1 and cs2 on fixed ports (7400–7403 from `--port`), SQLite files under one data folder, and
 * the demo publisher (merchant-kit) on 7404. Restarting on the same folder keeps every key,
 * account, certificate and coin. Prints the URLs and the insurer key a wallet must trust.
 *
 * The demo needs no extra step, but each server still holds its own credentials only (SPEC
 * §11): the insurer's operator runs in this process and registers cs1 and cs2 (name, enrollment
 * key, bank account, mint limit) when they first ask for a certificate, and the bank runs in
 * demo mode (a customer account opens with free demo money).
 */
import { join } from 'node:path';
import type { Logger } from '@netcash/server-kit';
import { DEFAULTS } from '../config.ts';
import type { RunningCs } from '../cs/server.ts';
import { bearerToken, ensureDir } from '../datadir.ts';
import type { Parsed } from './args.ts';
import { COMMON, type Command, DEFAULT_PORTS, port, untilSignal } from './serve.ts';
import { SERVING, servingOf } from './serving.ts';
import { CS_TIME_FLAGS, csTime, duration, REDEMPTION_WINDOW } from './time-flags.ts';

interface Closer {
  close(): Promise<void>;
}

/**
 * HOOK: the demo publisher (merchant-kit, `startDemoPublisher` from
 * `@netcash/merchant-kit/demo`), a paid-articles site banking at cs2. Loaded lazily so that the
 * federation still starts if the publisher can't (e.g. its paywall script fails to build).
 */
async function startPublisher(
  args: Parsed,
  base: number,
  urls: { insurer: string; insurerKey: string; bank: string; cs2: string },
  log: Logger,
): Promise<(Closer & { url: string }) | null> {
  const serving = servingOf(args);
  if (args.flag('no-publisher')) return null;
  try {
    const { startDemoPublisher } = await import('@netcash/merchant-kit/demo');
    const dataDir = ensureDir(join(args.get('data')!, 'publisher'));
    return await startDemoPublisher({
      cs: urls.cs2,
      insurers: [urls.insurerKey],
      insurer: urls.insurer,
      bank: urls.bank,
      dataDir,
      // Its books at /netcash/admin, its holdings for `netcash audit --merchant`.
      adminToken: bearerToken(dataDir, 'admin-token'),
      host: args.get('host'),
      port: base + (DEFAULT_PORTS.publisher - DEFAULT_PORTS.insurer),
      tls: serving.tls,
      ...(serving.rateLimit === false ? {} : { rateLimit: serving.rateLimit }),
      log: log.child('publisher'),
    });
  } catch (error) {
    log.warn('demo publisher not started', { error: String(error) });
    return null;
  }
}

export const upCommand: Command = {
  usage: 'netcash up [options]',
  about:
    'Starts the whole federation on localhost: insurer (PORT), bank (PORT+1), cs1 (PORT+2),\n' +
    'cs2 (PORT+3) and the demo publisher (PORT+4), with SQLite under the data folder.\n' +
    'Stop with Ctrl-C; starting again on the same folder keeps all state.',
  flags: [
    ...COMMON,
    ...SERVING,
    { name: 'port', help: 'first port', env: 'NETCASH_PORT', fallback: '7400' },
    { name: 'no-publisher', help: 'do not start the demo publisher', boolean: true },
    ...CS_TIME_FLAGS,
    REDEMPTION_WINDOW,
    {
      name: 'no-blind-rsa',
      help: 'currency servers mint nc1 coins only (no blind-rsa denomination keys)',
      boolean: true,
    },
  ],
  async run(args) {
    const { startInsurer } = await import('../insurer/server.ts');
    const { startBank } = await import('../bank/server.ts');
    const { startCurrencyServer } = await import('../cs/server.ts');
    const { createLogger } = await import('@netcash/server-kit');
    const data = args.get('data')!;
    const host = args.get('host');
    const base = port(args, DEFAULT_PORTS.insurer);
    const serving = servingOf(args);
    const log = createLogger('netcash');
    const started: Closer[] = [];
    const closeAll = async () => {
      for (const s of [...started].reverse()) await s.close().catch(() => {});
    };
    try {
      // The schema first, as a step of its own (`netcash migrate`), then the servers.
      const { migrateUp } = await import('./migrate.ts');
      await migrateUp(data, log);
      const time = csTime(args);
      const insurer = await startInsurer({
        dataDir: join(data, 'insurer'),
        host,
        port: base,
        log,
        ...serving,
        redemptionWindow: duration(args, 'redemption-window'),
      });
      started.push(insurer);
      const bank = await startBank({
        dataDir: join(data, 'bank'),
        host,
        port: base + 1,
        log,
        demoBalance: DEFAULTS.demoBalance,
        ...serving,
      });
      started.push(bank);
      const cs: RunningCs[] = [];
      for (const [i, name] of ['cs1', 'cs2'].entries()) {
        const server = await startCurrencyServer({
          dataDir: join(data, name),
          name,
          insurerUrl: insurer.url,
          insurerKey: insurer.signKey,
          // The insurer's operator, in this process: registers the CS it is asked about.
          enroll: async (application) => {
            await insurer.insurer.register({ ...application, mintLimit: DEFAULTS.mintLimit });
            log.info('registered', { csName: application.csName, account: application.account });
          },
          bankUrl: bank.url,
          host,
          port: base + 2 + i,
          log,
          ...serving,
          ...time,
          // Unlinkable blind-rsa coins next to nc1 ones (SPEC §7): a key per coin value.
          ...(args.flag('no-blind-rsa') ? {} : { blindRsa: {} }),
        });
        started.push(server);
        cs.push(server);
      }
      const publisher = await startPublisher(
        args,
        base,
        { insurer: insurer.url, insurerKey: insurer.signKey, bank: bank.url, cs2: cs[1]!.url },
        log,
      );
      if (publisher !== null) started.push(publisher);
      const lines = [
        'NetCash federation is up',
        `  insurer     ${insurer.url}`,
        `  insurer key ${insurer.signKey}`,
        `  bank        ${bank.url}`,
        ...cs.map((c) => `  ${c.name.padEnd(11)} ${c.url}`),
        ...(publisher === null ? [] : [`  publisher   ${publisher.url}`]),
        `  data        ${data} (audit tokens in ${data}/*/audit-token; \`netcash audit\` reads them)`,
        ...(publisher === null
          ? []
          : [`  audit       netcash audit --data ${data} --merchant ${publisher.url}`]),
        '',
        'Wallet: in Chromium open chrome://extensions, turn on Developer mode, Load unpacked →',
        '  dist/extension/ (built by `npm start` / `npm run build`), then trust the insurer key above.',
        ...(publisher === null ? [] : [`Read an article: ${publisher.url}`]),
        'Ctrl-C stops everything.',
      ];
      console.log(lines.join('\n'));
    } catch (error) {
      await closeAll();
      throw error;
    }
    return untilSignal(closeAll);
  },
};
