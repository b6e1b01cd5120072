/**
 * The `netcash-demo` command line (bin/netcash-demo.mjs runs this file through tsx; `npm start`
 * builds the wallet first and then runs it). Logs are JSON lines on stderr; the printout — URLs,
 * the insurer and bank keys — on stdout.
 */
import { runCommand } from '@netcash/server';
import { demoCommand } from './up.ts';

runCommand('netcash-demo', demoCommand, process.argv.slice(2)).then((code) => {
  process.exit(code);
});
