/**
 * The NC1 test vectors (docs/PROTOCOL.md §11): every signed object, sealed envelope and access
 * proof computed from fixed seeds, ephemeral keys and nonces. `protocol/test-vectors/nc1.json` is
 * this function's output; both providers must reproduce it byte for byte (vectors.test.ts), and
 * implementations in other languages can check themselves against the file.
 */
import { accessProof } from '../access.ts';
import type { CryptoProvider, KeyPair } from '../crypto/provider.ts';
import { toB64u } from '../encoding/base64url.ts';
import { canonicalize } from '../encoding/jcs.ts';
import type { CsRequest, CsResult } from '../schema/cs-messages.ts';
import type { Signed, SignedBody } from '../schema/objects.ts';
import type { PaymentRequest, PaymentResult } from '../schema/payment-messages.ts';
import { sealCsReply, sealCsRequest, sealPayment, sealPaymentResult } from '../seal.ts';
import { sign, signingBytes } from '../signing.ts';

/** 32 bytes all equal to `n`: readable, fixed seeds. */
const seed = (n: number) => new Uint8Array(32).fill(n);
const id = (n: number) => toB64u(new Uint8Array(16).fill(n));

interface ObjectVector {
  body: SignedBody;
  canonical: string;
  signingBytes: string;
  signer: string;
  sig: string;
}

function keyVector(pair: KeyPair) {
  return { seed: toB64u(pair.secretKey), publicKey: toB64u(pair.publicKey) };
}

