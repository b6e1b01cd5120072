/**
 * The paywall script the demo's payee handler serves is merchant-kit's bundle
 * (merchant-kit/dist/netcash-paywall.js). merchant-kit ships it built and exports no build
 * tooling, so in this tree the demo asks merchant-kit's own script to rebuild it when a source is
 * newer (`npm run paywall -w @netcash/merchant-kit -- --if-stale`): once per process, and again
 * if the bundle went missing since (packing the packages cleans their dist/).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

let ready: Promise<void> | undefined;

/** Whether the bundle is there (resolving the package's export finds the file or throws). */
function bundled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@netcash/merchant-kit/netcash-paywall.js');
    return true;
  } catch {
    return false;
  }
}

export function ensurePaywallScript(): Promise<void> {
  if (ready !== undefined && !bundled()) ready = undefined;
  ready ??= new Promise<void>((resolve, reject) => {
    const child = spawn(
      'npm',
      ['run', '--silent', 'paywall', '-w', '@netcash/merchant-kit', '--', '--if-stale'],
      // npm finds the workspace root above this package.
      { cwd: dirname(fileURLToPath(import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`the paywall script did not build (exit ${code}):\n${out}`));
    });
  }).catch((error: unknown) => {
    ready = undefined; // a later start tries again
    throw error;
  });
  return ready;
}
