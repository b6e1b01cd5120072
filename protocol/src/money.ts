/**
 * Amounts as people read them, one way everywhere: the publisher's paywall, the approval window
 * and the popup all print `0.03 NCD` for the same 3 minor units, so a shopper can compare what the
 * page asks with what the wallet shows. Amounts are integers in minor units (hundredths of the
 * currency, PROTOCOL.md §1); the currency code follows the number.
 */

/** `3, 'NCD'` → `0.03 NCD`; `123456` → `1,234.56 NCD`; negatives with a true minus sign. */
export function formatAmount(minor: number, currency: string): string {
  const sign = minor < 0 ? '−' : '';
  const abs = Math.abs(Math.trunc(minor));
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

/**
 * What a person types for an amount → minor units, or null when it is not one: `12`, `12.5`,
 * `12.50`, `12,50`, `1,234.56`, with or without the currency code after it. At most two decimals;
 * no sign, no exponent.
 */
export function parseAmount(text: string, currency?: string): number | null {
  let t = text.trim();
  if (currency !== undefined && t.toUpperCase().endsWith(currency)) t = t.slice(0, -3).trim();
  const grouped = /^(\d{1,3}(?:,\d{3})+)(?:\.(\d{1,2}))?$/.exec(t);
  const plain = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(t);
  const m = grouped ?? plain;
  if (m === null) return null;
  const whole = Number(m[1]!.replaceAll(',', ''));
  const minor = whole * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}
