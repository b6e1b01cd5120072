/**
 * A currency server's calls to its bank (paper §4: the accounting infrastructure backs every
 * coin): opening its own account (admin, zero balance) and depositing checks it received, with
 * its endorsement. Deposits are idempotent at the bank for the same check into the same account,
 * so a deposit whose reply was lost is simply repeated — at once, under the one retry policy
 * (`OUTBOUND`), while the client that caused it still waits.
 */
import {
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

/** Opens a server account at the bank with its admin token; the new account id. */
export async function openServerAccount(options: {
  readonly url: string;
  readonly adminToken: string;
  readonly signKey: string;
  readonly holder: string;
  readonly timeoutMs: number;
}): Promise<Result<string>> {
  const opened = await postJson(
    endpoint(options.url, PATHS.bank.adminAccounts),
    { signKey: options.signKey, holder: options.holder },
    OpenAccountReply,
    { timeoutMs: options.timeoutMs, headers: { authorization: `Bearer ${options.adminToken}` } },
  );
  return opened.ok ? { ok: true, value: opened.value.account } : opened;
}
