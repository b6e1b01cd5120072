/**
 * A currency server's calls to its bank (paper §4: the accounting infrastructure backs every
 * coin): opening its own account (an opening signed by its account key; zero balance) and
 * depositing checks it received, with its endorsement. Like every account holder it acts with its
 * own key only. Openings and deposits are idempotent at the bank (one account per key; the same
 * check into the same account), so one whose reply was lost is simply repeated — at once, under
 * the one retry policy (`OUTBOUND`), while the client that caused it still waits.
 */
import {
  accountOpening,
  type Check,
  type CryptoProvider,
  DepositReply,
  endorseCheck,
  endpoint,
  OpenAccountReply,
  OUTBOUND,
  PATHS,
  postJson,
  type Result,
  withRetry,
} from '@netcash/protocol';
import type { Clock } from '../config.ts';
import type { NamedKeyPair } from '../keys.ts';

export interface BankClient {
  deposit(check: Check): Promise<Result<DepositReply>>;
}

export function createBankClient(options: {
  readonly p: CryptoProvider;
  readonly url: string;
  readonly accountKey: NamedKeyPair;
  readonly account: () => string;
  readonly now: Clock;
  readonly timeoutMs: number;
}): BankClient {
  const { p, url } = options;
  return {
    deposit(check) {
      const endorsement = endorseCheck(
        p,
        options.accountKey.secretKey,
        check,
        options.account(),
        options.now(),
      );
      return withRetry(OUTBOUND, () =>
        postJson(endpoint(url, PATHS.bank.deposits), { check, endorsement }, DepositReply, {
          timeoutMs: options.timeoutMs,
        }),
      );
    },
  };
}

/** Opens this server's account at the bank, signed by its account key; the account id. */
export async function openServerAccount(options: {
  readonly p: CryptoProvider;
  readonly url: string;
  readonly bank: string;
  readonly accountKey: NamedKeyPair;
  readonly holder: string;
  readonly now: Clock;
  readonly timeoutMs: number;
}): Promise<Result<string>> {
  const opening = accountOpening(options.p, options.accountKey.secretKey, {
    bank: options.bank,
    holder: options.holder,
    kind: 'server',
    date: options.now(),
  });
  const opened = await postJson(
    endpoint(options.url, PATHS.bank.accounts),
    opening,
    OpenAccountReply,
    { timeoutMs: options.timeoutMs },
  );
  return opened.ok ? { ok: true, value: opened.value.account } : opened;
}
