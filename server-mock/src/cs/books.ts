/**
 * What a currency server shows of itself (docs/PROTOCOL.md §4.1, §4.6): its public info — the
 * certificates its coins and requests name, its coin values, blind-rsa denomination keys still
 * taking withdrawals, its limits — and, to the auditor, its books with what is still owed under
 * revoked certificates and keys (what honest holders may yet recoup).
 */
import type { CsBooks, CsInfo } from '@netcash/protocol';
import type { CsContext } from './context.ts';

export function csInfo(ctx: CsContext, maxBodyBytes: number): CsInfo {
  const now = ctx.now();
  const { limits, blind, trust } = ctx;
  // Newest first: later keys (and later certificates of one key) before earlier ones.
  const certificates = [...ctx.keys.certificates]
    .reverse()
    .filter((c) => c.body.expires > now)
    .sort((a, b) => b.body.issued - a.body.issued)
    .slice(0, 100);
  return {
    csName: ctx.name,
    currency: ctx.currency,
    certificates,
    denominations: [...limits.denominations],
    bank: ctx.bank,
    account: ctx.account,
    limits: {
      maxInstruments: limits.maxInstruments,
      maxBodyBytes,
      coinLifetime: limits.coinLifetime,
    },
    // Keys to withdraw under and whose coins still pay: not revoked, not past depositUntil.
    ...(blind === null
      ? {}
      : {
          denominationKeys: blind
            .published(now)
            .filter((k) => k.body.depositUntil > now && !trust.store.isRevoked(k.body))
            .slice(0, 1000),
        }),
  };
}

export async function csBooks(ctx: CsContext): Promise<CsBooks> {
  const b = await ctx.store.books();
  const trust = ctx.trust.store;
  // Still owed under revoked certificates and keys: what honest holders may yet recoup.
  const revoked = { count: 0, value: 0 };
  for (const row of b.byCert) {
    const cert = trust.certificate(row.certId);
    if (cert !== undefined && trust.isRevoked(cert)) {
      revoked.count += row.count;
      revoked.value += row.value;
    }
  }
  for (const k of b.blindRsa.keys) {
    const key = trust.denominationKey(k.keyId);
    if (key !== undefined && trust.isRevoked(key)) {
      revoked.count += k.withdrawn - k.spent;
      revoked.value += (k.withdrawn - k.spent) * k.value;
    }
  }
  return {
    csName: ctx.name,
    currency: ctx.currency,
    date: ctx.now(),
    outstanding: b.outstanding,
    minted: b.minted,
    redeemed: b.redeemed,
    expired: b.expired,
    late: b.late,
    recouped: b.recouped,
    revoked,
    pending: b.pending,
    checksWritten: b.checksWritten,
    deposited: b.deposited,
    bank: ctx.bank,
    account: ctx.account,
    mintLimit: ctx.currentCertificate().mintLimit,
    blindRsa: b.blindRsa,
    ...(b.atOneSnapshot === false ? { atOneSnapshot: false as const } : {}),
  };
}
