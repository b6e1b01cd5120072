/**
 * Both providers reproduce protocol/test-vectors/nc1.json byte for byte, verify every signature
 * in it, and open every sealed envelope in it with the recipient's key.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nobleProvider } from '../crypto/noble-provider.ts';
import { nodeProvider } from '../crypto/node-provider.ts';
import { fromB64u } from '../encoding/base64url.ts';
import { canonicalize } from '../encoding/jcs.ts';
import { CsResult } from '../schema/cs-messages.ts';
import { PaymentResult } from '../schema/payment-messages.ts';
import { openCsRequest, openPayment, openSymmetric } from '../seal.ts';
import { digest, verify } from '../signing.ts';
import { nc1Vectors } from './nc1-vectors.ts';

const stored = JSON.parse(
  readFileSync(new URL('../../test-vectors/nc1.json', import.meta.url), 'utf8'),
) as ReturnType<typeof nc1Vectors>;
const bytes = (b64u: string) => fromB64u(b64u)!;

for (const p of [nobleProvider, nodeProvider]) {
  describe(`NC1 vectors (${p.name})`, () => {
    it('reproduces the stored vectors byte for byte', () => {
      expect(JSON.parse(JSON.stringify(nc1Vectors(p)))).toEqual(stored);
    });

    it('verifies every signed object under its signer', () => {
      for (const [name, v] of Object.entries(stored.objects)) {
        expect(verify(p, v.signer, { body: v.body, sig: v.sig }), name).toBe(true);
      }
    });

    it('opens the sealed CS request and reply, and the payment and its result', () => {
      const req = openCsRequest(p, bytes(stored.keys.csEnc.seed), stored.sealed.csRequest.envelope);
      expect(req.ok && canonicalize(req.value.request)).toBe(stored.sealed.csRequest.plaintext);
      expect(req.ok && req.value.hash).toBe(
        digest(p, JSON.parse(stored.sealed.csRequest.plaintext)),
      );
      const reply = openSymmetric(
        p,
        CsResult,
        bytes(stored.keys.replyKey),
        stored.sealed.csReply.envelope.requestId,
        stored.sealed.csReply.envelope,
      );
      expect(reply.ok).toBe(true);
      const pay = openPayment(p, bytes(stored.keys.payeeEnc.seed), stored.sealed.payment.envelope);
      expect(pay.ok && pay.value.sid).toBe('article-1');
      const result = openSymmetric(
        p,
        PaymentResult,
        bytes(stored.keys.replyKey),
        stored.sealed.paymentResult.envelope.requestId,
        stored.sealed.paymentResult.envelope,
      );
      expect(result.ok && 'receipt' in result.value && result.value.receipt.body.tid).toBe(
        stored.access.tid,
      );
    });

    it('refuses an envelope opened with the wrong key or a changed AAD', () => {
      const env = stored.sealed.csRequest.envelope;
      const wrongKey = openCsRequest(p, bytes(stored.keys.payeeEnc.seed), env);
      expect(!wrongKey.ok && wrongKey.error.code).toBe('decrypt-failed');
      const moved = openCsRequest(p, bytes(stored.keys.csEnc.seed), { ...env, certId: 'cs1-2' });
      expect(!moved.ok && moved.error.code).toBe('decrypt-failed');
    });
  });
}
