/**
 * The recovery phrase (SPEC §13, docs/PROTOCOL.md §4.8): 12 words of the BIP-39 English list
 * (128 bits of entropy and a 4-bit checksum), turned into the 64-byte BIP-39 seed every recovery
 * secret is derived from (derive.ts). `@scure/bip39` does the word list, checksum and PBKDF2.
 */
import { NetCashError } from '@netcash/protocol';
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';

export const PHRASE_WORDS = 12;

/** A fresh phrase from the CSPRNG (crypto.getRandomValues, through @noble/hashes). */
export function newPhrase(): string {
  return generateMnemonic(wordlist, 128);
}

/** The phrase as BIP-39 wants it: lower case, single spaces, no outer blanks. */
export function normalizePhrase(text: string): string {
  return text.trim().toLowerCase().split(/\s+/u).join(' ');
}

/** The BIP-39 seed of a phrase; `bad-phrase` for a wrong word, count or checksum. */
export function seedOf(text: string): { phrase: string; seed: Uint8Array } {
  const phrase = normalizePhrase(text);
  if (phrase.split(' ').length !== PHRASE_WORDS || !validateMnemonic(phrase, wordlist)) {
    throw new NetCashError(
      'bad-phrase',
      `A recovery phrase is ${PHRASE_WORDS} words from the BIP-39 list, with a valid checksum: check the words and their order.`,
    );
  }
  return { phrase, seed: mnemonicToSeedSync(phrase) };
}
