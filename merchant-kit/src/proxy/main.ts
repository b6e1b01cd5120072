#!/usr/bin/env node
/**
 * `netcash-paywall`: an existing site behind a NetCash paywall, with no change to the site.
 *
 *   netcash-paywall --upstream http://127.0.0.1:8080 --config paywall.json [--port 8000] [--host H]
 *
 * Paid paths (exact or patterns, with prices and descriptions) come from the config (config.ts);
 * everything else is streamed to the upstream untouched. Stops cleanly on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { paywallOptionsOf, readConfig } from './config.ts';
import { startPaywallProxy } from './proxy.ts';

const USAGE = `usage: netcash-paywall --config paywall.json [--upstream URL] [--port N] [--host H]

  --config    the paywall's configuration (JSON): cs, insurers, bank, store, resources, …
  --upstream  the site to put behind the paywall (or "upstream" in the config)
  --port      where to listen (or "listen.port"; default 8000)
  --host      the address to listen on (or "listen.host"; default 127.0.0.1)`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      upstream: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true || values.config === undefined) {
    console.log(USAGE);
    return values.help === true ? 0 : 2;
  }
  const config = readConfig(values.config);
  const upstream = values.upstream ?? config.upstream;
  if (upstream === undefined) {
    console.error('netcash-paywall: no upstream (--upstream URL, or "upstream" in the config)');
    return 2;
  }
  const port = values.port === undefined ? (config.listen?.port ?? 8000) : Number(values.port);
  const proxy = await startPaywallProxy({
    upstream,
    paywall: paywallOptionsOf(config),
    host: values.host ?? config.listen?.host ?? '127.0.0.1',
    port,
  });
  console.log(
    `netcash-paywall: ${proxy.url} → ${upstream} (${config.resources.length} paid path patterns)`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await proxy.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`netcash-paywall: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
