/**
 * A minimal payor for tests: a demo bank account, checks written to buy coins, and the
 * sealed requests of figure 3 through the protocol's `callCs`. Not a wallet (no storage, no
 * journal); it lets server and merchant tests move real money through a federation quickly.
 *
 *   const alice = await TestClient.open(fed.bank.url);
 *   const coins = await alice.buy(fed.cs[0].url, [500, 200]);
 *   const fresh = await alice.exchange(fed.cs[0].url, coins, [500, 100, 100]);
 *   const blind = await alice.buyBlind(fed.cs[0].url, [5, 5]);   // blind-rsa coins (SPEC §7)
 */
import {
  type AccountStatementBody,
  AccountStatement as AccountStatementSchema,
  type AnyCoin,
  accountOpening,
  BankInfo,
  type BlindedOutput,
  type BlindSecret,
  type Check,
  type Coin,
  type CryptoProvider,
  type CsInfo,
  CsInfo as CsInfoSchema,
  type CsOp,
  type CsRequest,
  type CsResultOf,
  type CsTarget,
  callCs,
  DepositReply,
  endorseCheck,
  endpoint,
  finishBlindCoins,
  getJson,
  NetCashError,
  OpenAccountReply,
  PATHS,
  postJson,
  prepareBlindCoins,
  type Result,
  randomId,
  randomKey,
  sign,
  TrustStore,
  unwrap,
  verify,
  writeCheck,
} from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import { systemNow } from '../config.ts';

export class TestClient {
  private readonly infos = new Map<string, CsInfo>();
  private checks = 0;

  private constructor(
    readonly p: CryptoProvider,
    readonly bankUrl: string,
    readonly bank: string,
    readonly account: string,
    readonly accountKey: { secretKey: Uint8Array; publicKey: Uint8Array },
    readonly now: () => number,
    /** The bank's statement key, as its info gave it when the account was opened. */
    readonly bankKey: string,
  ) {}

  /** Opens an account, signed by a fresh key (in demo mode with the bank's starting balance). */
  static async open(
    bankUrl: string,
    options: { holder?: string; now?: () => number; p?: CryptoProvider } = {},
  ): Promise<TestClient> {
    const p = options.p ?? nodeProvider;
    const now = options.now ?? systemNow;
    const key = p.ed25519.keygen();
    const info = unwrap(await getJson(endpoint(bankUrl, PATHS.bank.info), BankInfo));
    const opening = accountOpening(p, key.secretKey, {
      bank: info.name,
      holder: options.holder ?? 'test client',
      kind: 'customer',
      date: now(),
    });
    const opened = unwrap(
      await postJson(endpoint(bankUrl, PATHS.bank.accounts), opening, OpenAccountReply),
    );
    return new TestClient(p, bankUrl, opened.bank, opened.account, key, now, info.signKey);
  }

  /** The CS's public info (cached; `fresh` re-reads it, e.g. after a key rotation). */
  async info(csUrl: string, fresh = false): Promise<CsInfo> {
    const held = this.infos.get(csUrl);
    if (held !== undefined && !fresh) return held;
    const info = unwrap(await getJson(endpoint(csUrl, PATHS.cs.info), CsInfoSchema));
    this.infos.set(csUrl, info);
    return info;
  }

  async target(csUrl: string): Promise<CsTarget> {
    const cert = (await this.info(csUrl)).certificates[0]!.body;
    return { certId: cert.certId, encKey: cert.encKey, addresses: [csUrl] };
  }

  /** A check drawn on this client's account. */
  writeCheck(payee: string, amount: number, fields: Partial<Check['body']> = {}): Check {
    const now = this.now();
    return writeCheck(this.p, this.accountKey.secretKey, {
      bank: this.bank,
      drawer: this.account,
      payee,
      amount,
      currency: 'NCD',
      checkNo: `t-${++this.checks}-${randomId(this.p)}`,
      issued: now,
      expires: now + 30 * 86_400,
      memo: 'test',
      ...fields,
    });
  }

  /** Sends one request (retry by sending the same object again). */
  send<Op extends CsOp>(
    csUrl: string,
    request: Extract<CsRequest, { op: Op }>,
  ): Promise<Result<CsResultOf<Op>>> {
    return this.target(csUrl).then((t) => callCs(this.p, t, request));
  }

  /** A fresh request id and reply key. */
  ids(): { requestId: string; replyKey: string } {
    return { requestId: randomId(this.p), replyKey: randomKey(this.p) };
  }

  /** A buy request: a check for `Σ values` payable to the CS's account `account`. */
  buyRequest(account: string, values: number[]): Extract<CsRequest, { op: 'buy' }> {
    const check = this.writeCheck(
      account,
      values.reduce((s, v) => s + v, 0),
    );
    return { ...this.ids(), op: 'buy', instruments: [{ kind: 'check', check }], want: { values } };
  }

  /** Buys coins of `values` with a check payable to the CS. */
  async buy(csUrl: string, values: number[]): Promise<Coin[]> {
    const info = await this.info(csUrl);
    return unwrap(await this.send(csUrl, this.buyRequest(info.account, values))).coins;
  }

  exchangeRequest(
    coins: readonly AnyCoin[],
    values: number[],
  ): Extract<CsRequest, { op: 'exchange' }> {
    return {
      ...this.ids(),
      op: 'exchange',
      instruments: coins.map((coin) => ({ kind: 'coin', coin })),
      want: { values },
    };
  }

  async exchange(csUrl: string, coins: readonly AnyCoin[], values: number[]): Promise<Coin[]> {
    return unwrap(await this.send(csUrl, this.exchangeRequest(coins, values))).coins;
  }

