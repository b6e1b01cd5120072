/**
 * Everything a currency server operation needs, in one object handed to the op modules
 * (exchange.ts, buy.ts, cashout.ts, foreign.ts, triplet.ts): who the CS is, its keys, its
 * books, what it trusts, its bank, its clock and its limits. Built once at startup (server.ts).
 */
import type { CertificateBody, CryptoProvider } from '@netcash/protocol';
import type { Logger } from '@netcash/server-kit';
import type { Clock } from '../config.ts';
import type { BankClient } from './bank-client.ts';
import type { BlindKeyRing } from './blind-keys.ts';
import type { KeyRing } from './keyring.ts';
import type { CsStore } from './store.ts';
import type { CsTrust } from './trust.ts';

export interface CsLimits {
  readonly denominations: readonly number[];
  readonly coinLifetime: number;
  readonly checkLifetime: number;
  readonly maxInstruments: number;
  readonly maxBodyBytes: number;
  readonly outboundTimeoutMs: number;
}

export interface CsContext {
  readonly p: CryptoProvider;
  readonly name: string;
  readonly currency: string;
  /** The bank and account backing this CS's coins. */
  readonly bank: string;
  readonly account: string;
  readonly keys: KeyRing;
  /** Blind-rsa denomination keys (SPEC §7); null when this CS mints nc1 coins only. */
  readonly blind: BlindKeyRing | null;
  readonly store: CsStore;
  readonly trust: CsTrust;
  readonly bankClient: BankClient;
  readonly now: Clock;
  readonly limits: CsLimits;
  readonly log: Logger;
  /** The certificate new coins are minted under (newest key, current addresses). */
  currentCertificate(): CertificateBody;
}
