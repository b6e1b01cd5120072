/**
 * A currency server's worker thread (pool.ts starts it through entry.mjs): it answers whole
 * sealed requests — decodes the envelope, opens it, verifies the coins, signs the new ones,
 * seals the reply (requests.ts, as inline) — with a context of its own: its keys read from the
 * data folder (again whenever the main thread says they changed), its own trust store kept fresh
 * from the insurer, its own bank client, and the store over the link to the main thread
 * (link.ts). Logs go to the main thread's logger. It loads its modules while the main thread
 * starts the server, then waits for `init`.
 */
import { parentPort } from 'node:worker_threads';
import type { CertificateBody } from '@netcash/protocol';
import { nodeProvider } from '@netcash/protocol/node';
import type { Logger } from '@netcash/server-kit';
import { systemNow } from '../../config.ts';
import { createBankClient } from '../bank-client.ts';
import { BlindKeyRing } from '../blind-keys.ts';
import type { CsContext } from '../context.ts';
import { envelopeOf, refusalOf } from '../endpoint.ts';
import { KeyRing } from '../keyring.ts';
import { handleRequest, type Settler } from '../requests.ts';
import { CsTrust } from '../trust.ts';
import { MainLink, storeLink } from './link.ts';
import type { FromWorker, ToWorker, WorkerInit } from './messages.ts';
import { Outbox } from './outbox.ts';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread');
const outbox = new Outbox<FromWorker>((batch) => port.postMessage(batch));
const post = (message: FromWorker) => outbox.send(message);
const p = nodeProvider;

function forwardingLog(): Logger {
  const log: Logger = {
    debug: (msg, fields) => post({ type: 'log', level: 'debug', msg, fields }),
    info: (msg, fields) => post({ type: 'log', level: 'info', msg, fields }),
    warn: (msg, fields) => post({ type: 'log', level: 'warn', msg, fields }),
    error: (msg, fields) => post({ type: 'log', level: 'error', msg, fields }),
    child: () => log,
  };
  return log;
}

/** This thread's currency server: built from the main thread's `init`. */
class WorkerCs {
  private readonly log = forwardingLog();
  private readonly link = new MainLink(post);
  private readonly trust: CsTrust;
  private keys: KeyRing;
  private blind: BlindKeyRing | null;
  private current: CertificateBody;
  private keysReadAt = 0;
  private readonly ctx: CsContext;

  constructor(private readonly init: WorkerInit) {
    this.trust = new CsTrust(
      p,
      init.insurerKey,
      init.insurerUrl,
      systemNow,
      init.revocationRefresh,
      init.limits.outboundTimeoutMs,
      this.log,
    );
    this.keys = KeyRing.read(p, init.dataDir);
    this.blind = null;
    this.current = init.current;
    this.readKeys();
    const self = this;
    this.ctx = {
      p,
      name: init.name,
      currency: init.currency,
      bank: init.bank,
      account: init.account,
      get keys() {
        return self.keys;
      },
      get blind() {
        return self.blind;
      },
      store: storeLink(this.link),
      trust: this.trust,
      bankClient: createBankClient({
        p,
        url: init.bankUrl,
        accountKey: this.keys.account,
        account: () => init.account,
        now: systemNow,
        timeoutMs: init.limits.outboundTimeoutMs,
      }),
      now: systemNow,
      limits: init.limits,
      log: this.log,
      currentCertificate: () => self.current,
    };
  }

  /** Reads the keys again, and trusts this CS's own certificates and denomination keys. */
  readKeys(current?: CertificateBody): void {
    if (current !== undefined) this.current = current;
    this.keys = KeyRing.read(p, this.init.dataDir);
    this.blind = this.init.blindRsa ? BlindKeyRing.open(p, this.init.dataDir) : null;
    for (const cert of this.keys.certificates) this.trust.store.addCertificate(cert);
    for (const key of this.blind?.published(systemNow()) ?? []) {
      this.trust.store.addDenominationKey(key);
    }
    this.keysReadAt = Date.now();
  }

  private settler(id: number): Settler {
    return async (commit, final) => {
      if (final) {
        post({ type: 'settle', id, commit, final, call: 0 });
        return null;
      }
      const reply = await this.link.call((call) => ({ type: 'settle', id, commit, final, call }));
      if (typeof reply !== 'string') throw new Error('settle answered no reply');
      return reply;
    };
  }

  /** Answers request `id` (or leaves the answer to the main thread's final settle). */
  async answer(id: number, body: Uint8Array): Promise<void> {
    try {
      const envelope = envelopeOf(body, this.init.limits.maxBodyBytes);
      // A certificate made since the keys were read (a rotation this thread has not heard of
      // yet): read them again, at most once a second whatever ids requests name.
      if (
        this.keys.byCertId(envelope.certId) === undefined &&
        Date.now() - this.keysReadAt > 1000
      ) {
        this.readKeys();
      }
      const reply = await handleRequest(this.ctx, envelope, this.settler(id));
      if (reply !== null) post({ type: 'answer', id, status: 200, body: reply });
    } catch (thrown) {
      post({ type: 'answer', id, ...refusalOf(thrown, this.log) });
    }
  }

  receive(message: Extract<ToWorker, { type: 'result' | 'failed' }>): void {
    this.link.receive(message);
  }
}

let cs: WorkerCs | null = null;

function receive(message: ToWorker): void {
  if (message.type === 'init') {
    cs = new WorkerCs(message.init);
    post({ type: 'ready' });
    return;
  }
  if (cs === null) throw new Error(`${message.type} before init`);
  switch (message.type) {
    case 'request':
      void cs.answer(message.id, message.body);
      return;
    case 'result':
    case 'failed':
      cs.receive(message);
      return;
    case 'keys':
      cs.readKeys(message.current);
      post({ type: 'keys-read', ack: message.ack });
      return;
  }
}

port.on('message', (batch: ToWorker[]) => {
  // What the batches before this one finished goes now, not after this one's work too (Node
  // hands a thread every message that arrived meanwhile before its turn ends).
  outbox.flush();
  for (const message of batch) receive(message);
});
// Loaded: the main thread may send `init` once its own start is done (keys, certificate).
post({ type: 'loaded' });
