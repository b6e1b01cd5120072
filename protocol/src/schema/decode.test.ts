/**
 * Every decoder refuses malformed input with `malformed` (or `too-large`) and never throws:
 * property tests derive broken variants from valid examples — a field deleted, an extra field
 * added, a value of the wrong type, an oversize string, a float amount, padded base64url.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PayRequest } from '../bridge.ts';
import { canonicalize } from '../encoding/jcs.ts';
import * as credentials from './credentials.ts';
import * as cs from './cs-messages.ts';
import { decode, decodeJson, type Schema } from './decode.ts';
import { EXAMPLES, OPTIONAL_KEYS } from './examples.test-data.ts';
import * as objects from './objects.ts';
import * as payment from './payment-messages.ts';
import * as service from './service-messages.ts';

const SCHEMAS: Record<string, Schema<unknown>> = {
  Certificate: objects.Certificate,
  Coin: objects.Coin,
  Check: objects.Check,
  Offer: objects.Offer,
  Endorsement: objects.Endorsement,
  PaymentReceipt: objects.PaymentReceipt,
  CsReceipt: objects.CsReceipt,
  RevocationList: objects.RevocationList,
  AccountRequest: objects.AccountRequest,
  CsRequest: cs.CsRequest,
  BuyRequest: cs.CsRequest,
  CashoutRequest: cs.CsRequest,
  TripletRequest: cs.CsRequest,
  CsResult: cs.CsResult,
  CsRequestEnvelope: cs.CsRequestEnvelope,
  CsReplyEnvelope: cs.CsReplyEnvelope,
  Message1a: payment.PayeeMessage,
  Message1c: payment.PayeeMessage,
  Message2: payment.Message2,
  PaymentRequest: payment.PaymentRequest,
  PaymentRefundResult: payment.PaymentResult,
  DepositRequest: service.DepositRequest,
  AccountStatement: service.AccountStatement,
  AccountOpening: credentials.AccountOpening,
  CertificateRequest: credentials.CertificateRequest,
  Registration: credentials.Registration,
  PayRequest,
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/** Paths of every value in a JSON tree (objects' keys and array indices). */
function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i], ...paths(v, [...prefix, i]));
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      out.push([...prefix, k], ...paths(v, [...prefix, k]));
  }
  return out;
}

function clone(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

function at(root: Json, path: Path): { parent: Json; key: string | number } {
  let parent = root;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, Json>)[step]!;
  return { parent, key: path[path.length - 1]! };
}

type Mutation = 'delete' | 'extra' | 'wrong-type' | 'oversize' | 'float' | 'padded';

/** Applies a mutation at `path`; returns null when it would not make the message invalid. */
function mutate(example: Json, path: Path, mutation: Mutation): Json | null {
  const root = clone(example);
  const { parent, key } = at(root, path);
  const container = parent as Record<string | number, Json>;
  const value = container[key]!;
  switch (mutation) {
    case 'delete':
      if (Array.isArray(parent) || OPTIONAL_KEYS.has(String(key))) return null;
      delete container[key];
      return root;
    case 'extra':
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
      (value as Record<string, Json>).unexpected = 1;
      return root;
    case 'wrong-type':
      container[key] =
        typeof value === 'string'
          ? 7
          : typeof value === 'number'
            ? '7'
            : typeof value === 'boolean'
              ? 'true'
              : 'x';
      return root;
    case 'oversize':
      if (typeof value !== 'string') return null;
      container[key] = value + 'A'.repeat(400_000);
      return root;
    case 'float':
      if (typeof value !== 'number') return null;
      container[key] = value + 0.5;
      return root;
    case 'padded':
      // Only base64url values end up invalid with padding; other strings get '=' and may too.
      if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{16,}$/.test(value)) return null;
      container[key] = `${value}=`;
      return root;
  }
}

describe('decoders', () => {
  for (const [name, example] of Object.entries(EXAMPLES)) {
    const schema = SCHEMAS[name]!;

    it(`${name}: accepts the valid example`, () => {
      const result = decode(schema, example);
      expect(result.ok ? 'ok' : result.error.message).toBe('ok');
    });

    it(`${name}: gives back the value it was given (a digest of either is the same)`, () => {
      const result = decode(schema, example);
      expect(result.ok && canonicalize(result.value)).toBe(canonicalize(example));
    });

    it(`${name}: refuses every malformed variant with "malformed"`, () => {
      const all = paths(example as Json);
      fc.assert(
        fc.property(
          fc.constantFrom(...all),
          fc.constantFrom<Mutation>('delete', 'extra', 'wrong-type', 'oversize', 'float', 'padded'),
          (path, mutation) => {
            const broken = mutate(example as Json, path, mutation);
            if (broken === null) return;
            const result = decode(schema, broken);
            expect(result.ok, `${mutation} at ${path.join('.')}`).toBe(false);
            if (!result.ok) expect(result.error.code).toBe('malformed');
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('never throws on arbitrary values, only returns a typed error', () => {
    const schemas = Object.values(SCHEMAS);
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true, withMap: true }),
        fc.nat(schemas.length - 1),
        (value, i) => {
          const result = decode(schemas[i]!, value);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.code).toBe('malformed');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('decodeJson: refuses non-JSON as malformed and oversize text as too-large', () => {
    const bad = decodeJson(objects.Coin, '{"body":');
    expect(!bad.ok && bad.error.code).toBe('malformed');
    const big = decodeJson(objects.Coin, ' '.repeat(2000), 1000);
    expect(!big.ok && big.error.code).toBe('too-large');
  });

  it('refuses amounts given as floats, strings, negatives or beyond 2^53', () => {
    for (const value of [1.5, '5', -5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      const c = clone(EXAMPLES.Coin as Json) as { body: { value: unknown } };
      c.body.value = value;
      expect(decode(objects.Coin, c).ok).toBe(false);
    }
  });

  it('refuses a body of one type under another type', () => {
    const asReceipt = {
      ...(EXAMPLES.Coin as object),
      body: { ...(EXAMPLES.Coin as { body: object }).body, type: 'payment-receipt' },
    };
    expect(decode(objects.Coin, asReceipt).ok).toBe(false);
  });
});
