/** The servers a hostile request is aimed at, and the request itself (requests.ts). */

/** What the generator needs to know of the servers under test. */
export interface Targets {
  readonly insurer: { url: string; adminToken: string };
  readonly bank: { url: string; auditToken: string };
  readonly cs: readonly {
    url: string;
    auditToken: string;
    certId: string;
    encKey: string;
    name: string;
    bank: string;
    account: string;
  }[];
  readonly publisher: {
    url: string;
    payPath: string;
    paidPaths: readonly string[];
    encKey: string;
    sid: string;
  };
}

export interface HostileRequest {
  readonly server: string;
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}
