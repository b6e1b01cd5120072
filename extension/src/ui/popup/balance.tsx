/**
 * The first thing the popup shows: what the wallet can spend, per currency, with the value that
 * is not spendable right now said apart (coins held by payments being finished) and the split
 * by currency server on demand.
 */
import type { Balance } from '../../core/index.ts';
import type { WalletState } from '../../messages/views.ts';
import { money } from '../format.ts';

/** Lines under the balance for value that is not spendable now (more kinds slot in here). */
function notSpendable(b: Balance): { text: string; testId: string }[] {
  const lines: { text: string; testId: string }[] = [];
  if (b.reserved > 0) {
    lines.push({
      text: `${money(b.reserved, b.currency)} in payments being finished`,
      testId: 'balance-reserved',
    });
  }
  if (b.recovering > 0) {
    // Owed, not spendable now (PROTOCOL §4.7): said apart, in words.
    lines.push({
      text: `${money(b.recovering, b.currency)} being recovered: coins that expired while the wallet was closed, or whose key the insurer withdrew. Their currency server still owes them and exchanges them for new ones.`,
      testId: 'recovering',
    });
  }
  return lines;
}

export function Balances({ state }: { state: WalletState }) {
  const balances: readonly Balance[] =
    state.balances.length > 0
      ? state.balances
      : [
          {
            currency: state.accounts[0]?.currency ?? 'NCD',
            spendable: 0,
            reserved: 0,
            recovering: 0,
            coins: 0,
            byCs: {},
          },
        ];
  return (
    <div class="balances">
      {balances.map((b) => (
        <div key={b.currency} class="balance-card">
          <p class="balance-label" id={`balance-label-${b.currency}`}>
            Available to spend
          </p>
          <p class="balance" data-testid="balance" aria-describedby={`balance-label-${b.currency}`}>
            {money(b.spendable, b.currency)}
          </p>
          {notSpendable(b).map((l) => (
            <p key={l.testId} class="muted" data-testid={l.testId}>
              {l.text}
            </p>
          ))}
          {Object.keys(b.byCs).length > 0 ? (
            <details class="per-cs">
              <summary>By currency server</summary>
              <ul>
                {Object.entries(b.byCs).map(([cs, v]) => (
                  <li key={cs} data-testid={`balance-${cs}`}>
                    {cs}: {money(v.spendable, b.currency)} in {v.coins} coins
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </div>
      ))}
    </div>
  );
}
