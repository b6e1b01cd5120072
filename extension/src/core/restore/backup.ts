/**
 * The encrypted backup file (SPEC §13, docs/PROTOCOL.md §4.8): what a recovery phrase cannot
 * rebuild — receipts with their session keys (revisits keep working), bank accounts, trusted
 * insurers, allowances and budgets, settings — sealed with ChaCha20-Poly1305 under a key that
 * scrypt (memory-hard, RFC 7914; @noble/hashes) makes from the shopper's passphrase. It holds no
 * coin (the phrase brings their value back) and not the phrase. Importing merges: what the
 * wallet already holds stays as it is.
 */
import {
  Amount,
  type CryptoProvider,
  Currency,
  decode,
  decodeJson,
  fromB64u,
  fromUtf8,
  HttpUrl,
  Key32,
  Name,
  NetCashError,
  Nonce,
  Offer,
  PaymentReceipt,
  PositiveAmount,
  PublicKey,
  Time,
  Token,
  toB64u,
  utf8,
} from '@netcash/protocol';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import * as v from 'valibot';
import type { Core } from '../context.ts';
import type { InsurerRow } from '../db/schema.ts';

/** scrypt's cost: 2^17 × 128 × 8 bytes = 128 MiB of memory (OWASP's minimum for scrypt). */
export const BACKUP_SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const AAD = utf8('NetCash-v1 backup');

/**
 * The cost a file may ask for: a power of two N, and at most 2^18 × 128 × 8 bytes = 256 MiB of
 * memory, so a damaged or hostile file cannot make the service worker run out of it.
 */
const Scrypt = v.strictObject({
  name: v.literal('scrypt'),
  N: v.pipe(
    v.number(),
    v.safeInteger(),
    v.minValue(2 ** 10),
    v.maxValue(2 ** 18),
    v.check((n) => (n & (n - 1)) === 0, 'a power of two'),
  ),
  r: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(8)),
  p: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(4)),
  salt: Key32,
});

export const BackupFile = v.strictObject({
  format: v.literal('netcash-backup'),
  version: v.literal(1),
  created: Time,
  kdf: Scrypt,
  nonce: Nonce,
  ct: v.pipe(v.string(), v.maxLength(64 * 1024 * 1024)),
});
export type BackupFile = v.InferOutput<typeof BackupFile>;

const Short = v.pipe(v.string(), v.maxLength(2048));
const Account = v.strictObject({
  account: Token,
  bank: Name,
  url: HttpUrl,
  currency: Currency,
  holder: Short,
  signKey: PublicKey,
  signSecret: Key32,
  opened: Time,
  /** The bank's statement key pinned at connect (bank.ts): kept, so a forged bank stays refused. */
  bankKey: v.optional(PublicKey),
});
const Insurer = v.strictObject({
  key: PublicKey,
  name: Short,
  url: HttpUrl,
  added: Time,
  fetched: Time,
});
const Receipt = v.strictObject({
  tid: Token,
  payeeKey: PublicKey,
  offerKey: PublicKey,
  sid: Token,
  resource: HttpUrl,
  origin: HttpUrl,
  description: Short,
  amount: Amount,
  currency: Currency,
  date: Time,
  receipt: PaymentReceipt,
  offer: Offer,
  sessionKey: Key32,
  opId: Short,
});
const Allowance = v.strictObject({
  origin: HttpUrl,
  currency: Currency,
  limit: PositiveAmount,
  spent: Amount,
  updated: Time,
  period: v.optional(v.picklist(['day', 'week', 'month'])),
  periodStart: v.optional(Time),
});
/**
 * The shopper's choices, each decoded: the spread policy, session keys, blind coins, the
 * primary account, the amount from which payments are protected, the servers stopped. Not the wallet's own bookkeeping kept in the same store (what a sweep did,
 * network tuning of this device).
 */
const Setting = v.variant('name', [
  v.strictObject({
    name: v.literal('policy'),
    value: v.strictObject({ coverUpTo: Amount, refreshBefore: Amount }),
  }),
  v.strictObject({ name: v.literal('sessionKeys'), value: v.boolean() }),
  v.strictObject({ name: v.literal('blindCoins'), value: v.boolean() }),
  v.strictObject({ name: v.literal('primaryAccount'), value: Token }),
  v.strictObject({ name: v.literal('protectFrom'), value: Amount }),
  v.strictObject({
    name: v.literal('stoppedServers'),
    value: v.pipe(v.array(Name), v.maxLength(1000)),
  }),
]);

/** What the file holds, once opened. */
export const BackupContent = v.strictObject({
  insurers: v.array(Insurer),
  accounts: v.array(Account),
  receipts: v.array(Receipt),
  allowances: v.array(Allowance),
  settings: v.array(Setting),
});
export type BackupContent = v.InferOutput<typeof BackupContent>;

