/**
 * The registry of coin schemes and the dispatchers every party calls: given a coin of any scheme,
 * they pick its implementation (types.ts) by `body.scheme`.
 */
import type { CryptoProvider } from '../../crypto/provider.ts';
import type { Result } from '../../errors.ts';
import type {
  AnyCoin,
  AnyCoinBody,
  BlindRsaCoin,
  Certificate,
  Coin,
  CoinSchemeName,
  DenominationKey,
} from '../../schema/objects.ts';
import type { TrustStore } from '../../trust.ts';
import { blindRsaScheme } from './blind-rsa.ts';
import { nc1Scheme } from './nc1.ts';
import type { CoinScheme, CoinWindows, Credential } from './types.ts';

export type { CoinScheme, CoinWindows, Credential } from './types.ts';

export const COIN_SCHEMES: {
  readonly nc1: CoinScheme<Coin>;
  readonly 'blind-rsa': CoinScheme<BlindRsaCoin>;
} = { nc1: nc1Scheme, 'blind-rsa': blindRsaScheme };

/** What a caller may ask of any coin's scheme without knowing which it is. */
interface AnyScheme {
  readonly name: CoinSchemeName;
  readonly ledger: 'outstanding' | 'spent';
  signerId(): string;
  spendId(): string;
  credential(trust: TrustStore): Credential | undefined;
  verify(p: CryptoProvider, trust: TrustStore, now: number): Result<AnyCoinBody>;
  windows(trust: TrustStore): Result<CoinWindows>;
  signatureValid(p: CryptoProvider, trust: TrustStore): boolean;
}

/** The scheme of `coin`, bound to it. */
export function schemeOf(coin: AnyCoin): AnyScheme {
  const { body, sig } = coin;
  if (body.scheme === 'blind-rsa') {
    const s = COIN_SCHEMES['blind-rsa'];
    return {
      name: s.name,
      ledger: s.ledger,
      signerId: () => s.signerId(body),
      spendId: () => s.spendId(body),
      credential: (trust) => s.credential(trust, body),
      verify: (p, trust, now) => s.verify(p, trust, { body, sig }, now),
      windows: (trust) => s.windows(trust, body),
      signatureValid: (p, trust) => s.signatureValid(p, trust, { body, sig }),
    };
  }
  const s = COIN_SCHEMES.nc1;
  return {
    name: s.name,
    ledger: s.ledger,
    signerId: () => s.signerId(body),
    spendId: () => s.spendId(body),
    credential: (trust) => s.credential(trust, body),
    verify: (p, trust, now) => s.verify(p, trust, { body, sig }, now),
    windows: (trust) => s.windows(trust, body),
    signatureValid: (p, trust) => s.signatureValid(p, trust, { body, sig }),
  };
}

/** A coin's windows and its key's revocation, from the held key alone (no signature checked). */
export function windowsOf(trust: TrustStore, body: AnyCoinBody): Result<CoinWindows> {
  return body.scheme === 'blind-rsa'
    ? COIN_SCHEMES['blind-rsa'].windows(trust, body)
    : COIN_SCHEMES.nc1.windows(trust, body);
}

/** Id of the key that signed a coin (certId or keyId): what a verifier must hold to check it. */
export function signerIdOf(body: AnyCoinBody): string {
  return body.scheme === 'blind-rsa'
    ? COIN_SCHEMES['blind-rsa'].signerId(body)
    : COIN_SCHEMES.nc1.signerId(body);
}

/** What the issuing CS records against double spending for this coin. */
export function spendIdOf(body: AnyCoinBody): string {
  return body.scheme === 'blind-rsa'
    ? COIN_SCHEMES['blind-rsa'].spendId(body)
    : COIN_SCHEMES.nc1.spendId(body);
}

/**
 * The certificates and denomination keys that vouch for `coins`, deduplicated, to send along
 * with them (paper figure 4, footnote 2). Unknown ones are left out.
 */
export function credentialsOf(
  trust: TrustStore,
  coins: readonly AnyCoin[],
): { certificates: Certificate[]; denominationKeys: DenominationKey[] } {
  const seen = new Set<string>();
  const certificates: Certificate[] = [];
  const denominationKeys: DenominationKey[] = [];
  for (const coin of coins) {
    const scheme = schemeOf(coin);
    const id = scheme.signerId();
    if (seen.has(id)) continue;
    seen.add(id);
    const credential = scheme.credential(trust);
    if (credential?.kind === 'certificate') certificates.push(credential.certificate);
    else if (credential !== undefined) denominationKeys.push(credential.key);
  }
  return { certificates, denominationKeys };
}

/** True for an nc1 coin (a type guard: such a coin may carry a `lock`, SPEC §6). */
export function isNc1(coin: AnyCoin): coin is Coin {
  return coin.body.scheme === 'nc1';
}
