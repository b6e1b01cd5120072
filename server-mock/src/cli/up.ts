/**
 * `netcash up`: the federation on localhost (SPEC §9, embedded default) — insurer, bank, cs1 and
 * cs2 on fixed ports (7400–7403 from `--port`), SQLite files under one data folder. Restarting on
 * the same folder keeps every key, account, certificate and coin. Prints the URLs, the insurer key
 * a wallet must trust and the bank's statement key a wallet pins on first use.
 *
 * The demo needs no extra step, but each server still holds its own credentials only (SPEC
 * §11): the insurer's operator runs in this process and registers cs1 and cs2 (name, enrollment
 * key, bank account, mint limit) when they first ask for a certificate, and the bank runs in
 * demo mode (a customer account opens with free demo money).
 *
 * The demo publisher is not started here: server-mock does not depend on merchant-kit (packages
 * depend one way). `npm start` (`netcash-demo`, @netcash/demo) is this command with the publisher
 * added through `upCommandWith`.
 */
import { join } from 'node:path';
import type { Logger } from '@netcash/server-kit';
import type { RunningBank } from '../bank/server.ts';
import { DEFAULTS } from '../config.ts';
import type { RunningCs } from '../cs/server.ts';
import type { RunningInsurer } from '../insurer/server.ts';
import type { Flag, Parsed } from './args.ts';
import { COMMON, type Command, DEFAULT_PORTS, port, untilSignal } from './serve.ts';
import { SERVING, servingOf } from './serving.ts';
import { CS_TIME_FLAGS, csTime, duration, REDEMPTION_WINDOW } from './time-flags.ts';

interface Closer {
  close(): Promise<void>;
}

/** What `up` started, for a party added to it. */
export interface UpFederation {
  readonly insurer: RunningInsurer;
  readonly bank: RunningBank;
  readonly cs: readonly RunningCs[];
  /** The data folder: each server keeps its state in a folder of its own under it. */
  readonly data: string;
  readonly host: string | undefined;
  /** The first port (the insurer's); the others follow it as in `DEFAULT_PORTS`. */
  readonly base: number;
  readonly serving: ReturnType<typeof servingOf>;
  readonly log: Logger;
}

/** A party started after the federation, printed with it and stopped before it. */
export interface UpParty extends Closer {
  /** Printout lines after the currency servers' (`  publisher   URL`). */
  readonly lines: readonly string[];
  /** Flags the printed audit command adds (`--merchant URL`). */
  readonly auditFlags: readonly string[];
  /** Lines at the end of the printout (what to open). */
  readonly notes: readonly string[];
}

export interface UpAddition {
  readonly usage: string;
  readonly about: string;
  readonly flags: readonly Flag[];
  /** Starts the added party; null when it is not started (a flag, or it failed and said so). */
  start(federation: UpFederation, args: Parsed): Promise<UpParty | null>;
}

const UP_FLAGS: Flag[] = [
  ...COMMON,
  ...SERVING,
  { name: 'port', help: 'first port', env: 'NETCASH_PORT', fallback: '7400' },
  ...CS_TIME_FLAGS,
  REDEMPTION_WINDOW,
  {
    name: 'no-blind-rsa',
    help: 'currency servers mint nc1 coins only (no blind-rsa denomination keys)',
    boolean: true,
  },
];

/** The printout: where everything runs, and the keys a person compares with what a wallet shows. */
export function upPrintout(f: UpFederation, party: UpParty | null): string {
  // With the addresses: `netcash audit` alone looks for the default ports.
  const audit = [
    'netcash audit --data',
    f.data,
    '--insurer',
    f.insurer.url,
    '--bank',
    f.bank.url,
    ...(party?.auditFlags ?? []),
  ].join(' ');
  return [
    'NetCash federation is up',
    `  insurer     ${f.insurer.url}`,
    `  insurer key ${f.insurer.signKey}`,
    `  bank        ${f.bank.url}`,
    `  bank key    ${f.bank.signKey}`,
    ...f.cs.map((c) => `  ${c.name.padEnd(11)} ${c.url}`),
    ...(party?.lines ?? []),
    `  data        ${f.data} (audit tokens in ${f.data}/*/audit-token; \`netcash audit\` reads them)`,
    `  audit       ${audit}`,
    '',
    'Wallet: in Chromium open chrome://extensions, turn on Developer mode, Load unpacked →',
    '  dist/extension/ (built by `npm start` / `npm run build`), then trust the insurer key above.',
    '  The wallet pins the bank key when it connects an account and refuses statements signed',
    '  by any other key: the one it pinned must be the bank key above.',
    ...(party?.notes ?? []),
    'Ctrl-C stops everything.',
  ].join('\n');
}

/** `netcash up`, or a launcher's `up` with one more party (`addition`). */
export function upCommandWith(addition?: UpAddition): Command {
  return {
    usage: addition?.usage ?? 'netcash up [options]',
    about:
      addition?.about ??
      'Starts the federation on localhost: insurer (PORT), bank (PORT+1), cs1 (PORT+2) and\n' +
        'cs2 (PORT+3), with SQLite under the data folder. `npm start` adds the demo publisher.\n' +
        'Stop with Ctrl-C; starting again on the same folder keeps all state.',
    flags: [...UP_FLAGS, ...(addition?.flags ?? [])],
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
        const federation = { insurer, bank, cs, data, host, base, serving, log };
        const party = addition === undefined ? null : await addition.start(federation, args);
        if (party !== null) started.push(party);
        console.log(upPrintout(federation, party));
      } catch (error) {
        await closeAll();
        throw error;
      }
      return untilSignal(closeAll);
    },
  };
}

export const upCommand = upCommandWith();
