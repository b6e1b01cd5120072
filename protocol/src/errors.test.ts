import { describe, expect, it } from 'vitest';
import { asNetCashError, ERROR_CODES, fail, isErrorCode, NetCashError, unwrap } from './errors.ts';
import { decode } from './schema/decode.ts';
import { ErrorReply } from './schema/service-messages.ts';

describe('error registry', () => {
  it('gives every code an HTTP status of 4xx/5xx and a bridge number', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(info.status).toBeGreaterThanOrEqual(400);
      expect(info.status).toBeLessThan(600);
      expect(Number.isInteger(info.rpc)).toBe(true);
      expect(info.text.length).toBeGreaterThan(0);
    }
  });

  it('uses the EIP-1193 numbers for the bridge codes pages know', () => {
    expect(ERROR_CODES['user-rejected'].rpc).toBe(4001);
    expect(ERROR_CODES.unauthorized.rpc).toBe(4100);
    expect(ERROR_CODES['unsupported-op'].rpc).toBe(4200);
  });

  it('round-trips a refusal through its wire form', () => {
    const error = new NetCashError('double-spent', 'serial X', { serial: 'X' });
    const wire = JSON.parse(JSON.stringify({ error: error.toBody() }));
    const decoded = decode(ErrorReply, wire);
    expect(decoded.ok).toBe(true);
    if (decoded.ok) {
      const back = NetCashError.fromBody(decoded.value.error);
      expect(back.code).toBe('double-spent');
      expect(back.status).toBe(409);
      expect(back.detail).toEqual({ serial: 'X' });
    }
  });

  it('refuses an unregistered code on the wire', () => {
    expect(decode(ErrorReply, { error: { code: 'oops', message: '' } }).ok).toBe(false);
    expect(isErrorCode('oops')).toBe(false);
    expect(isErrorCode('expired')).toBe(true);
  });

  it('maps unknown exceptions to internal and unwraps results', () => {
    expect(asNetCashError(new TypeError('x')).code).toBe('internal');
    expect(() => unwrap(fail('revoked'))).toThrow(NetCashError);
  });
});
