/**
 * The audit's rules on books as the servers report them (PROTOCOL §4.6): the insurer's word for
 * a CS's limit and account, not the CS's; pending mints count against the limit; the checks a CS
 * says it deposited are those the bank cleared into its account; merchants can't hold more of a
 * CS's coins than it has outstanding. Each rule: books that keep it, then books that break it.
 */
import type { BankBooks, CertificateBody, CsBooks } from '@netcash/protocol';
import { describe, expect, it } from 'vitest';
import { auditCs, auditMerchants, snapshotNotes } from './checks.ts';

const cert: CertificateBody = {
  type: 'certificate',
  certId: 'cs1.x',
  csName: 'cs1',
  signKey: 'k',
  encKey: 'e',
  addresses: ['http://127.0.0.1:1'],
  currency: 'NCD',
  denominations: [1, 5],
  mintLimit: 1_000,
  bank: 'bank',
  account: 'acct-cs1',
  insurer: 'i',
  issued: 0,
  expires: 10_000,
  redeemFor: 86_400,
};

const books: CsBooks = {
  csName: 'cs1',
  currency: 'NCD',
  date: 100,
  outstanding: { count: 2, value: 600 },
  minted: 600,
  redeemed: 0,
  expired: 0,
  pending: { count: 0, value: 0 },
  checksWritten: [],
  deposited: 600,
  bank: 'bank',
  account: 'acct-cs1',
  mintLimit: 1_000,
};

const bank: BankBooks = {
  name: 'bank',
  currency: 'NCD',
  date: 100,
  ledgerSum: 0,
  accounts: [
    {
      account: 'acct-cs1',
      holder: 'currency server cs1',
      kind: 'server',
      balance: 600,
      ledgerBalance: 600,
      received: 600,
    },
  ],
  cleared: [],
};

const withReceived = (received: number, balance = received): BankBooks => ({
  ...bank,
  accounts: [{ ...bank.accounts[0]!, received, balance, ledgerBalance: balance }],
});

describe('the audit of a currency server', () => {
  it('passes books that keep every rule', () => {
    expect(auditCs(books, cert, bank)).toEqual([]);
  });

  it("takes the mint limit from the insurer's certificate, not from the CS's books", () => {
    const claims = { ...books, mintLimit: 10 ** 12, outstanding: { count: 9, value: 1_200 } };
    expect(
      auditCs({ ...claims, minted: 1_200, deposited: 1_200 }, cert, withReceived(1_200)),
    ).toEqual([
      'cs1: reports mint limit 1000000000000, the insurer set 1000',
      'cs1: outstanding 1200 + pending 0 exceeds the mint limit 1000 the insurer set',
    ]);
  });

  it('counts pending mints against the limit', () => {
    const pending = { ...books, pending: { count: 1, value: 500 } };
    expect(auditCs(pending, cert, bank)).toEqual([
      'cs1: outstanding 600 + pending 500 exceeds the mint limit 1000 the insurer set',
    ]);
  });

  it('finds an account other than the certified one', () => {
    expect(auditCs({ ...books, account: 'acct-cs2' }, cert, bank)).toEqual([
      'cs1: books name account acct-cs2 at bank, the insurer certified acct-cs1 at bank',
    ]);
  });

  it('matches the deposits of its books with what the bank cleared into its account', () => {
    // The bank may be ahead by a mint still pending (cleared, not yet booked by the CS)...
    const inFlight = { ...books, pending: { count: 1, value: 100 } };
    expect(auditCs(inFlight, cert, withReceived(700))).toEqual([]);
    // ...never by more, and never behind.
    expect(auditCs(books, cert, withReceived(700))).toEqual([
      'cs1: deposited 600 by its books (pending 0), but bank cleared 700 into acct-cs1',
    ]);
    expect(auditCs(books, cert, withReceived(500, 600))).toEqual([
      'cs1: deposited 600 by its books (pending 0), but bank cleared 500 into acct-cs1',
    ]);
  });

  it("says so when its bank's books were not given", () => {
    expect(auditCs(books, { ...cert, bank: 'bank2' }, undefined)).toEqual([
      'cs1: books name account acct-cs1 at bank, the insurer certified acct-cs1 at bank2',
      'cs1: the books of its bank bank2 were not given',
    ]);
  });
});

describe('the audit of merchants', () => {
  it("refuses merchants holding more of a CS's coins than it has outstanding", () => {
    const holds = (value: number) => [{ name: 'shop', coins: { cs1: value }, checks: [] }];
    expect(auditMerchants(holds(600), [books], [bank])).toEqual([]);
    expect(auditMerchants(holds(601), [books], [bank])).toEqual([
      'cs1: merchants hold 601 of its coins, but only 600 is outstanding',
    ]);
  });

  it('finds a check a merchant waits on that the CS did not write, or that already cleared', () => {
    const wrote = {
      ...books,
      checksWritten: [{ checkNo: 'c1', payee: 'acct-shop', amount: 50, expires: 1_000 }],
    };
    const waits = (checkNo: string) => [
      { name: 'shop', coins: {}, checks: [{ cs: 'cs1', checkNo, amount: 50 }] },
    ];
    expect(auditMerchants(waits('c1'), [wrote], [bank])).toEqual([]);
    expect(auditMerchants(waits('c2'), [wrote], [bank])).toEqual([
      'shop: holds check c2 (50) that cs1 did not write',
    ]);
    const cleared = {
      ...bank,
      cleared: [{ drawer: 'acct-cs1', checkNo: 'c1', payee: 'acct-shop', amount: 50 }],
    };
    expect(auditMerchants(waits('c1'), [wrote], [cleared])).toEqual([
      'shop: holds check c1 of cs1 that already cleared',
    ]);
  });
});

describe('books read without one snapshot', () => {
  it('says so for each bank and CS whose database had none, and only for them', () => {
    expect(snapshotNotes([bank], [books])).toEqual([]);
    expect(
      snapshotNotes(
        [{ ...bank, atOneSnapshot: false }],
        [books, { ...books, csName: 'cs2', atOneSnapshot: false }],
      ),
    ).toEqual([
      'bank bank: books not read at one snapshot (the database has none across shards); a difference there may be a transfer in flight — audit again',
      'cs2: books not read at one snapshot (the database has none across shards); a difference there may be a transfer in flight — audit again',
    ]);
  });
});
