/**
 * The gate in front of a paid resource (SPEC §5 steps 1 and 5): a request without a valid proof
 * gets a 402 with a fresh offer; one with a valid proof goes on to the publisher's content, marked
 * private. Payment is always settled before: a proof exists only for a receipt, and a receipt only
 * once the coins were exchanged at the merchant's CS (figure 5).
 *
 * Two ways of asking and answering, one proof (PROTOCOL §5, §6, §6.1):
 *
 *   402  WWW-Authenticate: NetCash sid="…"  and  WWW-Authenticate: Payment id="…", … (the draft's)
 *        body {offer} — or, for a browser navigating to the URL, a page holding the paywall
 *   GET  Authorization: NetCash tid="…", challenge="…", proof="…"
 *        or Authorization: Payment <b64u credential with the same proof>
 *   200  the content, Cache-Control: private, no-store; Payment-Receipt: <b64u receipt>
 */
import {
  formatAuthorization,
  formatPaymentChallenge,
  formatPaymentReceipt,
} from '@netcash/protocol';
import { refusal, refuse } from '@netcash/server-kit';
import { checkAccess } from './access.ts';
import type { Resource } from './catalogue.ts';
import type { MerchantContext } from './context.ts';
import { PAYEE_CORS_HEADERS } from './cors.ts';
import { makeOffer, wwwAuthenticate } from './offer.ts';
import { paywallPage } from './pages.ts';
import {
  type PaymentProblem,
  paymentChallenge,
  problemBody,
  proofOfCredential,
} from './payment-auth.ts';
import type { StoredReceipt } from './store/types.ts';

export type Authorization =
  | { readonly granted: true; readonly receipt: StoredReceipt }
  | { readonly granted: false; readonly response: Response };

export interface GateOptions {
  /** Base URL the site is reached at (offers name absolute URLs); default: each request's. */
  readonly publicUrl: string | undefined;
  readonly payPath: string;
  readonly scriptPath: string;
}

interface Refused {
  readonly error?: string;
  readonly problem?: {
    readonly type: PaymentProblem;
    readonly detail: string;
    readonly code?: string;
  };
}

export class Gate {
  constructor(
    private readonly ctx: MerchantContext,
    private readonly options: GateOptions,
  ) {}

  base(request: Request): string {
    return this.options.publicUrl ?? new URL(request.url).origin;
  }

  private realm(request: Request): string {
    return new URL(this.base(request)).host;
  }

  /** The 402 for `resource`: a fresh offer, both challenges, JSON or the paywall page. */
  async offerResponse(request: Request, resource: Resource, why: Refused = {}): Promise<Response> {
    const own = await this.ctx.link.ownCs();
    if (!own.ok) return refusal(own.error);
    const base = this.base(request);
    const offer = makeOffer(
      this.ctx,
      own.value,
      resource,
      new URL(resource.path, base).href,
      new URL(this.options.payPath, base).href,
    );
    const headers = new Headers(PAYEE_CORS_HEADERS);
    headers.set('cache-control', 'no-store');
    headers.append('www-authenticate', wwwAuthenticate(resource.sid, why.error));
    const challenge = paymentChallenge(this.ctx, offer, this.realm(request));
    headers.append('www-authenticate', formatPaymentChallenge(challenge));
    let body: string;
    if (request.headers.get('sec-fetch-mode') === 'navigate' && request.method === 'GET') {
      const { description, amount, currency } = offer.body;
      const page = { path: resource.path, description, amount, currency };
      body = paywallPage({ ...page, scriptPath: this.options.scriptPath });
      headers.set('content-type', 'text/html; charset=utf-8');
    } else if (why.problem !== undefined) {
      const { type, detail, code } = why.problem;
      body = JSON.stringify({ ...problemBody(type, detail, code), offer });
      headers.set('content-type', 'application/problem+json');
    } else {
      body = JSON.stringify({ offer });
      headers.set('content-type', 'application/json');
    }
    return new Response(request.method === 'HEAD' ? null : body, { status: 402, headers });
  }

  /** Is this request allowed to `resource`? If not, `response` is the 402 or refusal to send. */
  async authorize(request: Request, resource: Resource): Promise<Authorization> {
    const header = request.headers.get('authorization') ?? '';
    const scheme = /^\s*([A-Za-z]+)(?:\s|$)/.exec(header)?.[1]?.toLowerCase();
    if (scheme === 'payment') return this.authorizePayment(request, resource, header);
    if (scheme !== 'netcash') {
      return { granted: false, response: await this.offerResponse(request, resource) };
    }
    const url = new URL(resource.path, this.base(request)).href;
    const checked = await checkAccess(this.ctx, resource, url, header);
    if (checked.ok) return { granted: true, receipt: checked.value };
    // A stale or used challenge is no fault of the shopper: a fresh offer lets the wallet prove
    // again (a reload does the same). Whoever replays a copied header gets only that offer.
    const { code } = checked.error;
    if (code === 'expired' || code === 'challenge-used') {
      const response = await this.offerResponse(request, resource, { error: code });
      return { granted: false, response };
    }
    return {
      granted: false,
      response: refusal(checked.error, {
        ...PAYEE_CORS_HEADERS,
        'www-authenticate': wwwAuthenticate(resource.sid, checked.error.code),
      }),
    };
  }

  /** `Authorization: Payment …`: every failure is a 402 with a fresh challenge (the draft). */
  private async authorizePayment(
    request: Request,
    resource: Resource,
    header: string,
  ): Promise<Authorization> {
    const proof = proofOfCredential(this.ctx, header, this.realm(request));
    if (!proof.ok) {
      const { problem, detail } = proof.error;
      const response = await this.offerResponse(request, resource, {
        problem: { type: problem, detail },
      });
      return { granted: false, response };
    }
    const url = new URL(resource.path, this.base(request)).href;
    const checked = await checkAccess(this.ctx, resource, url, formatAuthorization(proof.value));
    if (checked.ok) return { granted: true, receipt: checked.value };
    const { code, message } = checked.error;
    const type =
      code === 'expired'
        ? 'payment-expired'
        : code === 'challenge-used'
          ? 'invalid-challenge'
          : 'verification-failed';
    const response = await this.offerResponse(request, resource, {
      problem: { type, detail: message, code },
    });
    return { granted: false, response };
  }

  /** Headers of content released for `receipt`: never shared by caches, with its receipt. */
  static releaseHeaders(receipt: StoredReceipt): Record<string, string> {
    return {
      'cache-control': 'private, no-store',
      'payment-receipt': formatPaymentReceipt(receipt.tid, receipt.date),
    };
  }
}

export const notPaid = () => refuse('not-found', 'not a paid resource');