export function nc1Vectors(p: CryptoProvider) {
  const insurer = p.ed25519.keygen(seed(1));
  const csSign = p.ed25519.keygen(seed(2));
  const csEnc = p.x25519.keygen(seed(3));
  const drawer = p.ed25519.keygen(seed(4));
  const payeeSign = p.ed25519.keygen(seed(5));
  const payeeEnc = p.x25519.keygen(seed(6));
  const ephemeral = p.x25519.keygen(seed(7));
  const csAccount = p.ed25519.keygen(seed(8));
  const csEnrollment = p.ed25519.keygen(seed(12));
  const bank = p.ed25519.keygen(seed(13));
  const replyKey = toB64u(seed(9));
  const sessionKey = toB64u(seed(10));
  const nonce = new Uint8Array(12).fill(11);

  const objects: Record<string, ObjectVector> = {};
  const add = <B extends SignedBody>(name: string, secret: KeyPair, body: B): Signed<B> => {
    const signed = sign(p, secret.secretKey, body);
    objects[name] = {
      body,
      canonical: canonicalize(body),
      signingBytes: toB64u(signingBytes(body)),
      signer: toB64u(secret.publicKey),
      sig: signed.sig,
    };
    return signed;
  };

  const certificate = add('certificate', insurer, {
    type: 'certificate',
    certId: 'cs1-1',
    csName: 'cs1',
    signKey: toB64u(csSign.publicKey),
    encKey: toB64u(csEnc.publicKey),
    addresses: ['http://127.0.0.1:7402'],
    currency: 'NCD',
    denominations: [1, 2, 5, 10, 20, 50, 100],
    mintLimit: 10_000_000,
    bank: 'bank',
    account: 'acct-cs1',
    insurer: toB64u(insurer.publicKey),
    issued: 1_790_000_000,
    expires: 1_821_536_000,
    redeemFor: 31_536_000,
  });
  const coin = add('coin', csSign, {
    type: 'coin',
    scheme: 'nc1',
    cs: 'cs1',
    addr: 'http://127.0.0.1:7402',
    certId: 'cs1-1',
    serial: id(0x21),
    value: 5,
    currency: 'NCD',
    expires: 1_792_592_000,
  });
  add('lockedCoin', csSign, {
    ...coin.body,
    serial: id(0x22),
    lock: {
      owner: toB64u(payeeSign.publicKey),
      notBefore: 1_790_000_000,
      notAfter: 1_790_003_600,
      tripletId: id(0x23),
      role: 'B',
    },
  });
  const check = add('check', drawer, {
    type: 'check',
    bank: 'bank',
    drawer: 'acct-alice',
    payee: 'acct-cs1',
    amount: 500,
    currency: 'NCD',
    checkNo: 'chk-0001',
    issued: 1_790_000_000,
    expires: 1_792_592_000,
    memo: 'coins for the web',
  });
  add('endorsement', csAccount, {
    type: 'endorsement',
    check: toB64u(p.sha256(new TextEncoder().encode(canonicalize(check)))),
    account: 'acct-cs1',
    date: 1_790_000_010,
  });
  const receipt = add('paymentReceipt', payeeSign, {
    type: 'payment-receipt',
    tid: id(0x31),
    sid: 'article-1',
    amount: 5,
    currency: 'NCD',
    date: 1_790_000_020,
    payeeKey: toB64u(payeeSign.publicKey),
  });
  add('csReceipt', csSign, {
    type: 'cs-receipt',
    cs: 'cs1',
    tripletId: id(0x23),
    serial: id(0x22),
    owner: toB64u(payeeSign.publicKey),
    value: 5,
    currency: 'NCD',
    date: 1_790_000_030,
  });
  const offer = add('offer', payeeSign, {
    type: 'offer',
    sid: 'article-1',
    resource: 'http://127.0.0.1:7404/articles/1',
    description: 'The first article',
    amount: 5,
    currency: 'NCD',
    payeeSignKey: toB64u(payeeSign.publicKey),
    payeeEncKey: toB64u(payeeEnc.publicKey),
    payUrl: 'http://127.0.0.1:7404/netcash/pay',
    accepts: { insurers: [toB64u(insurer.publicKey)] },
    expires: 1_790_000_600,
    challenge: 'ch.1790000600.abc',
  });
  add('revocationList', insurer, {
    type: 'revocation-list',
    insurer: toB64u(insurer.publicKey),
    seq: 1,
    issued: 1_790_000_000,
    revoked: [{ certId: 'cs9-1', date: 1_790_000_000, reason: 'retired' }],
  });

  // Credentials (PROTOCOL §3.11–3.11b, §7.1): requests each party signs with a key of its own.
  add('accountOpening', drawer, {
    type: 'account-opening',
    bank: 'bank',
    signKey: toB64u(drawer.publicKey),
    holder: 'Alice',
    kind: 'customer',
    date: 1_790_000_000,
  });
  add('accountRequest', drawer, {
    type: 'account-request',
    bank: 'bank',
    account: 'acct-alice',
    nonce: id(0x61),
    date: 1_790_000_040,
  });
  // The bank's signed answer to that request (PROTOCOL §3.12): same nonce, the bank's key.
  add('accountStatement', bank, {
    type: 'account-statement',
    bank: 'bank',
    account: 'acct-alice',
    nonce: id(0x61),
    date: 1_790_000_041,
    balance: 9_300,
    currency: 'NCD',
    history: [
      {
        entryId: 'e1',
        date: 1_790_000_000,
        amount: 10_000,
        counterparty: 'issuance',
        memo: 'demo starting balance',
      },
      {
        entryId: 'e2',
        date: 1_790_000_020,
        amount: -700,
        counterparty: 'acct-cs1',
        checkNo: 'c1',
        memo: 'NetCash coins from cs1',
      },
    ],
  });
  add('certificateRequest', csEnrollment, {
    type: 'certificate-request',
    insurer: toB64u(insurer.publicKey),
    csName: 'cs1',
    signKey: toB64u(csSign.publicKey),
    encKey: toB64u(csEnc.publicKey),
    addresses: ['http://127.0.0.1:7402'],
    denominations: [1, 2, 5],
    lifetime: 31_536_000,
    nonce: id(0x62),
    date: 1_790_000_000,
  });

  const csRequest: CsRequest = {
    requestId: id(0x41),
    op: 'exchange',
    instruments: [{ kind: 'coin', coin }],
    want: { values: [2, 2, 1] },
    replyKey,
  };
  const csResult: CsResult = { requestId: id(0x41), op: 'exchange', coins: [coin] };
  const payment: PaymentRequest = {
    requestId: id(0x51),
    sid: 'article-1',
    coins: [coin],
    certificates: [certificate],
    replyKey,
    sessionKey,
  };
  const paymentResult: PaymentResult = { requestId: id(0x51), receipt };

  return {
    description:
      'NetCash NC1 test vectors; see docs/PROTOCOL.md §11. Seeds are 32 bytes all equal to one value.',
    keys: {
      insurer: keyVector(insurer),
      csSign: keyVector(csSign),
      csEnc: keyVector(csEnc),
      drawer: keyVector(drawer),
      payeeSign: keyVector(payeeSign),
      payeeEnc: keyVector(payeeEnc),
      ephemeral: keyVector(ephemeral),
      csAccount: keyVector(csAccount),
      csEnrollment: keyVector(csEnrollment),
      bank: keyVector(bank),
      replyKey,
      sessionKey,
      nonce: toB64u(nonce),
    },
    objects,
    sealed: {
      csRequest: {
        plaintext: canonicalize(csRequest),
        envelope: sealCsRequest(p, certificate.body, csRequest, { ephemeral }),
      },
      csReply: {
        plaintext: canonicalize(csResult),
        envelope: sealCsReply(p, replyKey, csResult, { nonce }),
      },
      payment: {
        plaintext: canonicalize(payment),
        envelope: sealPayment(p, offer.body.payeeEncKey, payment, { ephemeral }),
      },
      paymentResult: {
        plaintext: canonicalize(paymentResult),
        envelope: sealPaymentResult(p, replyKey, paymentResult, { nonce }),
      },
    },
    access: {
      tid: receipt.body.tid,
      resource: offer.body.resource,
      challenge: offer.body.challenge,
      proof: accessProof(p, seed(10), receipt.body.tid, offer.body.resource, offer.body.challenge),
    },
  };
}
