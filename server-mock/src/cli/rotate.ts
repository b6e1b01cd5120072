/**
 * `netcash cs rotate`: the CS operator's key rotation (docs/PROTOCOL.md §3.1, §4.7). A running
 * CS makes a new key pair and obtains a new certificate now, through its admin endpoint with the
 * operator's token from the CS's own data folder; coins of older certificates stay redeemable.
 * Revocation is the insurer operator's (`netcash insurer revoke`); a CS replaces a revoked
 * certificate or key at its next maintenance, or at once with this command.
 */
import { join } from 'node:path';
import { readTextFile } from '../datadir.ts';
import { UsageError } from './args.ts';
import { COMMON, type Command } from './serve.ts';

export const csRotateCommand: Command = {
  usage: 'netcash cs rotate [options]',
  about:
    'Asks a running currency server to make a new key pair and obtain a new certificate of\n' +
    'insurance now. New coins are signed under it; coins of older certificates stay\n' +
    "redeemable. The CS operator's token comes from DATA/<name>/admin-token unless given.",
  flags: [
    ...COMMON,
    { name: 'url', help: 'the CS', env: 'NETCASH_CS', fallback: 'http://127.0.0.1:7402' },
    { name: 'token', help: "the CS operator's token", env: 'NETCASH_CS_ADMIN_TOKEN' },
  ],
  async run(args) {
    const { CsInfo, endpoint, getJson, PATHS, postJson } = await import('@netcash/protocol');
    const v = await import('valibot');
    const url = args.get('url')!;
    const info = await getJson(endpoint(url, PATHS.cs.info), CsInfo);
    if (!info.ok) {
      console.error(`${url}: not reachable (${info.error.message})`);
      return 2;
    }
    const name = info.value.csName;
    const token =
      args.get('token') ?? readTextFile(join(args.get('data')!, name, 'admin-token'))?.trim();
    if (!token) throw new UsageError(`no admin token for ${name}: use --token`);
    const rotated = await postJson(
      endpoint(url, PATHS.cs.adminRotate),
      {},
      v.strictObject({ certId: v.string(), previous: v.string() }),
      { headers: { authorization: `Bearer ${token}` }, timeoutMs: 60_000 },
    );
    if (!rotated.ok) {
      console.error(`${name}: ${rotated.error.code}: ${rotated.error.message}`);
      return 1;
    }
    console.log(`${name}: new certificate ${rotated.value.certId} (was ${rotated.value.previous})`);
    return 0;
  },
};
