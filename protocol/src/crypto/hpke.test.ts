/**
 * HPKE against RFC 9180 Appendix A.2.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * ChaCha20Poly1305, base mode) on both providers: KEM output, key schedule, every listed
 * encryption (sequence numbers 0, 1, 2, 4, 255, 256) and every exported value.
 */
import { describe, expect, it } from 'vitest';
import v from '../../test-vectors/rfc/hpke-rfc9180-a2.json';
import { decap, encap, hpkeOpen, hpkeSeal, keySchedule, setupBaseR, setupBaseS } from './hpke.ts';
import { nobleProvider } from './noble-provider.ts';
import { nodeProvider } from './node-provider.ts';
import { CryptoError, type CryptoProvider } from './provider.ts';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString('hex');

const ephemeral = { secretKey: hex(v.skEm), publicKey: hex(v.pkEm) };
const info = hex(v.info);
const lastSeq = v.encryptions.at(-1)!.sequence_number;

describe.each([nobleProvider, nodeProvider])(
  'HPKE RFC 9180 A.2.1 on $name',
  (p: CryptoProvider) => {
    it('vector key pairs match (skRm → pkRm, skEm → pkEm)', () => {
      expect(toHex(p.x25519.publicKey(hex(v.skRm)))).toBe(v.pkRm);
      expect(toHex(p.x25519.publicKey(hex(v.skEm)))).toBe(v.pkEm);
    });

    it('Encap with skEm and Decap give enc and shared_secret', () => {
      const sent = encap(p, hex(v.pkRm), ephemeral);
      expect(toHex(sent.enc)).toBe(v.enc);
      expect(toHex(sent.sharedSecret)).toBe(v.shared_secret);
      expect(toHex(decap(p, hex(v.enc), hex(v.skRm)))).toBe(v.shared_secret);
    });

    it('KeySchedule gives key_schedule_context, secret, key, base_nonce, exporter_secret', () => {
      const values = keySchedule(p, hex(v.shared_secret), info);
      expect(toHex(values.keyScheduleContext)).toBe(v.key_schedule_context);
      expect(toHex(values.secret)).toBe(v.secret);
      expect(toHex(values.key)).toBe(v.key);
      expect(toHex(values.baseNonce)).toBe(v.base_nonce);
      expect(toHex(values.exporterSecret)).toBe(v.exporter_secret);
    });

    it('the sender context seals every listed sequence number to the listed ct', () => {
      const { enc, context } = setupBaseS(p, hex(v.pkRm), info, ephemeral);
      expect(toHex(enc)).toBe(v.enc);
      const byseq = new Map(v.encryptions.map((e) => [e.sequence_number, e]));
      for (let seq = 0; seq <= lastSeq; seq++) {
        expect(context.seq).toBe(seq);
        const listed = byseq.get(seq);
        // Unlisted sequence numbers are sealed only to advance the counter, as the RFC's runs did.
        const ct = context.seal(hex(listed?.aad ?? ''), hex(listed?.pt ?? ''));
        if (listed !== undefined) expect(toHex(ct)).toBe(listed.ct);
      }
      expect(context.seq).toBe(lastSeq + 1);
    });

    it('the recipient context opens every listed ct at its sequence number', () => {
      const sender = setupBaseS(p, hex(v.pkRm), info, ephemeral).context;
      const recipient = setupBaseR(p, hex(v.enc), hex(v.skRm), info);
      const byseq = new Map(v.encryptions.map((e) => [e.sequence_number, e]));
      for (let seq = 0; seq <= lastSeq; seq++) {
        const listed = byseq.get(seq);
        const ct = listed ? hex(listed.ct) : sender.seal(new Uint8Array(), new Uint8Array());
        if (listed) sender.seal(hex(listed.aad), hex(listed.pt)); // keep the sender in step
        const pt = recipient.open(hex(listed?.aad ?? ''), ct);
        expect(toHex(pt)).toBe(listed?.pt ?? '');
      }
    });

    it('a failed open does not advance the sequence number', () => {
      const recipient = setupBaseR(p, hex(v.enc), hex(v.skRm), info);
      const first = v.encryptions[0]!;
      expect(recipient.open(hex(v.encryptions[1]!.aad), hex(first.ct))).toBeNull();
      expect(recipient.seq).toBe(0);
      expect(toHex(recipient.open(hex(first.aad), hex(first.ct)))).toBe(first.pt);
      expect(recipient.seq).toBe(1);
    });

    it('both contexts export the listed values', () => {
      const sender = setupBaseS(p, hex(v.pkRm), info, ephemeral).context;
      const recipient = setupBaseR(p, hex(v.enc), hex(v.skRm), info);
      for (const e of v.exports) {
        expect(toHex(sender.export(hex(e.exporter_context), e.L))).toBe(e.exported_value);
        expect(toHex(recipient.export(hex(e.exporter_context), e.L))).toBe(e.exported_value);
      }
    });

    it('single-shot hpkeSeal/hpkeOpen are sequence number 0', () => {
      const first = v.encryptions[0]!;
      const sealed = hpkeSeal(p, hex(v.pkRm), info, hex(first.aad), hex(first.pt), ephemeral);
      expect(toHex(sealed.enc)).toBe(v.enc);
      expect(toHex(sealed.ct)).toBe(first.ct);
      const pt = hpkeOpen(p, hex(v.skRm), hex(v.enc), info, hex(first.aad), hex(first.ct));
      expect(toHex(pt)).toBe(first.pt);
    });

    it('hpkeOpen returns null for a bad enc, a small-order enc, a wrong info or aad', () => {
      const first = v.encryptions[0]!;
      const open = (enc: Uint8Array, inf: Uint8Array, aad: Uint8Array) =>
        hpkeOpen(p, hex(v.skRm), enc, inf, aad, hex(first.ct));
      expect(open(hex(v.enc).subarray(1), info, hex(first.aad))).toBeNull();
      expect(open(new Uint8Array(32), info, hex(first.aad))).toBeNull();
      expect(open(hex(v.enc), info.subarray(1), hex(first.aad))).toBeNull();
      expect(open(hex(v.enc), info, hex(v.encryptions[1]!.aad))).toBeNull();
      expect(
        hpkeOpen(p, hex(v.skRm), hex(v.enc), info, hex(first.aad), new Uint8Array(3)),
      ).toBeNull();
    });

    it('hpkeSeal throws CryptoError for a small-order or short recipient key', () => {
      const pt = new Uint8Array(1);
      expect(() => hpkeSeal(p, new Uint8Array(32), info, pt, pt)).toThrow(CryptoError);
      expect(() => hpkeSeal(p, new Uint8Array(31), info, pt, pt)).toThrow(CryptoError);
    });

    it('fresh ephemeral keys: two seals of one message differ and both open', () => {
      const pt = new Uint8Array([1, 2, 3]);
      const a = hpkeSeal(p, hex(v.pkRm), info, pt, pt);
      const b = hpkeSeal(p, hex(v.pkRm), info, pt, pt);
      expect(toHex(a.enc)).not.toBe(toHex(b.enc));
      expect(hpkeOpen(p, hex(v.skRm), a.enc, info, pt, a.ct)).toEqual(pt);
      expect(hpkeOpen(p, hex(v.skRm), b.enc, info, pt, b.ct)).toEqual(pt);
    });
  },
);
