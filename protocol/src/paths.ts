/**
 * HTTP paths of every NetCash endpoint, relative to a party's base URL (a certificate address,
 * the bank or insurer URL). docs/PROTOCOL.md describes each; code uses these constants.
 */
export const PATHS = {
  /** Every server: `{"status":"ok", ...}`. */
  health: '/v1/health',

  insurer: {
    info: '/v1/info',
    certificates: '/v1/certificates',
    /** + `/{certId}` */
    certificate: '/v1/certificates/',
    revocations: '/v1/revocations',
    /** + `/{csName}` */
    directory: '/v1/directory/',
    /** Unexpired blind-rsa denomination keys (SPEC §7). */
    denominationKeys: '/v1/denomination-keys',
    /** + `/{keyId}` */
    denominationKey: '/v1/denomination-keys/',
    /** A CS's signed certificate-request (its enrollment key) → Certificate. */
    enrollCertificate: '/v1/enrollment/certificates',
    /** A CS's signed denomination-key-request (its enrollment key) → DenominationKey. */
    enrollDenominationKey: '/v1/enrollment/denomination-keys',
    /** Operator (admin token): register a CS (POST), list registrations (GET). */
    adminRegistrations: '/v1/admin/registrations',
    /** Operator (admin token): revoke a certificate or denomination key. */
    adminRevoke: '/v1/admin/revocations',
  },

  bank: {
    info: '/v1/info',
    /** Signed AccountOpening → OpenAccountReply (demo starting balance in demo mode only). */
    accounts: '/v1/accounts',
    deposits: '/v1/deposits',
    /** Signed AccountRequest → AccountStatement. */
    statement: '/v1/statement',
    /** The auditor's token → BankBooks. */
    adminAudit: '/v1/admin/audit',
  },

  cs: {
    info: '/v1/info',
    /** Sealed requests (figure 3), every op. */
    requests: '/v1/requests',
    /** The auditor's token → CsBooks. */
    adminAudit: '/v1/admin/audit',
    /** Admin: a new key pair and certificate now (`netcash cs rotate`). */
    adminRotate: '/v1/admin/rotate',
  },
} as const;

/** Joins a base URL (with or without trailing slash) and a path. */
export function endpoint(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
