/**
 * Writes protocol/test-vectors/nc1.json and blind-rsa.json
 * (run: `npx tsx protocol/src/vectors/make-vectors.ts`).
 */
import { writeFileSync } from 'node:fs';
import { nodeProvider } from '../crypto/node-provider.ts';
import { blindRsaVectors } from './blind-rsa-vectors.ts';
import { nc1Vectors } from './nc1-vectors.ts';

for (const [name, vectors] of [
  ['nc1.json', nc1Vectors(nodeProvider)],
  ['blind-rsa.json', blindRsaVectors(nodeProvider)],
] as const) {
  const path = new URL(`../../test-vectors/${name}`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(vectors, null, 2)}\n`);
  console.log(`wrote ${path.pathname}`);
}
