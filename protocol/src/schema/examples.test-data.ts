/**
 * Schema-valid example messages (signatures are placeholders: these exercise decoders, not
 * cryptography). Used by the decoder property tests to derive malformed variants.
 */
const key = (c: string) => c.repeat(42) + 'A'; // 43 chars = 32 bytes, canonical
const sig = 'S'.repeat(85) + 'A'; // 86 chars = 64 bytes
const id = (c: string) => c.repeat(21) + 'A'; // 22 chars = 16 bytes
const enc = key('E');

export const certificate = {
  body: {
    type: 'certificate',
    certId: 'cs1-2026-11',
    csName: 'cs1',
    signKey: key('k'),
    encKey: key('e'),
    addresses: ['http://127.0.0.1:7402'],
    currency: 'NCD',
    denominations: [1, 2, 5, 10],
    mintLimit: 1_000_000,
    bank: 'bank',
    account: 'acct-cs1',
    insurer: key('i'),
    issued: 1_790_000_000,
    expires: 1_830_000_000,
    redeemFor: 31_536_000,
  },
  sig,
};

export const coin = {
  body: {
    type: 'coin',
    scheme: 'nc1',
    cs: 'cs1',
    addr: 'http://127.0.0.1:7402',
    certId: 'cs1-2026-11',
    serial: id('s'),
    value: 5,
    currency: 'NCD',
    expires: 1_800_000_000,
    lock: {
      owner: key('o'),
      notBefore: 1_790_000_000,
      notAfter: 1_790_086_400,
      tripletId: id('t'),
      role: 'B',
    },
  },
  sig,
};

export const check = {
  body: {
    type: 'check',
    bank: 'bank',
    drawer: 'acct-alice',
    payee: 'acct-cs1',
    amount: 500,
    currency: 'NCD',
    checkNo: 'chk-1',
    issued: 1_790_000_000,
    expires: 1_792_592_000,
    memo: 'coins',
  },
  sig,
};

export const offer = {
  body: {
    type: 'offer',
    sid: 'article-1',
    resource: 'http://127.0.0.1:7404/articles/1',
    description: 'An article',
    amount: 3,
    currency: 'NCD',
    payeeSignKey: key('p'),
    payeeEncKey: key('q'),
    payUrl: 'http://127.0.0.1:7404/netcash/pay',
    accepts: { insurers: [key('i')], cs: ['cs1', 'cs2'] },
    expires: 1_790_000_600,
    challenge: 'c1.abc',
  },
  sig,
};

const coinInstrument = {
  kind: 'coin',
  coin,
  spend: { body: { type: 'coin-spend', serial: id('s'), requestId: id('r') }, sig },
};

