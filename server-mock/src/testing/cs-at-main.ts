/**
 * A currency server process whose clock stands still at a chosen second: one more process of an
 * enrolled CS (its folder, keys and database, certified at `publicUrl`) for races across a
 * window's edge — two processes over one database, one a second before `dateB` and one at it,
 * as two machines whose clocks differ (triplet-race.test.ts). Started with `spawnCsAt`.
 *
 * One argument, JSON: {dataDir, name, insurerUrl, bankUrl, store, publicUrl, now}. Prints
 * `listening on URL` when it serves.
 */
import { storeAt } from '@netcash/server-kit';
import * as v from 'valibot';
import { startCurrencyServer } from '../cs/server.ts';

const Options = v.strictObject({
  dataDir: v.string(),
  name: v.string(),
  insurerUrl: v.string(),
  bankUrl: v.string(),
  store: v.string(),
  publicUrl: v.string(),
  now: v.number(),
});
const options = v.parse(Options, JSON.parse(process.argv[2] ?? '{}'));
const cs = await startCurrencyServer({
  dataDir: options.dataDir,
  name: options.name,
  insurerUrl: options.insurerUrl,
  bankUrl: options.bankUrl,
  store: storeAt(options.store),
  publicUrl: options.publicUrl,
  port: 0,
  now: () => options.now,
  maintenanceIntervalMs: 0,
  rateLimit: false,
});
console.log(`listening on ${cs.url}`);
const stop = () => {
  cs.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
