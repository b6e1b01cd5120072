/**
 * What a page may ask through the content-script bridge: `status`, `pay`, `prove`
 * (protocol/src/bridge.ts). The origin every decision is made for is the one the browser reports
 * for the sender's top frame — passed in by the router, never read from the message.
 *
 * pay: an earlier purchase from this origin → prove it, pay nothing (repurchase detection);
 * same-origin offer within the site's allowance → pay without a prompt; otherwise open the
 * approval window (a cross-origin payUrl/resource is shown there and never paid under an
 * allowance).
 */
import { type BridgeRequest, type BridgeResults, NetCashError } from '@netcash/protocol';
import { askApproval } from './approvals.ts';
import { wallet } from './instance.ts';

type Answer = BridgeResults[keyof BridgeResults];

export async function handleBridge(request: BridgeRequest, origin: string): Promise<Answer> {
  const answer = await ask(request, origin);
  if (request.method === 'pay' && 'repeat' in answer && !answer.repeat) {
    // Restore the spread of denominations in the background, so the next price is exact too.
    void wallet()
      .then((w) => w.refresh())
      .catch(() => undefined);
  }
  return answer;
}

async function ask(request: BridgeRequest, origin: string): Promise<Answer> {
  const w = await wallet();
  switch (request.method) {
    case 'status':
      return w.status();
    case 'prove':
      if (!(await w.status()).ready) throw new NetCashError('wallet-not-ready');
      return w.prove(request.params.offer, origin);
    case 'pay': {
      if (!(await w.status()).ready) throw new NetCashError('wallet-not-ready');
      const { offer } = request.params;
      if (await w.alreadyBought(offer, origin)) return w.pay(offer, origin, {});
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
      if (quote.balance < quote.amount) {
        throw new NetCashError('insufficient-funds', 'Your wallet does not hold enough for this.');
      }
      const decision = await askApproval(origin, offer, quote);
      if (!decision.approve) throw new NetCashError('user-rejected');
      const allowUpTo = decision.allowUpTo ?? 0;
      if (allowUpTo > 0 && quote.foreignOrigins.length === 0) {
        await w.setAllowance(origin, quote.currency, allowUpTo);
        if (quote.amount <= allowUpTo) return w.pay(offer, origin, { allowance: true });
      }
      return w.pay(offer, origin, { approved: true });
    }
  }
}
