/** The demo publisher's catalogue: a handful of short articles at a few cents each (NCD). */

export interface Article {
  readonly slug: string;
  readonly title: string;
  /** Price in cents of the demo currency NCD. */
  readonly price: number;
  /** Free to read: shown above the paywall. */
  readonly teaser: string;
  /** Paid: paragraphs shown once the reader has paid (or proved an earlier purchase). */
  readonly body: readonly string[];
}

export const ARTICLES: readonly Article[] = [
  {
    slug: 'netcash-1993',
    title: 'Cash for the Internet, 1993',
    price: 3,
    teaser:
      'In 1993 Gennady Medvinsky and Clifford Neuman proposed NetCash: electronic coins that could change hands on an open network without anyone learning who paid.',
    body: [
      'Their design rests on currency servers that mint coins, each with a serial number, a value, an expiry and the signature of the server that made it.',
      'A merchant that receives coins exchanges them at a currency server at once. Because the server keeps the list of outstanding serial numbers, a coin spent twice is caught while the shopper is still waiting for the goods.',
      'Anyone may run a currency server, as long as an insurer vouches for it: the certificate of insurance is what makes its coins worth accepting.',
    ],
  },
  {
    slug: 'serial-numbers',
    title: 'Why every coin has a serial number',
    price: 2,
    teaser:
      'A digital coin is just bytes, and bytes can be copied. The serial number is what makes a copy worthless.',
    body: [
      'When a currency server mints a coin it records the serial as outstanding. When the coin comes back, the server deletes the serial and mints fresh coins in the same transaction.',
      'A copy of a coin that was already exchanged names a serial that is no longer outstanding: the server refuses it as double-spent, and nothing changes.',
      'The server only stores coins in circulation, not every coin ever spent, so its storage grows with the money supply rather than with the number of payments.',
    ],
  },
  {
    slug: 'anonymous-payee',
    title: 'Paying without being known',
    price: 5,
    teaser:
      'The shopper in NetCash never tells the merchant who they are. So how does the merchant know they have paid?',
    body: [
      'The wallet sends the coins sealed to the merchant together with a fresh session key. The merchant answers with a signed receipt carrying a transaction id.',
      'Later the wallet proves the purchase by computing a keyed hash of the transaction id, the page address and a fresh challenge. Only the holder of the session key can do that, and the proof is good for one page and one challenge only.',
      'No account, no login, no cookie: the receipt and the key are the only memory of the purchase, and they stay in the wallet.',
    ],
  },
  {
    slug: 'currency-servers',
    title: 'Many mints, one currency',
    price: 7,
    teaser:
      'NetCash lets many independent currency servers mint the same currency. A merchant banks at one of them; shoppers may pay with coins from any.',
    body: [
      'When coins come from another server, the merchant\u2019s server presents them to their issuer, which pays with a check drawn on its bank account.',
      'Balances between servers therefore move only through the bank, and an audit of the federation can check that every coin in circulation is backed by money in an account.',
      'Competition between servers keeps any single one from learning every payment, and from holding the whole system hostage.',
    ],
  },
  {
    slug: 'offline-payments',
    title: 'Offline payments with coin triplets',
    price: 10,
    teaser:
      'What if the merchant cannot reach a currency server at the moment of payment? The paper has an answer: triplets.',
    body: [
      'Ahead of time, the wallet obtains a coin only the merchant can spend, and only until a date; a twin coin only the wallet can claim, only after that date; and change.',
      'Exactly one of the two twins can ever be redeemed. If the merchant takes its coin in time, the wallet can later obtain a receipt from the server proving it paid.',
      'If the merchant never does, the wallet claims its twin and gets its money back. Fraud on either side becomes provable instead of a matter of trust.',
    ],
  },
];
