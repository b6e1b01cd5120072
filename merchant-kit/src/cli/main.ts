/**
 * The publisher's cash-out by command, next to a running site (SQLite in WAL mode lets a second
 * process share the store; a cash-out is journaled, so two drivers of one are harmless):
 *
 *   npx tsx merchant-kit/src/cli.ts held
 *   npx tsx merchant-kit/src/cli.ts writeoffs      coins the CS refused at cash-out, and why
 *   npx tsx merchant-kit/src/cli.ts cashout [--store .netcash/publisher/publisher.sqlite]
 *       [--cs http://127.0.0.1:7403] [--bank http://127.0.0.1:7401] [--insurer http://127.0.0.1:7400]
 *
 * Defaults are those of `netcash up` (`NETCASH_DATA` for its data folder). The insurer's key is
 * read from the insurer given: a local operator's tool, pointed at servers it runs.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { endpoint, getJson, InsurerInfo, PATHS, unwrap } from '@netcash/protocol';
import { createPaywall } from './server/paywall.ts';
import { money } from './server/publisher-log.ts';

const USAGE = `usage: cli.ts <held|writeoffs|cashout> [--store PATH|URL] [--cs URL] [--bank URL] [--insurer URL]`;
const COMMANDS = new Set(['held', 'writeoffs', 'cashout']);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      cs: { type: 'string', default: 'http://127.0.0.1:7403' },
      bank: { type: 'string', default: 'http://127.0.0.1:7401' },
      insurer: { type: 'string', default: 'http://127.0.0.1:7400' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help === true || command === undefined || !COMMANDS.has(command)) {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  const cwd = process.env['INIT_CWD'] ?? process.cwd();
  const data = process.env['NETCASH_DATA'] ?? '.netcash';
  const store = values.store ?? resolve(cwd, data, 'publisher', 'publisher.sqlite');
  const insurer = unwrap(await getJson(endpoint(values.insurer, PATHS.insurer.info), InsurerInfo));
  const paywall = await createPaywall({
    cs: values.cs,
    insurers: [insurer.signKey],
    insurer: values.insurer,
    bank: { url: values.bank },
    store,
    resources: [],
    redriveEveryMs: 0,
  });
  try {
    if (command === 'held') {
      console.log(`held: ${await paywall.held()}`);
      return 0;
    }
    if (command === 'writeoffs') {
      for (const w of await paywall.store.writeOffs()) {
        const date = new Date(w.date * 1000).toISOString();
        console.log(`${date}  ${money(w.value, w.currency)}  ${w.reason}  coin ${w.serial}`);
      }
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
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
