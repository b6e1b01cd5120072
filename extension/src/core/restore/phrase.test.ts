/**
 * The recovery phrase (SPEC §13, docs/PROTOCOL.md §4.8): 12 BIP-39 words whose seed is BIP-39's
 * (checked against Node's own PBKDF2, not the library that made it); a phrase with a word
 * missing, a word off the list or a wrong checksum is refused in words; onboarding's check
 * accepts only the right words and names a wrong one; a wallet that holds an account takes no
 * other phrase, so a restore never mixes two wallets.
 */
import { pbkdf2Sync } from 'node:crypto';
import { NetCashError } from '@netcash/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Federation, openWallet, readyWallet, startFederation } from '../testing/harness.ts';
import { newPhrase, seedOf } from './phrase.ts';

const refusal = (work: () => unknown): NetCashError => {
  try {
    work();
  } catch (error) {
    if (error instanceof NetCashError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('the recovery phrase', () => {
  it('is 12 BIP-39 words, new each time, whose seed is PBKDF2-SHA512 of the words', () => {
    const phrase = newPhrase();
    expect(phrase.split(' ')).toHaveLength(12);
    expect(newPhrase()).not.toBe(phrase);
    const bip39 = pbkdf2Sync(phrase.normalize('NFKD'), 'mnemonic', 2048, 64, 'sha512');
    expect(Buffer.from(seedOf(phrase).seed)).toEqual(bip39);
    // As a person types it: capitals, extra blanks, a line break.
    const typed = `  ${phrase.toUpperCase().split(' ').join('   ')}\n`;
    expect(seedOf(typed)).toEqual(seedOf(phrase));
  });

  it('refuses in words a word missing, a word not on the list, a wrong checksum', () => {
    const words = newPhrase().split(' ');
    const wrongs = [
      words.slice(1).join(' '),
      [...words.slice(0, 11), 'netcash'].join(' '),
      'abandon '.repeat(12),
    ];
    for (const wrong of wrongs) {
      const error = refusal(() => seedOf(wrong));
      expect(error.code).toBe('bad-phrase');
      expect(error.message).toMatch(/12 words .* check the words and their order/);
    }
  });
});

describe('the phrase in a wallet', () => {
  let fed: Federation;
  beforeAll(async () => {
    fed = await startFederation({ csCount: 1 });
  });
  afterAll(async () => {
    await fed?.stop();
  });

  it('is confirmed by the right words only; a wrong word is named and changes nothing', async () => {
    const { wallet } = await openWallet();
    const { words, confirmed } = await wallet.recovery.phrase();
    expect(confirmed).toBe(false);
    const wrong = words[2] === 'zoo' ? 'abandon' : 'zoo';
    const attempts = [
      [],
      [
        { position: 1, word: words[0]! },
        { position: 3, word: wrong },
      ],
    ];
    for (const answers of attempts) {
      await expect(wallet.recovery.confirm(answers)).rejects.toMatchObject({ code: 'bad-phrase' });
    }
    await expect(wallet.recovery.confirm(attempts[1]!)).rejects.toThrow(/Word 3 does not match/);
    expect((await wallet.recovery.phrase()).confirmed).toBe(false);
    await wallet.recovery.confirm([
      { position: 1, word: words[0]! },
      { position: 12, word: ` ${words[11]!.toUpperCase()}` },
    ]);
    expect(await wallet.recovery.phrase()).toEqual({ words, confirmed: true });
    wallet.close();
  });

  it('is not replaced in a wallet that holds an account: wallet-in-use, the phrase stays', async () => {
    const { wallet } = await readyWallet(fed);
    const { words } = await wallet.recovery.phrase();
    await expect(wallet.recovery.adopt(newPhrase())).rejects.toMatchObject({
      code: 'wallet-in-use',
      message: expect.stringMatching(/restore the phrase into a new wallet/),
    });
    expect((await wallet.recovery.phrase()).words).toEqual(words);
    // Its own phrase again is no change, and a bad one is refused before anything is read.
    await wallet.recovery.adopt(words.join(' '));
    await expect(wallet.recovery.adopt('abandon '.repeat(12))).rejects.toMatchObject({
      code: 'bad-phrase',
    });
    expect((await wallet.recovery.phrase()).words).toEqual(words);
    wallet.close();
  });
});
