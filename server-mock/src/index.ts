/**
 * @netcash/server — the reference NetCash federation: the insurer (the paper's FIC), a bank
 * (the accounting infrastructure), currency servers, the federation audit, and test harnesses
 * (an in-process federation, a test shopper and payor, a fault-injecting proxy, the forensic reader of
 * SQLite files the privacy tests search). Serving, SQL and logging
 * come from @netcash/server-kit.
 */
export {
  type AuditReport,
  type AuditTarget,
  type AuditTargets,
  auditFederation,
} from './audit/audit.ts';
export { type BankConfig, type RunningBank, startBank } from './bank/server.ts';
export type { Flag, Parsed } from './cli/args.ts';
export { runCommand } from './cli/run.ts';
export { DEFAULT_PORTS } from './cli/serve.ts';
export {
  type UpAddition,
  type UpFederation,
  type UpParty,
  upCommandWith,
} from './cli/up.ts';
export { DEFAULTS, systemNow } from './config.ts';
export { type CsConfig, type RunningCs, startCurrencyServer } from './cs/server.ts';
export { bearerToken, ensureDir } from './datadir.ts';
export { type InsurerConfig, type RunningInsurer, startInsurer } from './insurer/server.ts';
export {
  freePortBlock,
  type NetcashChild,
  runNetcash,
  spawnCli,
  spawnNetcash,
  spawnReady,
} from './testing/child.ts';
export { codeOf, TestClient } from './testing/client.ts';
export { type Fault, type FaultProxy, startFaultProxy } from './testing/fault-proxy.ts';
export {
  enrollCs,
  type Federation,
  type FederationOptions,
  startFederation,
} from './testing/federation.ts';
export { dumpServer, residue, type ServerDump } from './testing/forensics/dump.ts';
export {
  type Evidence,
  findLinks,
  type Link,
  tokensOf,
  withDerived,
} from './testing/forensics/linker.ts';
export {
  authorization,
  fetchOffer,
  type PayOptions,
  type Purchase,
  pay,
  paymentAuthorization,
  paymentMessage,
  sendPayment,
} from './testing/payor.ts';
export { startProxiedCs } from './testing/proxied-cs.ts';
