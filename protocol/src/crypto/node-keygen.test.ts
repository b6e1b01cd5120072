/**
 * Regression: on Node 20, `generateKeyPairSync` followed by a JWK export deadlocks the process
 * after a few thousand keys (the GC frees a key-generation job inside the export, both wanting
 * the key's mutex). The node provider's keygen must never hang, so a child process makes
 * 20,000 Ed25519 and X25519 pairs and must finish; a deadlock would be a timeout, not a hang.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PROVIDER = fileURLToPath(new URL('./node-provider.ts', import.meta.url));

const SCRIPT = `
const { nodeProvider: p } = await import(${JSON.stringify(PROVIDER)});
const seen = new Set();
for (let i = 0; i < 10000; i++) {
  const a = p.ed25519.keygen();
  const b = p.x25519.keygen();
  seen.add(Buffer.from(a.publicKey).toString('hex'));
  seen.add(Buffer.from(b.publicKey).toString('hex'));
}
console.log(seen.size);
`;

describe('node provider keygen', () => {
  it('makes 20,000 fresh key pairs without hanging, all different', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', SCRIPT],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.error).toBeUndefined();
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('20000');
  }, 90_000);
});