async function keyOf(passphrase: string, kdf: v.InferOutput<typeof Scrypt>): Promise<Uint8Array> {
  const salt = fromB64u(kdf.salt);
  if (salt === null) throw new NetCashError('bad-backup', 'The backup file is damaged.');
  return scryptAsync(utf8(passphrase), salt, { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 32 });
}

/** The backup of this wallet, sealed under `passphrase`. */
export async function exportBackup(
  core: Core,
  passphrase: string,
  cost: ScryptCost = BACKUP_SCRYPT,
): Promise<BackupFile> {
  if (passphrase.length < 8) {
    throw new NetCashError('malformed', 'Choose a passphrase of at least 8 characters.');
  }
  const tx = core.db.transaction(
    ['insurers', 'accounts', 'receipts', 'allowances', 'settings'],
    'readonly',
  );
  const content: BackupContent = {
    insurers: await tx.objectStore('insurers').getAll(),
    accounts: await tx.objectStore('accounts').getAll(),
    receipts: await tx.objectStore('receipts').getAll(),
    allowances: await tx.objectStore('allowances').getAll(),
    settings: (await tx.objectStore('settings').getAll()).flatMap((row) => {
      const setting = v.safeParse(Setting, row);
      return setting.success ? [setting.output] : [];
    }),
  };
  await tx.done;
  return sealBackup(core.p, core.now(), content, passphrase, cost);
}

export interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** `content` sealed under `passphrase` as a backup file written at `created`. */
export async function sealBackup(
  p: CryptoProvider,
  created: number,
  content: BackupContent,
  passphrase: string,
  cost: ScryptCost = BACKUP_SCRYPT,
): Promise<BackupFile> {
  const kdf = { name: 'scrypt' as const, ...cost, salt: toB64u(p.randomBytes(32)) };
  const nonce = p.randomBytes(12);
  const ct = p.chacha20poly1305.seal(
    await keyOf(passphrase, kdf),
    nonce,
    utf8(JSON.stringify(content)),
    AAD,
  );
  return {
    format: 'netcash-backup',
    version: 1,
    created,
    kdf,
    nonce: toB64u(nonce),
    ct: toB64u(ct),
  };
}

/**
 * Opens a backup file's text with `passphrase`: `wrong-passphrase` when it does not open (AEAD
 * cannot tell a wrong passphrase from a changed byte), `bad-backup` for anything else amiss.
 */
export async function openBackup(
  p: CryptoProvider,
  text: string,
  passphrase: string,
): Promise<BackupContent> {
  const file = decodeJson(BackupFile, text);
  if (!file.ok) {
    throw new NetCashError('bad-backup', 'This is not a NetCash backup file, or it is damaged.');
  }
  const nonce = fromB64u(file.value.nonce);
  const ct = fromB64u(file.value.ct);
  if (nonce === null || ct === null) {
    throw new NetCashError('bad-backup', 'The backup file is damaged.');
  }
  const plain = p.chacha20poly1305.open(await keyOf(passphrase, file.value.kdf), nonce, ct, AAD);
  if (plain === null) {
    throw new NetCashError(
      'wrong-passphrase',
      'The passphrase does not open this backup (or the file was changed): check the passphrase.',
    );
  }
  const content = decode(BackupContent, JSON.parse(fromUtf8(plain)));
  if (!content.ok) throw new NetCashError('bad-backup', 'The backup content is damaged.');
  return content.value;
}

export interface ImportReport {
  readonly receipts: number;
  readonly accounts: number;
  readonly allowances: number;
  readonly insurers: InsurerRow[];
}

/** Merges `content` into the wallet (rows held stay); the insurers it did not trust yet. */
export async function importBackup(core: Core, content: BackupContent): Promise<ImportReport> {
  const tx = core.db.transaction(
    ['insurers', 'accounts', 'receipts', 'allowances', 'settings'],
    'readwrite',
  );
  let receipts = 0;
  let accounts = 0;
  let allowances = 0;
  const newInsurers: InsurerRow[] = [];
  for (const row of content.receipts) {
    if ((await tx.objectStore('receipts').get(row.tid)) !== undefined) continue;
    await tx.objectStore('receipts').put(row);
    receipts++;
  }
  for (const row of content.accounts) {
    if ((await tx.objectStore('accounts').get(row.account)) !== undefined) continue;
    await tx.objectStore('accounts').put(row);
    accounts++;
  }
  for (const row of content.allowances) {
    if ((await tx.objectStore('allowances').get([row.origin, row.currency])) !== undefined)
      continue;
    await tx.objectStore('allowances').put(row);
    allowances++;
  }
  for (const row of content.settings) {
    if ((await tx.objectStore('settings').get(row.name)) === undefined) {
      await tx.objectStore('settings').put(row);
    }
  }
  for (const row of content.insurers) {
    if ((await tx.objectStore('insurers').get(row.key)) === undefined) newInsurers.push(row);
  }
  await tx.done;
  return { receipts, accounts, allowances, insurers: newInsurers };
}
