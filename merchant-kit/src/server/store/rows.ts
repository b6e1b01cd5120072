/**
 * Rows of the merchant store's tables and their mapping to the store's types. Signed objects are
 * kept as JSON text written by this module from decoded, typed values, so reading them back is
 * trusted; BIGINT columns are read with `int` (pg returns them as strings).
 */
import type {
  CashoutRequest,
  Check,
  Coin,
  CsTarget,
  DepositReply,
  Message2,
  PaymentReceipt,
} from '@netcash/protocol';
import { int } from '@netcash/server-kit';
import type {
  Cashout,
  CashoutState,
  CompletedPayment,
  HeldCoin,
  JournalExchange,
  PendingPayment,
  WriteOff,
} from './types.ts';

export interface JournalRow {
  request_id: string;
  digest: string;
  receipt: string;
  session_key: string;
  reply_key: string;
  exchanges: string;
  created: unknown;
}
export interface PaymentRow {
  request_id: string;
  digest: string;
  tid: string;
  reply: string;
}
export interface ReceiptRow {
  tid: string;
  sid: string;
  amount: unknown;
  currency: string;
  date: unknown;
  session_key: string;
  receipt: string;
}
export interface CoinRow {
  serial: string;
  value: unknown;
  currency: string;
  expires: unknown;
  coin: string;
}
export interface CashoutRow {
  id: string;
  parent: string | null;
  amount: unknown;
  currency: string;
  state: string;
  target: string;
  request: string;
  check_json: string | null;
  deposit: string | null;
  error: string | null;
  created: unknown;
  completed: unknown;
}
export interface WriteOffRow {
  serial: string;
  value: unknown;
  currency: string;
  reason: string;
  message: string;
  cashout_id: string;
  date: unknown;
  coin: string;
}
export interface SessionRow {
  enc_public: string;
  enc_secret: string;
  sign_public: string;
  sign_secret: string;
  sid: string;
  expires: unknown;
}

// Rows were written by this module from decoded, typed values: parsing them back is trusted.
export const parse = <T>(text: string): T => JSON.parse(text) as T;

export function journalOf(r: JournalRow): PendingPayment {
  return {
    requestId: r.request_id,
    digest: r.digest,
    receipt: parse<PaymentReceipt>(r.receipt),
    sessionKey: r.session_key,
    replyKey: r.reply_key,
    exchanges: parse<JournalExchange[]>(r.exchanges),
    created: int(r.created),
  };
}

export function paymentOf(r: PaymentRow): CompletedPayment {
  return { requestId: r.request_id, digest: r.digest, tid: r.tid, reply: parse<Message2>(r.reply) };
}

export function coinOf(r: CoinRow): HeldCoin {
  return {
    serial: r.serial,
    value: int(r.value),
    currency: r.currency,
    expires: int(r.expires),
    coin: parse<Coin>(r.coin),
  };
}

export function cashoutOf(r: CashoutRow): Cashout {
  return {
    id: r.id,
    parent: r.parent,
    amount: int(r.amount),
    currency: r.currency,
    state: r.state as CashoutState,
    target: parse<CsTarget>(r.target),
    request: parse<CashoutRequest>(r.request),
    check: r.check_json === null ? null : parse<Check>(r.check_json),
    deposit: r.deposit === null ? null : parse<DepositReply>(r.deposit),
    error: r.error,
    created: int(r.created),
    completed: r.completed === null ? null : int(r.completed),
  };
}

export function writeOffOf(r: WriteOffRow): WriteOff {
  return {
    serial: r.serial,
    value: int(r.value),
    currency: r.currency,
    reason: r.reason,
    message: r.message,
    cashoutId: r.cashout_id,
    date: int(r.date),
    coin: parse<Coin>(r.coin),
  };
}
