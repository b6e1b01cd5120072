/**
 * The demo publisher as a process of its own, so the fault suite can freeze or kill it and start
 * it again on the same data and port (world.ts). One argument, JSON: {cs, insurerKey, insurer,
 * bank, dataDir, port, publicUrl}. Prints `publisher listening on URL` when it serves.
 */
import { mkdirSync } from 'node:fs';
import { startDemoPublisher } from '@netcash/demo';
import { silentLogger } from '@netcash/merchant-kit';
import * as v from 'valibot';

const Options = v.strictObject({
  cs: v.string(),
  insurerKey: v.string(),
  insurer: v.string(),
  bank: v.string(),
  dataDir: v.string(),
  port: v.number(),
  publicUrl: v.string(),
});
const options = v.parse(Options, JSON.parse(process.argv[2] ?? '{}'));
mkdirSync(options.dataDir, { recursive: true });
const publisher = await startDemoPublisher({
  cs: options.cs,
  insurers: [options.insurerKey],
  insurer: options.insurer,
  bank: options.bank,
  dataDir: options.dataDir,
  port: options.port,
  publicUrl: options.publicUrl,
  log: silentLogger(),
});
console.log(`publisher listening on ${publisher.url}`);
const stop = () => {
  publisher.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
