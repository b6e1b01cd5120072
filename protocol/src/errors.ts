/**
 * The one registry of error codes for the whole product (servers, merchant-kit, wallet, bridge).
 *
 * A code is a stable kebab-case string that clients branch on; the message is for people and may
 * change. Each code carries the HTTP status servers answer with and a numeric code for the page
 * bridge in the EIP-1193 style (4001 user rejected, 4100 unauthorized, 4200 unsupported, 4900
 * disconnected; -32602 invalid params, -32603 internal; 5xxx are NetCash's own).
 *
 * Wire form of every refusal: `{"error": {"code": "...", "message": "...", "detail"?: {...}}}`.
 */

interface CodeInfo {
  /** HTTP status a server answers with. */
  readonly status: number;
  /** Numeric code for the page bridge (EIP-1193 style). */
  readonly rpc: number;
  /** What the code means, in words a user could read. */
  readonly text: string;
}

export const ERROR_CODES = {
  // Input
  malformed: { status: 400, rpc: -32602, text: 'The message is not well formed.' },
  'too-large': { status: 413, rpc: -32602, text: 'The message is too large.' },
  'unsupported-op': { status: 400, rpc: 4200, text: 'This operation is not supported.' },
  'unsupported-scheme': { status: 400, rpc: 4200, text: 'This coin scheme is not supported.' },
  'decrypt-failed': {
    status: 400,
    rpc: -32602,
    text: 'The sealed message could not be opened with this key.',
  },
  'not-found': { status: 404, rpc: 4200, text: 'No such resource.' },
  'method-not-allowed': { status: 405, rpc: 4200, text: 'Method not allowed.' },

  // Signatures, certificates, coins
  'bad-signature': { status: 400, rpc: 5010, text: 'A signature does not verify.' },
  'unknown-cert': { status: 400, rpc: 5011, text: 'The certificate is not known.' },
  'untrusted-cert': {
    status: 400,
    rpc: 5012,
    text: 'The certificate is not signed by a trusted insurer or does not match.',
  },
  revoked: { status: 400, rpc: 5013, text: 'The certificate has been revoked.' },
  expired: { status: 400, rpc: 5014, text: 'It has expired.' },
  'not-yet-valid': { status: 400, rpc: 5015, text: 'It is not valid yet.' },
  'wrong-currency': { status: 400, rpc: 5016, text: 'The currency does not match.' },
  'wrong-amount': { status: 400, rpc: 5017, text: 'The amounts do not add up.' },
  'bad-denomination': { status: 400, rpc: 5018, text: 'A requested coin value is not offered.' },
  'double-spent': { status: 409, rpc: 5002, text: 'A coin has already been spent.' },
  locked: { status: 403, rpc: 5019, text: 'A coin is locked to another owner or time window.' },
  'foreign-coin': {
    status: 400,
    rpc: 5020,
    text: 'A coin was minted by another currency server.',
  },
  'weak-key': {
    status: 400,
    rpc: 5021,
    text: 'A public key is not usable: of small order, not canonical, or all zero.',
  },
  'already-signed': {
    status: 409,
    rpc: 5022,
    text: 'A blinded message was already signed in another request; blind a new one.',
  },

  // Idempotency and limits
  'request-id-reused': {
    status: 409,
    rpc: 5030,
    text: 'This request id was already used for a different request.',
  },
  'limit-exceeded': { status: 403, rpc: 5031, text: 'A limit would be exceeded.' },
  'rate-limited': { status: 429, rpc: 5032, text: 'Too many requests; try again later.' },

  // Bank
  'insufficient-funds': { status: 402, rpc: 5001, text: 'Not enough funds.' },
  'check-cleared': { status: 409, rpc: 5040, text: 'This check has already been cleared.' },
  'wrong-payee': { status: 400, rpc: 5041, text: 'The check is payable to someone else.' },
  'unknown-account': { status: 404, rpc: 5042, text: 'No such account.' },
  'bad-statement': {
    status: 502,
    rpc: 5043,
    text: 'The bank statement is not signed by your bank, or does not answer the request made.',
  },
  unauthorized: { status: 401, rpc: 4100, text: 'Not authorized.' },

  // Payments and access (merchant)
  'unknown-offer': { status: 404, rpc: 5050, text: 'The offer is unknown or has expired.' },
  'unknown-transaction': { status: 404, rpc: 5051, text: 'No such transaction.' },
  'bad-proof': { status: 403, rpc: 5052, text: 'The access proof is not valid.' },
  'challenge-used': {
    status: 403,
    rpc: 5054,
    text: 'This access challenge was already used; prove again with a fresh one.',
  },
  'not-accepted': {
    status: 400,
    rpc: 5053,
    text: 'These coins are not accepted by this merchant.',
  },
  'payment-refunded': {
    status: 409,
    rpc: 5054,
    text: 'The payment could not be completed; the value taken was returned to the wallet.',
  },

  // Wallet and bridge
  'user-rejected': { status: 400, rpc: 4001, text: 'The payment was declined.' },
  'origin-mismatch': {
    status: 403,
    rpc: 4100,
    text: 'The offer asks to pay a site other than the page.',
  },
  'no-wallet': { status: 400, rpc: 4900, text: 'No NetCash wallet answered.' },
  'wallet-not-ready': { status: 400, rpc: 4900, text: 'The wallet is not set up yet.' },
  busy: { status: 409, rpc: 5060, text: 'Another operation is in progress.' },
  pending: {
    status: 409,
    rpc: 5061,
    text: 'Sent and not answered yet: it completes by itself and is never charged twice.',
  },
  'cs-stopped': {
    status: 409,
    rpc: 5069,
    text: 'You stopped using this currency server: the wallet takes no new coins from it.',
  },
  'bad-phrase': {
    status: 400,
    rpc: 5070,
    text: 'The recovery phrase is not valid: check the words and their order.',
  },
  'wallet-in-use': {
    status: 409,
    rpc: 5071,
    text: 'This wallet already holds money or accounts: restore a phrase into a new wallet.',
  },
  'bad-backup': {
    status: 400,
    rpc: 5072,
    text: 'This is not a NetCash backup file, or it is damaged.',
  },
  'wrong-passphrase': {
    status: 400,
    rpc: 5073,
    text: 'The passphrase does not open this backup (or the file was changed).',
  },

  // Infrastructure
  'upstream-unavailable': {
    status: 502,
    rpc: 4900,
    text: 'A server this operation depends on could not be reached.',
  },
  timeout: { status: 504, rpc: 4900, text: 'The operation timed out.' },
  internal: { status: 500, rpc: -32603, text: 'Internal error.' },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** The wire form of an error. */
export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A refusal with a stable code. Thrown inside a component, sent as `ErrorBody` across one. */
export class NetCashError extends Error {
  override readonly name = 'NetCashError';
  readonly code: ErrorCode;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message?: string, detail?: Readonly<Record<string, unknown>>) {
    super(message ?? ERROR_CODES[code].text);
    this.code = code;
    this.detail = detail;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toBody(): ErrorBody {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }

  static fromBody(body: ErrorBody): NetCashError {
    return new NetCashError(body.code, body.message, body.detail);
  }
}

/** Outcome of a decoder or a check: a typed value or a typed error, never an exception. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: NetCashError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(
  code: ErrorCode,
  message?: string,
  detail?: Readonly<Record<string, unknown>>,
): Result<T> {
  return { ok: false, error: new NetCashError(code, message, detail) };
}

/** Unwraps a result, throwing its NetCashError. For code paths that propagate refusals. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** Any thrown value as a NetCashError (unknown exceptions become `internal`). */
export function asNetCashError(thrown: unknown): NetCashError {
  if (thrown instanceof NetCashError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new NetCashError('internal', message);
}
