/**
 * One history list, paged (ten entries, then "Show older"), newest first — on the popup's home only
 * the latest few and "All history", so the popup stays within what a browser shows: every purchase of coins,
 * payment, cash-out, refund and loss once. Each entry opens a detail view with what is known about
 * it: the receipt and who signed it, the site, the amount, the currency server, whether it was
 * approved in the window or paid within the site's budget, and the receipt claims.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { HistoryRow } from '../../core/index.ts';
import type { HistoryDetail } from '../../messages/views.ts';
import { command } from '../api.ts';
import { money, shortWhen, when } from '../format.ts';

const KIND_WORDS: Record<string, string> = {
  buy: 'Bought coins',
  pay: 'Paid',
  refund: 'Refund',
  exchange: 'Exchanged',
  cashout: 'Cashed out',
  lost: 'Lost',
  recovered: 'Recovered',
  prepay: 'Kept ready',
};

function title(h: HistoryRow): string {
  if (h.kind === 'pay') return h.description ?? (h.origin === undefined ? 'Payment' : h.origin);
  if (h.kind === 'buy') return `Bought coins${h.cs === undefined ? '' : ` from ${h.cs}`}`;
  if (h.kind === 'cashout') return 'Cashed out to your bank';
  return `${KIND_WORDS[h.kind] ?? h.kind}${h.description === undefined ? '' : `: ${h.description}`}`;
}

export function History(props: {
  version: unknown;
  onOpen: (seq: number) => void;
  /** Only the latest `recent` entries, then a link to all of them (`onAll`). */
  recent?: { count: number; onAll: () => void };
}) {
  const [rows, setRows] = useState<readonly HistoryRow[]>([]);
  const [next, setNext] = useState<number | undefined>(undefined);
  const [loaded, setLoaded] = useState(false);
  const first = useCallback(async () => {
    const page = await command('history', {});
    setRows(page.rows);
    setNext(page.next);
    setLoaded(true);
  }, []);
  useEffect(() => {
    void first().catch(() => setLoaded(true));
  }, [first, props.version]);
  if (!loaded) return null;
  if (rows.length === 0)
    return <p class="muted">Nothing yet: your purchases and payments show here.</p>;
  const { recent } = props;
  const shown = recent === undefined ? rows : rows.slice(0, recent.count);
  return (
    <>
      <ul class="list history" data-testid="history">
        {shown.map((h) => (
          <li key={h.seq}>
            <button
              type="button"
              class="row"
              data-testid="history-entry"
              onClick={() => h.seq !== undefined && props.onOpen(h.seq)}
            >
              <span class="row-main">
                <span class="row-title">{title(h)}</span>
                <span class="muted">
                  {h.kind === 'pay' && h.origin !== undefined ? `${new URL(h.origin).host} · ` : ''}
                  {h.prepaid === true ? 'prepaid · ' : ''}
                  {h.csReceipt === undefined ? (
                    ''
                  ) : (
                    <span data-testid="cs-receipt-mark">{h.csReceipt.body.cs} receipt · </span>
                  )}
                  {shortWhen(h.date)}
                </span>
              </span>
              <span class={h.amount < 0 ? 'amount out' : 'amount in'}>
                {money(h.amount, h.currency)}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {recent === undefined || (shown.length === rows.length && next === undefined) ? null : (
        <button type="button" class="link" data-testid="history-all" onClick={recent.onAll}>
          All history
        </button>
      )}
      {recent !== undefined || next === undefined ? null : (
        <button
          type="button"
          class="secondary"
          data-testid="history-more"
          onClick={async () => {
            const page = await command('history', { before: next });
            setRows([...rows, ...page.rows]);
            setNext(page.next);
          }}
        >
          Show older
        </button>
      )}
    </>
  );
}

export function HistoryEntry(props: { seq: number }) {
  const [detail, setDetail] = useState<HistoryDetail | null | undefined>(undefined);
  useEffect(() => {
    command('historyEntry', { seq: props.seq }).then(setDetail, () => setDetail(null));
  }, [props.seq]);
  if (detail === undefined) return <p class="muted">Loading…</p>;
  if (detail === null) return <p class="muted">This entry is gone.</p>;
  const { row, receipt, op, csReceipt } = detail;
  return (
    <div data-testid="history-detail">
      <p class="detail-amount">{money(row.amount, row.currency)}</p>
      <p>{title(row)}</p>
      <dl>
        <dt>Date</dt>
        <dd>{when(row.date)}</dd>
        {receipt === undefined ? null : (
          <>
            <dt>Site</dt>
            <dd data-testid="detail-site">{receipt.origin}</dd>
            <dt>Bought</dt>
            <dd>
              {receipt.description}
              <br />
              <span class="muted break">{receipt.resource}</span>
            </dd>
            <dt>Receipt</dt>
            <dd class="break" data-testid="detail-receipt">
              {receipt.tid}
            </dd>
            <dt>Signed by</dt>
            <dd class="break muted">the seller's key {receipt.signedBy.slice(0, 16)}…</dd>
          </>
        )}
        {row.cs === undefined ? null : (
          <>
            <dt>Currency server</dt>
            <dd data-testid="detail-cs">{row.cs}</dd>
          </>
        )}
        {op?.allowance === undefined ? null : (
          <>
            <dt>Approved</dt>
            <dd data-testid="detail-approved">
              {op.allowance ? "within the site's budget" : 'by you, in the approval window'}
            </dd>
            <dt>Protection</dt>
            <dd data-testid="detail-protection">
              {op.protection === undefined
                ? 'Coins return to you if the seller never sends a receipt'
                : op.protection === 'prepaid'
                  ? 'Paid from what you kept ready for this site; unused value comes back by itself'
                  : 'Protected: had the seller not answered, the currency server would have given the value back or a receipt proving the seller took it'}
              {op.claims !== undefined && op.claims > 0
                ? `; the receipt was claimed again ${op.claims} times`
                : ''}
              .
            </dd>
          </>
        )}
        {csReceipt === undefined ? null : (
          <>
            <dt>Proof of payment</dt>
            <dd data-testid="detail-cs-receipt">
              The seller sent no receipt. {csReceipt.cs} signed that the seller's key{' '}
              <span class="break muted">{csReceipt.owner.slice(0, 16)}…</span> took{' '}
              {money(csReceipt.value, csReceipt.currency)} on {when(csReceipt.date)} (coin{' '}
              <span class="break muted">{csReceipt.serial}</span>).
            </dd>
          </>
        )}
        {row.error === undefined ? null : (
          <>
            <dt>Why</dt>
            <dd>{row.error.message}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
