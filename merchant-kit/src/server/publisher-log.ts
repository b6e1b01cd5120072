/**
 * The publisher's log, in a publisher's words: what happened to their money, not what a protocol
 * step returned. Each function words one event and writes it to the paywall's logger (the one
 * logging mechanism of NetCash's servers, @netcash/server-kit): `warn` for what needs a person
 * (value written off, a refusal nobody expected); `info` for what the software finishes by itself
 * — a server that did not answer, a shopper's wallet taking its coins back.
 */
import type { NetCashError, PaymentRefund } from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import type { CashoutSummary } from './cashout.ts';
import type { Cashout, PendingPayment, Redemption, WriteOff } from './store/types.ts';

/** Minor units as money: `0.25 NCD`. */
export function money(amount: number, currency: string | null): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency ?? ''}`.trimEnd();
}

/** Why a currency server refuses a coin, in words. */
export function reasonWords(code: string): string {
  switch (code) {
    case 'double-spent':
      return 'already spent';
    case 'expired':
      return 'expired';
    case 'revoked':
      return 'its certificate was revoked by the insurer';
    case 'unknown-cert':
      return 'its certificate is not known to the currency server';
    case 'untrusted-cert':
      return 'its certificate is not from a trusted insurer';
    case 'bad-signature':
      return 'its signature does not verify';
    default:
      return code;
  }
}

const total = (ws: readonly WriteOff[]) => ws.reduce((s, w) => s + w.value, 0);

export function cashoutSummary(log: Logger, s: CashoutSummary): void {
  const lost = total(s.writtenOff);
  const parts = [`cash-out: ${money(s.deposited, s.currency)} deposited into your bank account`];
  if (s.writtenOff.length > 0) {
    parts.push(
      `${money(lost, s.currency)} written off (${s.writtenOff.length} coin${s.writtenOff.length === 1 ? '' : 's'} refused by your currency server)`,
    );
  }
  if (s.pending > 0) parts.push(`${money(s.pending, s.currency)} still held or waiting`);
  log[lost > 0 ? 'warn' : 'info'](parts.join(', '), {
    deposited: s.deposited,
    writtenOff: lost,
    pending: s.pending,
    currency: s.currency,
    checks: s.cashouts.map((c) => c.check?.body.checkNo),
  });
}

export function writtenOff(log: Logger, w: WriteOff): void {
  log.warn(`coin written off: ${money(w.value, w.currency)}, ${reasonWords(w.reason)}`, {
    serial: w.serial,
    value: w.value,
    currency: w.currency,
    reason: w.reason,
    cashout: w.cashoutId,
  });
}

export function cashoutSplit(log: Logger, c: Cashout, error: NetCashError, parts: number): void {
  log.info(
    `cash-out of ${money(c.amount, c.currency)} refused because of some of its coins (${error.code}); sending them again in ${parts} parts so the good ones are still paid`,
    { cashout: c.id, code: error.code, message: error.message, parts },
  );
}

export function cashoutReturned(log: Logger, c: Cashout, error: NetCashError): void {
  log.warn(
    `cash-out of ${money(c.amount, c.currency)} refused by your currency server (${error.code}: ${error.message}); the coins stay in your purse`,
    { cashout: c.id, code: error.code },
  );
}

export function cashoutWaiting(log: Logger, c: Cashout, error: NetCashError): void {
  log.info(
    `cash-out of ${money(c.amount, c.currency)} waiting: your currency server did not answer (${error.code}); it will be asked again with the same request`,
    { cashout: c.id, code: error.code },
  );
}

export function depositWaiting(log: Logger, c: Cashout, error: NetCashError): void {
  log.info(
    `cash-out of ${money(c.amount, c.currency)}: the check is written, the bank did not answer (${error.code}); the deposit will be retried`,
    { cashout: c.id, code: error.code },
  );
}

export function depositRefused(log: Logger, c: Cashout, error: NetCashError): void {
  log.warn(
    `cash-out of ${money(c.amount, c.currency)}: the bank refused the check (${error.code}: ${error.message}); it is kept in the store for you to look at`,
    { cashout: c.id, code: error.code, checkNo: c.check?.body.checkNo },
  );
}

const price = (p: PendingPayment) => money(p.receipt.body.amount, p.receipt.body.currency);

export function paymentWaiting(log: Logger, p: PendingPayment, error: NetCashError): void {
  log.info(
    `payment of ${price(p)} for ${p.receipt.body.sid} waiting: your currency server did not answer (${error.code}); it is finished with the same request when it does — the shopper is not charged twice`,
    { requestId: p.requestId, sid: p.receipt.body.sid, code: error.code },
  );
}

export function paymentRefused(log: Logger, p: PendingPayment, error: NetCashError): void {
  const hint =
    error.code === 'double-spent'
      ? ' (a shopper\u2019s wallet that took its coins back after waiting too long looks like this)'
      : '';
  log.info(
    `payment refused by the currency server: the shopper\u2019s coins for ${p.receipt.body.sid} (${price(p)}) were ${reasonWords(error.code)}; nothing was sold and nothing kept${hint}`,
    { requestId: p.requestId, sid: p.receipt.body.sid, code: error.code, message: error.message },
  );
}

export function paymentRefunded(log: Logger, p: PendingPayment, refund: PaymentRefund): void {
  const back = refund.coins.reduce((s, c) => s + c.body.value, 0);
  log.info(
    `payment of ${price(p)} for ${p.receipt.body.sid} returned to the shopper: part of it was refused (${refund.code}), so the ${money(back, p.receipt.body.currency)} already exchanged went back as fresh coins; no receipt was issued`,
    { requestId: p.requestId, sid: p.receipt.body.sid, code: refund.code, returned: back },
  );
}

const when = (seconds: number) => new Date(seconds * 1000).toISOString();

export function redeemed(log: Logger, r: Redemption): void {
  log.info(
    `triplet coins redeemed: the ${money(r.value, r.currency)} a sale took offline is now in your purse`,
    { payment: r.paymentId, requestId: r.exchange.request.requestId, value: r.value },
  );
}

export function redemptionWaiting(
  log: Logger,
  r: Redemption,
  error: NetCashError,
  now: number,
): void {
  // Within the last hour of the window a person may want to look at the currency server.
  log[r.notAfter - 3600 < now ? 'warn' : 'info'](
    `triplet coins of ${money(r.value, r.currency)} taken offline not redeemed yet: ${r.exchange.issuer} did not answer (${error.code}); the paywall asks again, and must be answered before ${when(r.notAfter)} or the shopper's wallet takes them back`,
    { payment: r.paymentId, requestId: r.exchange.request.requestId, notAfter: r.notAfter },
  );
}

export function redemptionFailed(log: Logger, r: Redemption, error: NetCashError): void {
  log.warn(
    `triplet coins of ${money(r.value, r.currency)} taken offline lost: their currency server refused to redeem them (${reasonWords(error.code)}: ${error.message}); the article was already sold`,
    {
      payment: r.paymentId,
      requestId: r.exchange.request.requestId,
      code: error.code,
      value: r.value,
    },
  );
}
