/**
 * Money, time and errors in words a shopper reads. Amounts are integer minor units, printed by
 * the one formatter the paywall element uses too (`0.03 NCD` on the page, in the approval window
 * and in the popup).
 */
import { type ErrorCode, formatAmount, parseAmount } from '@netcash/protocol';
import { UiError } from './api.ts';

export const money = formatAmount;
export const parseMoney = parseAmount;

/** Codes whose own message is a developer's: said in plain words instead. */
const WORDS: Partial<Record<ErrorCode, string>> = {
  'upstream-unavailable':
    'A NetCash server could not be reached; nothing was done. Is the federation running (netcash up)?',
  timeout: 'A NetCash server took too long to answer; nothing was done.',
  'user-rejected': 'You declined this payment.',
  'wallet-not-ready': 'Set up the wallet first: trust an insurer and connect a bank account.',
  malformed: 'Something in the form is not right; check it and try again.',
  'untrusted-cert':
    'This server does not have the key you entered. Check the key `netcash up` printed.',
  internal: 'Something went wrong inside the wallet. Your coins are safe; try again.',
  'decrypt-failed': 'An answer could not be read. Your coins are safe; try again.',
  'bad-signature': 'An answer was not signed as it should be, so the wallet ignored it.',
};

export function explain(error: unknown): string {
  if (error instanceof UiError) {
    return WORDS[error.code] ?? (error.message.length > 0 ? error.message : FALLBACK);
  }
  return FALLBACK;
}

const FALLBACK = 'Something went wrong. Your coins are safe; try again.';

/** A date and time in the shopper's locale. */
export function when(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

/** A short date and time for list rows ("12/3/26, 9:10 AM" in en-US). */
export function shortWhen(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString(undefined, {
    dateStyle: 'short',
    timeStyle: 'short',
  });
}

/** "just now", "5 minutes ago", "3 hours ago", else the date. */
export function ago(seconds: number, now = Date.now() / 1000): string {
  const d = Math.max(0, Math.round(now - seconds));
  if (d < 60) return 'just now';
  if (d < 3600) return `${Math.floor(d / 60)} min ago`;
  if (d < 86_400) return `${Math.floor(d / 3600)} h ago`;
  return when(seconds);
}

/** "in 3 minutes", "in 2 hours", else the date. */
export function until(seconds: number, now = Date.now() / 1000): string {
  const d = Math.round(seconds - now);
  if (d <= 60) return 'within a minute';
  if (d < 3600) return `in ${Math.ceil(d / 60)} min`;
  if (d < 86_400) return `in ${Math.ceil(d / 3600)} h`;
  return `on ${new Date(seconds * 1000).toLocaleDateString()}`;
}

export const PERIOD_WORDS = { day: 'per day', week: 'per week', month: 'per month' } as const;
/** The current period of a budget, as in "used today". */
export const PERIOD_NOW = { day: 'today', week: 'this week', month: 'this month' } as const;
