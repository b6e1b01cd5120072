/**
 * `netcash audit`: the federation audit from the command line (audit/audit.ts). Reads what the
 * insurer certified, then the books of each bank and of every currency server the insurer
 * certified (at its certificate's address), with each server's audit token (from its folder in
 * the data folder unless given), and what the merchants named with --merchant hold (their
 * /netcash/admin/holdings.json, with the publisher's admin token), and exits non-zero with the
 * list of differences.
 */
import { join } from 'node:path';
import { readTextFile } from '../datadir.ts';
import { UsageError } from './args.ts';
import { COMMON, type Command } from './serve.ts';

/** `NAME=TOKEN` pairs of a repeated flag. */
function pairs(values: readonly string[], flag: string): Map<string, string> {
  return new Map(
    values.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new UsageError(`--${flag} wants NAME=TOKEN`);
      return [pair.slice(0, at), pair.slice(at + 1)] as const;
    }),
  );
}

export const auditCommand: Command = {
  usage: 'netcash audit [options]',
  about:
    'Checks the books of the federation against what the insurer certified: for each currency\n' +
    'server minted = outstanding + redeemed + expired, outstanding and pending mints within the\n' +
    "insurer's mint limit, backed by its certified account's balance net of uncleared checks, and\n" +
    'the checks it deposited the ones its bank cleared; each bank ledger sums to zero and no\n' +
    'customer account is negative. With --merchant, what each merchant holds counts in: its coins\n' +
    "within their issuers' outstanding value, the checks it waits on among those the CS wrote.\n" +
    "Audit tokens come from DATA/<server>/audit-token unless given; a merchant's admin token\n" +
    'from --merchant-token or DATA/publisher/admin-token (the demo publisher of `npm start`).',
  flags: [
    ...COMMON,
    {
      name: 'insurer',
      help: 'insurer URL',
      env: 'NETCASH_INSURER',
      fallback: 'http://127.0.0.1:7400',
    },
    {
      name: 'insurer-key',
      help: 'trusted insurer key (default: asked from the insurer)',
      env: 'NETCASH_INSURER_KEY',
    },
    {
      name: 'bank',
      help: 'bank URLs, comma-separated or repeated',
      env: 'NETCASH_BANK',
      multiple: true,
      fallback: 'http://127.0.0.1:7401',
    },
    {
      name: 'bank-token',
      help: 'audit token per bank as NAME=TOKEN, comma-separated or repeated',
      env: 'NETCASH_BANK_TOKENS',
      multiple: true,
    },
    {
      name: 'cs-token',
      help: 'audit token per CS as NAME=TOKEN, comma-separated or repeated',
      env: 'NETCASH_CS_TOKENS',
      multiple: true,
    },
    {
      name: 'merchant',
      help: 'merchant (publisher) URLs whose holdings count in, comma-separated or repeated',
      env: 'NETCASH_MERCHANTS',
      multiple: true,
    },
    {
      name: 'merchant-token',
      help: "a merchant's admin token as URL=TOKEN, repeated",
      env: 'NETCASH_MERCHANT_TOKENS',
      multiple: true,
    },
  ],
  async run(args) {
    const { BankInfo, endpoint, getJson, MerchantHoldings, PATHS } = await import(
      '@netcash/protocol'
    );
    const { auditFederation } = await import('../audit/audit.ts');
    const { backingOf } = await import('../audit/checks.ts');
    const data = args.get('data')!;
    const fromFolder = (server: string) =>
      readTextFile(join(data, server, 'audit-token'))?.trim() || undefined;
    const bankTokens = pairs(args.all('bank-token'), 'bank-token');
    const csTokens = pairs(args.all('cs-token'), 'cs-token');
    const banks = [];
    for (const url of args.all('bank')) {
      const info = await getJson(endpoint(url, PATHS.bank.info), BankInfo);
      if (!info.ok) {
        console.error(`${url}: not reachable (${info.error.message})`);
        return 2;
      }
      const name = info.value.name;
      const token = bankTokens.get(name) ?? fromFolder(name);
      if (!token)
        throw new UsageError(`no audit token for ${name}: use --bank-token ${name}=TOKEN`);
      banks.push({ url, token });
    }
    const merchantTokens = pairs(args.all('merchant-token'), 'merchant-token');
    const merchants = [];
    for (const url of args.all('merchant')) {
      const token =
        merchantTokens.get(url) ?? readTextFile(join(data, 'publisher', 'admin-token'))?.trim();
      if (!token) {
        throw new UsageError(`no admin token for ${url}: use --merchant-token ${url}=TOKEN`);
      }
      const holdings = await getJson(
        endpoint(url, '/netcash/admin/holdings.json'),
        MerchantHoldings,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      if (!holdings.ok) {
        console.error(`${url}: holdings not readable (${holdings.error.message})`);
        return 2;
      }
      merchants.push(holdings.value);
      const coins = Object.entries(holdings.value.coins).map(([cs, value]) => `${value} of ${cs}`);
      const waiting = holdings.value.checks.reduce((sum, c) => sum + c.amount, 0);
      console.log(
        `${holdings.value.name} at ${url}: holds ${coins.join(', ') || 'no coins'}; ` +
          `${holdings.value.checks.length} checks worth ${waiting} not deposited yet`,
      );
    }
    const insurerKey = args.get('insurer-key');
    const report = await auditFederation({
      insurer: {
        url: args.get('insurer')!,
        ...(insurerKey === undefined ? {} : { signKey: insurerKey }),
      },
      banks,
      csToken: (name) => csTokens.get(name) ?? fromFolder(name),
      merchants,
    });
    for (const b of report.cs) {
      const limit = report.insured.find((c) => c.csName === b.csName)?.mintLimit;
      console.log(
        `${b.csName}: outstanding ${b.outstanding.count} coins worth ${b.outstanding.value} ` +
          `(mint limit ${limit ?? '?'} set by the insurer), minted ${b.minted}, redeemed ${b.redeemed}, ` +
          `expired ${b.expired}, pending ${b.pending.count} mints worth ${b.pending.value}, ` +
          `deposited ${b.deposited}`,
      );
      // Where value went over time (PROTOCOL §4.7) and what backs what is left.
      const revoked = b.revoked ?? { count: 0, value: 0 };
      console.log(
        `  over time: ${b.expired} expired unredeemed, ${b.late ?? 0} redeemed late, ${b.recouped ?? 0} recouped, ${revoked.value} still owed under revoked keys (${revoked.count} coins)`,
      );
      const bank = report.banks.find((k) => k.name === b.bank);
      const backing = bank === undefined ? null : backingOf(b, bank);
      if (backing !== null) {
        console.log(
          `  backing: balance ${backing.balance} = ${backing.owed} outstanding + ${backing.uncleared} uncleared checks + ${backing.surplus} surplus`,
        );
      }
    }
    for (const bank of report.banks) {
      console.log(`${bank.name}: ${bank.accounts.length} accounts, ledger sum ${bank.ledgerSum}`);
    }
    for (const note of report.notes) console.log(`note: ${note}`);
    if (report.ok) {
      console.log('audit: the books balance');
      return 0;
    }
    for (const p of report.problems) console.log(`difference: ${p}`);
    console.log(`audit: ${report.problems.length} difference(s)`);
    return 1;
  },
};
