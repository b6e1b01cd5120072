/**
 * The CS's opening of a sealed request gives the request and its digest — `digest(request)`, the
 * hash kept with its request id — whether the wallet sealed canonical JSON (hashed as it is) or
 * any other spelling of the same request (canonicalized first).
 */
import { describe, expect, it } from 'vitest';
import { hpkeSeal } from './crypto/hpke.ts';
import { nodeProvider as p } from './crypto/node-provider.ts';
import { toB64u } from './encoding/base64url.ts';
import { canonicalize } from './encoding/jcs.ts';
import { utf8 } from './encoding/utf8.ts';
import { EXAMPLES } from './schema/examples.test-data.ts';
import { openCsRequest, sealCsRequest } from './seal.ts';
import { digest } from './signing.ts';

const keys = p.x25519.keygen();
const to = { certId: 'cs1-2026-11', encKey: toB64u(keys.publicKey) };
const request = EXAMPLES.CsRequest as Parameters<typeof sealCsRequest>[2];

/** `text` sealed as step 1 is, whatever its spelling. */
function sealText(text: string) {
  const sealed = hpkeSeal(
    p,
    keys.publicKey,
    utf8('NetCash-v1 cs-request'),
    utf8(to.certId),
    utf8(text),
  );
  return { certId: to.certId, enc: toB64u(sealed.enc), ct: toB64u(sealed.ct) };
}

describe('openCsRequest', () => {
  it('gives the digest of the request sealed canonical, as wallets seal it', () => {
    const opened = openCsRequest(p, keys.secretKey, sealCsRequest(p, to, request));
    expect(opened.ok && canonicalize(opened.value.request)).toBe(canonicalize(request));
    expect(opened.ok && opened.value.hash).toBe(digest(p, request));
  });

  it('gives the same digest for any other spelling of the same request', () => {
    const reversed = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reversed)
        : typeof value === 'object' && value !== null
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reversed(v)]),
            )
          : value;
    const reordered = reversed(JSON.parse(canonicalize(request)));
    const spellings = [
      JSON.stringify(request),
      JSON.stringify(request, null, 2),
      JSON.stringify(reordered),
      canonicalize(request).replace('"op":"exchange"', '"op":"\\u0065xchange"'),
    ];
    for (const text of spellings) {
      expect(text).not.toBe(canonicalize(request));
      const opened = openCsRequest(p, keys.secretKey, sealText(text));
      expect(opened.ok && opened.value.hash, text).toBe(digest(p, request));
    }
  });

  it('refuses what does not open or decode, as before', () => {
    const wrong = openCsRequest(p, p.x25519.keygen().secretKey, sealCsRequest(p, to, request));
    expect(!wrong.ok && wrong.error.code).toBe('decrypt-failed');
    const notUtf8 = hpkeSeal(
      p,
      keys.publicKey,
      utf8('NetCash-v1 cs-request'),
      utf8(to.certId),
      new Uint8Array([0xff]),
    );
    const bad = openCsRequest(p, keys.secretKey, {
      certId: to.certId,
      enc: toB64u(notUtf8.enc),
      ct: toB64u(notUtf8.ct),
    });
    expect(!bad.ok && bad.error.message).toBe('plaintext is not UTF-8');
    const float = openCsRequest(
      p,
      keys.secretKey,
      sealText(canonicalize(request).replace('[2,2,1]', '[2,2,1.0]')),
    );
    expect(!float.ok && float.error.code).toBe('malformed');
    const extra = openCsRequest(
      p,
      keys.secretKey,
      sealText(canonicalize({ ...request, extra: 1 })),
    );
    expect(!extra.ok && extra.error.code).toBe('malformed');
  });
});
