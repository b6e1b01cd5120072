#!/usr/bin/env node
/**
 * `netcash-merchant`: the publisher's books and cash-outs from the command line, next to a running
 * site or paywall proxy (SQLite in WAL mode lets a second process share the store; a cash-out is
 * journaled, so two drivers of one are harmless).
 *
 *   netcash-merchant report  [--config paywall.json | --store PATH|URL] [--json]
 *   netcash-merchant held    [...]
 *   netcash-merchant writeoffs [...]  (coins the CS refused at cash-out, and why)
 *   netcash-merchant cashout [--config paywall.json | --store … --cs URL --bank URL --insurer URL]
 *   netcash-merchant token   (a fresh admin token for `adminToken`)
 *
 * Without --config, the defaults are `npm start`'s demo publisher (`NETCASH_DATA` for its data
 * folder); its insurer key is then read from the insurer given.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { endpoint, getJson, InsurerInfo, PATHS, unwrap } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { publisherBooks } from '../admin/books.ts';
import { paywallOptionsOf, readConfig } from '../proxy/config.ts';
import { createCatalogue } from '../server/catalogue.ts';
import { DEFAULT_WRITE_OFF_RETENTION, type PaywallOptions } from '../server/config.ts';
import { createPaywall } from '../server/paywall.ts';
import { money } from '../server/publisher-log.ts';
import { formatReport } from './report.ts';

const USAGE = `usage: netcash-merchant <report|held|writeoffs|cashout|token> [options]

  report    sales by resource and by day, coins held by currency server, cash-outs and their checks
  held      the value of the coins held, not yet cashed out
  writeoffs coins the currency server refused at cash-out, and why
  cashout   cash the coins held out into the bank account
  token     print a fresh admin token (for "adminToken": the /netcash/admin page)

  --config FILE   the paywall's configuration (as for netcash-paywall)
  --store PATH    or the store: a SQLite file or postgres:// URL (default: npm start's publisher)
  --cs, --bank, --insurer URL   without --config (defaults: npm start's)
  --json          report as JSON`;

async function optionsFrom(values: Record<string, string | boolean | undefined>) {
  if (typeof values['config'] === 'string') return paywallOptionsOf(readConfig(values['config']));
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  const data = process.env['NETCASH_DATA'] ?? '.netcash';
  const insurer = String(values['insurer']);
  const info = unwrap(await getJson(endpoint(insurer, PATHS.insurer.info), InsurerInfo));
  const options: PaywallOptions = {
    cs: String(values['cs']),
    insurers: [info.signKey],
    insurer,
    bank: { url: String(values['bank']) },
    store:
      typeof values['store'] === 'string'
        ? values['store']
        : resolve(cwd, data, 'publisher', 'publisher.sqlite'),
    resources: [],
  };
  return options;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      store: { type: 'string' },
      cs: { type: 'string', default: 'http://127.0.0.1:7403' },
      bank: { type: 'string', default: 'http://127.0.0.1:7401' },
      insurer: { type: 'string', default: 'http://127.0.0.1:7400' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (
    values.help === true ||
    !['report', 'held', 'writeoffs', 'cashout', 'token'].includes(command ?? '')
  ) {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  if (command === 'token') {
    console.log(randomBytes(32).toString('base64url'));
    return 0;
  }
  if (command === 'report' && values.config === undefined && values.store !== undefined) {
    // The books need only the store: no currency server or insurer has to be up.
    const { openMerchantStore } = await import('../server/store/sql-store.ts');
    const store = await openMerchantStore(values.store);
    try {
      const books = await publisherBooks(store, createCatalogue(nodeProvider, []));
      console.log(values.json === true ? JSON.stringify(books, null, 2) : formatReport(books));
      return books.unaccounted === 0 ? 0 : 1;
    } finally {
      await store.close();
    }
  }
  const options = await optionsFrom(values);
  const paywall = await createPaywall({ ...options, redrive: false });
  try {
    if (command === 'report') {
      const books = await publisherBooks(
        paywall.store,
        createCatalogue(nodeProvider, options.resources),
      );
      console.log(values.json === true ? JSON.stringify(books, null, 2) : formatReport(books));
      return books.unaccounted === 0 ? 0 : 1;
    }
    if (command === 'held') {
      console.log(`held: ${await paywall.held()}`);
      return 0;
    }
    if (command === 'writeoffs') {
      for (const w of await paywall.store.writeOffs()) {
        const date = new Date(w.date * 1000).toISOString();
        console.log(`${date}  ${money(w.value, w.currency)}  ${w.reason}  coin ${w.serial}`);
      }
      const days = (options.writeOffRetention ?? DEFAULT_WRITE_OFF_RETENTION) / 86_400;
      console.log(
        `(each write-off is listed for ${days} days — writeOffRetentionDays; \`report\` counts them all)`,
      );
      return 0;
    }
    const s = await paywall.cashout();
    const lost = s.writtenOff.reduce((sum, w) => sum + w.value, 0);
    console.log(
      `cash-out: ${money(s.deposited, s.currency)} deposited, ${money(lost, s.currency)} written off` +
        `${s.writtenOff.length === 0 ? '' : ` (${s.writtenOff.map((w) => w.reason).join(', ')})`}, ` +
        `${money(s.pending, s.currency)} still held or pending`,
    );
    return s.pending === 0 ? 0 : 1;
  } finally {
    await paywall.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`netcash-merchant: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
