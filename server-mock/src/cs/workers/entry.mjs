// A currency server's worker thread: worker.ts through tsx, as bin/netcash.mjs runs the CLI (a
// worker does not inherit the loader its parent registered).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
