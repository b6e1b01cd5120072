/** Prices as readers see them, in the page and in the pages the payee handler serves. */
import { formatAmount } from '@netcash/protocol';

/** The price as the wallet prints it (`0.05 NCD`): the page and the wallet say the same. */
export function formatPrice(amount: number, currency: string): string {
  return formatAmount(amount, currency);
}
