/** Regenerates the error table of docs/PROTOCOL.md §9 from protocol/src/errors.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { withErrorsTable } from '../protocol/src/errors-table.ts';

const path = new URL('../docs/PROTOCOL.md', import.meta.url);
writeFileSync(path, withErrorsTable(readFileSync(path, 'utf8')));
console.log('docs/PROTOCOL.md: error table regenerated');
