/** Writes protocol/test-vectors/nc1.json (run: `npx tsx protocol/src/vectors/make-vectors.ts`). */
import { writeFileSync } from 'node:fs';
import { nodeProvider } from '../crypto/node-provider.ts';
import { nc1Vectors } from './nc1-vectors.ts';

const path = new URL('../../test-vectors/nc1.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(nc1Vectors(nodeProvider), null, 2)}\n`);
console.log(`wrote ${path.pathname}`);
