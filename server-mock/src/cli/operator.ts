/**
 * The insurer's operator (SPEC §11): `netcash insurer register | registrations | revoke`. They
 * call the insurer's admin endpoints (docs/PROTOCOL.md §7) with the admin token from the
 * insurer's own data folder, so they run on the insurer's side; no other party holds that token.
 *
 *   netcash insurer register --name cs3 --enrollment-key KEY --bank bank --account ACCT \
 *     --mint-limit 100000000          the CS may now obtain certificates under that name only
 *     [--ends 2027-06-30]             …until then: its insurance ends (a CS withdrawn)
 *   netcash insurer revoke --cert CERT_ID --reason "key lost"
 */
import { UsageError } from './args.ts';
import { COMMON, type Command, tokenOf } from './serve.ts';

const OPERATOR = [
  ...COMMON,
  {
    name: 'insurer',
    help: 'insurer URL',
    env: 'NETCASH_INSURER',
    fallback: 'http://127.0.0.1:7400',
  },
  {
    name: 'insurer-name',
    help: 'the insurer, for its admin token in DATA/<insurer-name>/admin-token',
    fallback: 'insurer',
  },
  {
    name: 'admin-token',
    help: "the insurer's admin token (default: from its data folder)",
    env: 'NETCASH_ADMIN_TOKEN',
  },
];

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${flag} is required`);
  return value;
}

/** `--ends`: an ISO 8601 date or time, in seconds since the epoch. */
function endOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--ends must be an ISO date or time, like 2027-06-30 (got ${value})`);
  }
  return Math.floor(ms / 1000);
}

const endsText = (ends: number | undefined) =>
  ends === undefined ? '' : `; insurance ends ${new Date(ends * 1000).toISOString()}`;

export const registerCommand: Command = {
  usage:
    'netcash insurer register --name CS --enrollment-key KEY --bank BANK --account ACCOUNT --mint-limit CENTS [options]',
  about:
    'Registers a currency server at the insurer (or replaces its registration): the name it\n' +
    'certifies, the enrollment key its requests are signed with, the bank account backing its\n' +
    'coins and the mint limit, all chosen here. `netcash cs --application` prints the values a\n' +
    "CS needs; the mint limit is the insurer's decision. A changed registration applies from\n" +
    "the CS's next certificate (revoke the current one to apply it at once).",
  flags: [
    ...OPERATOR,
    { name: 'name', help: 'currency server name' },
    { name: 'enrollment-key', help: "the CS's enrollment key (base64url Ed25519)" },
    { name: 'bank', help: 'bank name', fallback: 'bank' },
    { name: 'account', help: "the CS's account at that bank" },
    { name: 'currency', help: 'currency', fallback: 'NCD' },
    { name: 'mint-limit', help: 'most value the CS may have outstanding, in cents' },
    {
      name: 'ends',
      help: "when the CS's insurance ends, an ISO date or time (withdrawing it, PROTOCOL §4.7)",
    },
  ],
  async run(args) {
    const { endpoint, PATHS, postJson, Registration } = await import('@netcash/protocol');
    const limit = args.int('mint-limit');
    if (limit === undefined) throw new UsageError('--mint-limit is required');
    const ends = endOf(args.get('ends'));
    const registration = {
      csName: required(args.get('name'), 'name'),
      enrollmentKey: required(args.get('enrollment-key'), 'enrollment-key'),
      bank: required(args.get('bank'), 'bank'),
      account: required(args.get('account'), 'account'),
      currency: required(args.get('currency'), 'currency'),
      mintLimit: limit,
      ...(ends === undefined ? {} : { ends }),
    };
    const token = tokenOf(args, 'admin-token', args.get('insurer-name')!, 'admin-token');
    const done = await postJson(
      endpoint(args.get('insurer')!, PATHS.insurer.adminRegistrations),
      registration,
      Registration,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!done.ok) throw done.error;
    console.log(
      `registered ${done.value.csName}: account ${done.value.account} at ${done.value.bank}, ` +
        `mint limit ${done.value.mintLimit} ${done.value.currency}${endsText(done.value.ends)}`,
    );
    return 0;
  },
};

export const registrationsCommand: Command = {
  usage: 'netcash insurer registrations [options]',
  about: 'Lists the currency servers registered at the insurer, with their accounts and limits.',
  flags: OPERATOR,
  async run(args) {
    const { endpoint, getJson, PATHS, RegistrationList } = await import('@netcash/protocol');
    const token = tokenOf(args, 'admin-token', args.get('insurer-name')!, 'admin-token');
    const list = await getJson(
      endpoint(args.get('insurer')!, PATHS.insurer.adminRegistrations),
      RegistrationList,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!list.ok) throw list.error;
    for (const r of list.value.registrations) {
      console.log(
        `${r.csName}  account ${r.account} at ${r.bank}  mint limit ${r.mintLimit} ${r.currency}  key ${r.enrollmentKey}${endsText(r.ends)}`,
      );
    }
    return 0;
  },
};

export const revokeCommand: Command = {
  usage: 'netcash insurer revoke --cert CERT_ID --reason TEXT [options]',
  about: 'Revokes a certificate of insurance or a denomination key (its key id) at the insurer.',
  flags: [
    ...OPERATOR,
    { name: 'cert', help: 'certificate id or denomination key id' },
    { name: 'reason', help: 'why (at most 140 characters)', fallback: 'revoked by the operator' },
  ],
  async run(args) {
    const { endpoint, PATHS, postJson, RevocationList } = await import('@netcash/protocol');
    const token = tokenOf(args, 'admin-token', args.get('insurer-name')!, 'admin-token');
    const list = await postJson(
      endpoint(args.get('insurer')!, PATHS.insurer.adminRevoke),
      { certId: required(args.get('cert'), 'cert'), reason: args.get('reason')! },
      RevocationList,
      { headers: { authorization: `Bearer ${token}` } },
    );
    if (!list.ok) throw list.error;
    console.log(`revoked ${args.get('cert')}; revocation list seq ${list.value.body.seq}`);
    return 0;
  },
};
