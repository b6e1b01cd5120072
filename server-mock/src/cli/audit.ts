/**
 * `netcash audit`: the federation audit from the command line. Reads the bank's and each
 * currency server's books through their admin endpoints (tokens from the data folder or flags)
 * and exits non-zero with the list of differences.
 */
import { join } from 'node:path';
import { readTextFile } from '../datadir.ts';
import { UsageError } from './args.ts';
import { COMMON, type Command, tokenOf } from './serve.ts';

export const auditCommand: Command = {
  usage: 'netcash audit [options]',
  about:
    'Checks the books of the federation: for each currency server minted = outstanding +\n' +
    'redeemed + expired and outstanding value backed by its bank balance net of uncleared\n' +
    'checks; the bank ledger sums to zero and no customer account is negative.\n' +
    'Admin tokens come from DATA/<server>/admin-token unless given.',
  flags: [
    ...COMMON,
    { name: 'bank', help: 'bank URL', env: 'NETCASH_BANK', fallback: 'http://127.0.0.1:7401' },
    {
      name: 'cs',
      help: 'currency server URLs, comma-separated or repeated',
      env: 'NETCASH_CS',
      multiple: true,
      fallback: 'http://127.0.0.1:7402,http://127.0.0.1:7403',
    },
    { name: 'bank-token', help: 'bank admin token', env: 'NETCASH_BANK_TOKEN' },
    {
      name: 'cs-token',
      help: 'admin token per CS as NAME=TOKEN, comma-separated or repeated',
      env: 'NETCASH_CS_TOKENS',
      multiple: true,
    },
  ],
  async run(args) {
    const { CsInfo, endpoint, getJson, PATHS } = await import('@netcash/protocol');
    const { auditFederation } = await import('../audit/audit.ts');
    const given = new Map(
      args.all('cs-token').map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new UsageError('--cs-token wants NAME=TOKEN');
        return [pair.slice(0, at), pair.slice(at + 1)] as const;
      }),
    );
    const cs = [];
    for (const url of args.all('cs')) {
      const info = await getJson(endpoint(url, PATHS.cs.info), CsInfo);
      if (!info.ok) {
        console.error(`${url}: not reachable (${info.error.message})`);
        return 2;
      }
      const name = info.value.csName;
      const token =
        given.get(name) ?? readTextFile(join(args.get('data')!, name, 'admin-token'))?.trim();
      if (!token) throw new UsageError(`no admin token for ${name}: use --cs-token ${name}=TOKEN`);
      cs.push({ url, adminToken: token });
    }
    const report = await auditFederation({
      bank: { url: args.get('bank')!, adminToken: tokenOf(args, 'bank-token', 'bank') },
      cs,
    });
    for (const b of report.cs) {
      console.log(
        `${b.csName}: outstanding ${b.outstanding.count} coins worth ${b.outstanding.value}, minted ${b.minted}, redeemed ${b.redeemed}, expired ${b.expired}`,
      );
    }
    if (report.bank !== undefined) {
      console.log(
        `${report.bank.name}: ${report.bank.accounts.length} accounts, ledger sum ${report.bank.ledgerSum}`,
      );
    }
    if (report.ok) {
      console.log('audit: the books balance');
      return 0;
    }
    for (const p of report.problems) console.log(`difference: ${p}`);
    console.log(`audit: ${report.problems.length} difference(s)`);
    return 1;
  },
};