/** Wire messages, by the schema name that decodes them. */
export const EXAMPLES: Record<string, unknown> = {
  Certificate: certificate,
  Coin: coin,
  Check: check,
  Offer: offer,
  Endorsement: {
    body: { type: 'endorsement', check: key('d'), account: 'acct-cs1', date: 1_790_000_000 },
    sig,
  },
  PaymentReceipt: {
    body: {
      type: 'payment-receipt',
      tid: id('t'),
      sid: 'article-1',
      amount: 3,
      currency: 'NCD',
      date: 1_790_000_000,
      payeeKey: key('p'),
    },
    sig,
  },
  CsReceipt: {
    body: {
      type: 'cs-receipt',
      cs: 'cs1',
      tripletId: id('t'),
      serial: id('s'),
      owner: key('o'),
      value: 5,
      currency: 'NCD',
      date: 1_790_000_000,
    },
    sig,
  },
  RevocationList: {
    body: {
      type: 'revocation-list',
      insurer: key('i'),
      seq: 3,
      issued: 1_790_000_000,
      revoked: [{ certId: 'cs9-1', date: 1_790_000_000, reason: 'key lost' }],
    },
    sig,
  },
  AccountRequest: {
    body: {
      type: 'account-request',
      bank: 'bank',
      account: 'acct-alice',
      nonce: id('n'),
      date: 1_790_000_000,
    },
    sig,
  },
  AccountStatement: {
    body: {
      type: 'account-statement',
      bank: 'bank',
      account: 'acct-alice',
      nonce: id('n'),
      date: 1_790_000_001,
      balance: 9_300,
      currency: 'NCD',
      history: [
        {
          entryId: 'e1',
          date: 1_790_000_000,
          amount: -700,
          counterparty: 'acct-cs1',
          memo: 'coins',
        },
      ],
    },
    sig,
  },
  CsRequest: {
    requestId: id('r'),
    replyKey: key('r'),
    op: 'exchange',
    instruments: [coinInstrument],
    want: { values: [2, 2, 1] },
  },
  BuyRequest: {
    requestId: id('r'),
    replyKey: key('r'),
    op: 'buy',
    instruments: [{ kind: 'check', check }],
    want: { values: [500] },
  },
  CashoutRequest: {
    requestId: id('r'),
    replyKey: key('r'),
    op: 'cashout',
    instruments: [coinInstrument],
    want: { bank: 'bank', payee: 'acct-pub', memo: 'day' },
  },
  TripletRequest: {
    requestId: id('r'),
    replyKey: key('r'),
    op: 'triplet',
    instruments: [coinInstrument],
    want: {
      payee: key('p'),
      owner: key('o'),
      dateB: 1_790_000_100,
      dateA: 1_790_000_200,
      amounts: [3],
      change: [2],
    },
  },
  CsResult: { requestId: id('r'), op: 'exchange', coins: [coin] },
  CsRequestEnvelope: { certId: 'cs1-2026-11', enc, ct: 'AAAA' },
  CsReplyEnvelope: { requestId: id('r'), nonce: 'AAAAAAAAAAAAAAAA', ct: 'AAAA' },
  Message1a: { msg: '1a', sid: 'article-1', kan: key('a') },
  Message1c: { msg: '1c', to: key('q'), enc, ct: 'AAAA' },
  Message2: { msg: '2', requestId: id('r'), nonce: 'AAAAAAAAAAAAAAAA', ct: 'AAAA' },
  PaymentRequest: {
    requestId: id('r'),
    sid: 'article-1',
    coins: [coin],
    certificates: [certificate],
    replyKey: key('r'),
    sessionKey: key('s'),
  },
  PaymentRefundResult: {
    requestId: id('r'),
    refund: {
      code: 'double-spent',
      message: 'Part of the payment was refused; the value taken is returned.',
      coins: [coin],
      refused: [id('x')],
    },
  },
  DepositRequest: {
    check,
    endorsement: {
      body: { type: 'endorsement', check: key('d'), account: 'acct-cs1', date: 1_790_000_000 },
      sig,
    },
  },
  AccountOpening: {
    body: {
      type: 'account-opening',
      bank: 'bank',
      signKey: key('a'),
      holder: 'Alice',
      kind: 'customer',
      date: 1_790_000_000,
    },
    sig,
  },
  CertificateRequest: {
    body: {
      type: 'certificate-request',
      insurer: key('i'),
      csName: 'cs1',
      signKey: key('k'),
      encKey: key('e'),
      addresses: ['http://127.0.0.1:7402'],
      denominations: [1, 2, 5],
      lifetime: 86_400,
      nonce: id('n'),
      date: 1_790_000_000,
    },
    sig,
  },
  Registration: {
    csName: 'cs1',
    enrollmentKey: key('k'),
    bank: 'bank',
    account: 'acct-cs1',
    currency: 'NCD',
    mintLimit: 100,
  },
  PayRequest: {
    ns: 'netcash',
    v: 1,
    kind: 'request',
    id: 'req-1',
    method: 'pay',
    params: { offer },
  },
};

/** Keys that may be absent (deleting them keeps a message valid). */
export const OPTIONAL_KEYS = new Set(['lock', 'spend', 'cs', 'receipt', 'detail']);
