/**
 * The `netcash` command line (bin/netcash.mjs runs this file through tsx):
 *
 *   netcash up        the whole federation on localhost
 *   netcash insurer   |  bank  |  cs     one server
 *   netcash audit     the books of the federation
 *   netcash migrate   a server's database schema, as a step of its own (docs/SCALING.md)
 *
 * `--help` on every command. Logs are JSON lines on stderr (NETCASH_LOG=silent|error|info|debug);
 * what a person needs (URLs, the insurer key, audit results) is printed on stdout.
 */
import { runCli } from './run.ts';

runCli(process.argv.slice(2)).then((code) => {
  process.exit(code);
});
