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
    adminCertify: '/v1/admin/certificates',
    /** Admin: certify a CS's RSA denomination key. */
    adminCertifyDenominationKey: '/v1/admin/denomination-keys',
    adminRevoke: '/v1/admin/revocations',
  },

  bank: {
    info: '/v1/info',
    /** Demo account opening. */
    accounts: '/v1/accounts',
    deposits: '/v1/deposits',
    /** Signed AccountRequest → AccountStatement. */
    statement: '/v1/statement',
    /** Admin: open a server's account (zero balance). */
    adminAccounts: '/v1/admin/accounts',
    adminAudit: '/v1/admin/audit',
  },

  cs: {
    info: '/v1/info',
    /** Sealed requests (figure 3), every op. */
    requests: '/v1/requests',
    adminAudit: '/v1/admin/audit',
  },
} as const;

/** Joins a base URL (with or without trailing slash) and a path. */
export function endpoint(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
