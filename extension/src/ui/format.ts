/** Money and errors in words a shopper reads. Amounts are integer minor units (cents). */
import type { ErrorCode } from '@netcash/protocol';
import { UiError } from './api.ts';

export function money(minor: number, currency: string): string {
  const sign = minor < 0 ? '−' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

/** "12", "12.5", "12.50" → 1250; null when it is not an amount. */
export function parseMoney(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (m === null) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}

const WORDS: Partial<Record<ErrorCode, string>> = {
  'upstream-unavailable':
    'A NetCash server could not be reached; nothing was done. Is the federation running (netcash up)?',
  timeout: 'A NetCash server took too long to answer; nothing was done.',
  'insufficient-funds': 'There is not enough money for this.',
  'user-rejected': 'You declined this payment.',
  'wallet-not-ready': 'Set up the wallet first: trust an insurer and connect a bank account.',
  malformed: 'Something in the form is not right; check it and try again.',
};

export function explain(error: unknown): string {
  if (error instanceof UiError) {
    return WORDS[error.code] ?? (error.message.length > 0 ? error.message : FALLBACK);
  }
  return FALLBACK;
}

const FALLBACK = 'Something went wrong. Your coins are safe; try again.';

export function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}
