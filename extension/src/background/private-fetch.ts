/**
 * The one door out of the wallet (docs/PRIVACY.md "Network observers and servers"): every request
 * the wallet sends — to insurers, banks, currency servers and sellers — is made here, with
 *
 *   credentials: 'omit'          no cookies, no HTTP authentication: a server the shopper also
 *                                visits as a web page can't tie the wallet's request to her
 *                                browsing session;
 *   referrerPolicy: 'no-referrer'  no Referer: nothing says which page or extension page asked;
 *   cache: 'no-store'            nothing read from or written to the HTTP cache: a cached reply
 *                                (or its ETag revalidation) would tell a server that this browser
 *                                asked before;
 *   redirect: 'error'            a request goes only where it was addressed, never on to a third
 *                                server a redirect names.
 *
 * Everything else about a request is what every copy of the wallet sends alike.
 */
import type { FetchFn } from '@netcash/protocol';

export const privateFetch: FetchFn = (input, init) =>
  fetch(input, {
    ...init,
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    cache: 'no-store',
    redirect: 'error',
  });