  /**
   * A trust store with the CS's certificates and denomination keys, trusting the insurer that
   * signed them (test federations are our own; wallets configure the insurer key instead).
   */
  async trustOf(csUrl: string): Promise<TrustStore> {
    const info = await this.info(csUrl, true);
    const trust = new TrustStore(this.p, [
      ...new Set(info.certificates.map((c) => c.body.insurer)),
    ]);
    for (const cert of info.certificates) trust.addCertificate(cert);
    for (const key of info.denominationKeys ?? []) trust.addDenominationKey(key);
    return trust;
  }

  /** Blinded blind-rsa outputs of `values` for the CS at `csUrl`, with the secrets to finish. */
  async blindOutputs(
    csUrl: string,
    values: readonly number[],
  ): Promise<{ trust: TrustStore; blinded: BlindedOutput[]; secrets: BlindSecret[] }> {
    const trust = await this.trustOf(csUrl);
    const info = await this.info(csUrl);
    const addr = info.certificates[0]!.body.addresses[0]!;
    const prepared = unwrap(
      prepareBlindCoins(this.p, trust, { cs: info.csName, addr }, values, this.now()),
    );
    return { trust, ...prepared };
  }

  /** A buy of blind-rsa coins of `blind` and nc1 coins of `plain`, with what `finish` needs. */
  async blindBuyRequest(csUrl: string, blind: number[], plain: number[] = []) {
    const info = await this.info(csUrl);
    const out = await this.blindOutputs(csUrl, blind);
    const request = this.buyRequest(info.account, [...plain, ...blind]);
    return {
      ...out,
      request: { ...request, want: { values: plain, blinded: out.blinded } } satisfies Extract<
        CsRequest,
        { op: 'buy' }
      >,
    };
  }

  /** An exchange of `coins` for blind-rsa coins of `blind` and nc1 coins of `plain`. */
  async blindExchangeRequest(
    csUrl: string,
    coins: readonly AnyCoin[],
    blind: number[],
    plain: number[] = [],
  ) {
    const out = await this.blindOutputs(csUrl, blind);
    const request = this.exchangeRequest(coins, plain);
    return {
      ...out,
      request: { ...request, want: { values: plain, blinded: out.blinded } } satisfies Extract<
        CsRequest,
        { op: 'exchange' }
      >,
    };
  }

  /** The coins of a buy or exchange result: its nc1 coins, then the finished blind-rsa coins. */
  finish(
    prepared: { trust: TrustStore; secrets: BlindSecret[] },
    result: { coins: Coin[]; blindSigs?: string[] },
  ): AnyCoin[] {
    const blind = unwrap(finishBlindCoins(prepared.trust, prepared.secrets, result.blindSigs));
    return [...result.coins, ...blind];
  }

  /** Buys blind-rsa coins of `blind` (and nc1 coins of `plain`). */
  async buyBlind(csUrl: string, blind: number[], plain: number[] = []): Promise<AnyCoin[]> {
    const prepared = await this.blindBuyRequest(csUrl, blind, plain);
    return this.finish(prepared, unwrap(await this.send(csUrl, prepared.request)));
  }

  /** Exchanges coins of any scheme for blind-rsa coins of `blind` (and nc1 coins of `plain`). */
  async exchangeBlind(
    csUrl: string,
    coins: readonly AnyCoin[],
    blind: number[],
    plain: number[] = [],
  ): Promise<AnyCoin[]> {
    const prepared = await this.blindExchangeRequest(csUrl, coins, blind, plain);
    return this.finish(prepared, unwrap(await this.send(csUrl, prepared.request)));
  }

  /** Cashes coins into a check payable to this client (or `payee`). */
  async cashout(csUrl: string, coins: readonly AnyCoin[], payee = this.account): Promise<Check> {
    const result = await this.send(csUrl, {
      ...this.ids(),
      op: 'cashout',
      instruments: coins.map((coin) => ({ kind: 'coin', coin })),
      want: { bank: this.bank, payee, memo: 'cashout' },
    });
    return unwrap(result).check;
  }

  /** Deposits a check payable to this client. */
  async deposit(check: Check): Promise<DepositReply> {
    const endorsement = endorseCheck(
      this.p,
      this.accountKey.secretKey,
      check,
      this.account,
      this.now(),
    );
    return unwrap(
      await postJson(
        endpoint(this.bankUrl, PATHS.bank.deposits),
        { check, endorsement },
        DepositReply,
      ),
    );
  }

  /** Balance and history through a signed account request; the bank's signature checked. */
  async statement(): Promise<AccountStatementBody> {
    const nonce = randomId(this.p);
    const request = sign(this.p, this.accountKey.secretKey, {
      type: 'account-request',
      bank: this.bank,
      account: this.account,
      nonce,
      date: this.now(),
    });
    const signed = unwrap(
      await postJson(endpoint(this.bankUrl, PATHS.bank.statement), request, AccountStatementSchema),
    );
    if (!verify(this.p, this.bankKey, signed) || signed.body.nonce !== nonce) {
      throw new NetCashError('bad-statement', 'the statement is not signed by the bank');
    }
    return signed.body;
  }

  async balance(): Promise<number> {
    return (await this.statement()).balance;
  }
}

/** The refusal code of a failed result (tests: `expect(codeOf(r)).toBe('double-spent')`). */
export function codeOf(result: Result<unknown>): string {
  if (result.ok) return 'ok';
  return result.error instanceof NetCashError ? result.error.code : 'internal';
}
