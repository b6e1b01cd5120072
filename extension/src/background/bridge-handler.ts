/**
 * What a page may ask through the content-script bridge: `status`, `pay`, `prove`, `check`
 * (protocol/src/bridge.ts). The origin every decision is made for is the one the browser reports
 * for the sender's top frame — passed in by the router, never read from the message.
 *
 * Who hears anything (docs/PRIVACY.md "Page scripts"): a site the shopper let in — one she paid
 * (a receipt, a payment under way or ended within the hour) or gave a budget — gets answers and
 * errors. Any other site gets no answer to any request (router.ts), as from a browser without
 * the wallet; only its `pay`, sent on the user's click, comes here and opens the approval window,
 * and the page hears back only once she approves (`consent.letIn` turns true). A refusal before
 * she decides — not set up, a bad offer, a window already open — and a rejection stay silent.
 *
 * pay: one intent, one charge (SPEC §12) — a purchase from this origin that is paid or under way
 * is proved or joined, with no prompt and no new payment; otherwise a same-origin offer within
 * the site's allowance is paid without a prompt, and anything else opens the approval window
 * bound to the asking page (a cross-origin payUrl/resource is shown there and never paid under an
 * allowance).
 */
import {
  type BridgeRequest,
  type BridgeResults,
  NetCashError,
  type Offer,
} from '@netcash/protocol';
import type { Wallet } from '../core/index.ts';
import { type AskingPage, askApproval } from './approvals.ts';
import { wallet } from './instance.ts';

type Answer = BridgeResults[keyof BridgeResults];

/** What the page is allowed to hear; `letIn` turns true when the shopper approves a payment. */
export interface Consent {
  letIn: boolean;
  /** The request is a `pay` sent on the user's click. */
  readonly activated: boolean;
}

/** Whether `origin` may hear from the wallet at all. */
export async function siteLetIn(origin: string): Promise<boolean> {
  return (await wallet()).letsIn(origin);
}

export async function handleBridge(
  request: BridgeRequest,
  origin: string,
  page: AskingPage,
  consent: Consent,
): Promise<Answer> {
  const answer = await ask(request, origin, page, consent);
  if (request.method === 'pay' && 'repeat' in answer && !answer.repeat) {
    // Restore the spread of denominations in the background, so the next price is exact too.
    void wallet()
      .then((w) => w.refresh())
      .catch(() => undefined);
  }
  return answer;
}

async function ask(
  request: BridgeRequest,
  origin: string,
  page: AskingPage,
  consent: Consent,
): Promise<Answer> {
  const w = await wallet();
  switch (request.method) {
    case 'status':
      return w.status();
    case 'check':
      return w.check(request.params.offer, origin);
    case 'prove':
      if (!(await w.status()).ready) throw new NetCashError('wallet-not-ready');
      return w.prove(request.params.offer, origin);
    case 'pay':
      if (!(await w.status()).ready) throw new NetCashError('wallet-not-ready');
      return pay(w, request.params.offer, origin, page, consent);
  }
}

async function pay(w: Wallet, offer: Offer, origin: string, page: AskingPage, consent: Consent) {
  // Paid or under way: prove or join it; nothing new is paid, so nothing needs approving.
  if ((await w.intent(offer, origin)) !== 'none') return w.pay(offer, origin, {});
  // Within the allowance no window opens: the quote (and its balance) is not needed.
  if (await w.withinAllowance(offer, origin)) {
    try {
      return await w.pay(offer, origin, { allowance: true });
    } catch (error) {
      // The allowance ran out meanwhile: ask instead.
      if (!(error instanceof NetCashError) || error.code !== 'unauthorized') throw error;
    }
  }
  const quote = await w.quote(offer, origin);
  // A site let in hears at once that there is not enough; any other sees nothing until the
  // shopper approves, so she reads it in the window (Approve stays off there).
  if (consent.letIn && quote.balance < quote.amount) {
    throw new NetCashError('insufficient-funds', 'Your wallet does not hold enough for this.');
  }
  const decision = await askApproval(origin, offer, quote, page);
  if (decision.pageGone === true) {
    throw new NetCashError(
      'user-rejected',
      'The page that asked for this payment was closed or reloaded; nothing was paid.',
    );
  }
  if (!decision.approve) throw new NetCashError('user-rejected');
  consent.letIn = true;
  // A second tab that joined the window pays (joins) the same purchase; the first sets the allowance.
  const allowUpTo = decision.joined === true ? 0 : (decision.allowUpTo ?? 0);
  if (allowUpTo > 0 && quote.foreignOrigins.length === 0) {
    await w.setAllowance(origin, quote.currency, allowUpTo, decision.period);
    if (quote.amount <= allowUpTo) return w.pay(offer, origin, { allowance: true });
  }
  return w.pay(offer, origin, { approved: true });
}
