/**
 * Just enough WebSocket (RFC 6455) for the proxy's tests, on both ends of a real socket: the
 * opening handshake (`Sec-WebSocket-Accept` from the key) and short text frames — a client's
 * masked, a server's not (§5.1). Not a WebSocket library: no fragments, no payloads over 125
 * bytes, no control frames.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function acceptOf(key: string): string {
  return createHash('sha1').update(`${key}${GUID}`).digest('base64');
}

/** One text frame; `masked` for a client's (§5.3). */
export function textFrame(text: string, masked: boolean): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new RangeError('test frames carry at most 125 bytes');
  const mask = masked ? randomBytes(4) : Buffer.alloc(0);
  const body = masked ? payload.map((b, i) => b ^ mask[i % 4]!) : payload;
  return Buffer.concat([Buffer.from([0x81, (masked ? 0x80 : 0) | payload.length]), mask, body]);
}

/** Reads whole text frames off a stream, whichever way the bytes were cut. */
export class FrameReader {
  private buffered: Buffer;
  private readonly waiting: ((text: string) => void)[] = [];
  private readonly frames: string[] = [];

  constructor(stream: Duplex, head: Buffer = Buffer.alloc(0)) {
    this.buffered = head;
    stream.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.drain();
    });
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) return;
      const length = b[1]! & 0x7f;
      const masked = (b[1]! & 0x80) !== 0;
      const start = 2 + (masked ? 4 : 0);
      if (b.length < start + length) return;
      const mask = b.subarray(2, start);
      const payload = b
        .subarray(start, start + length)
        .map((x, i) => (masked ? x ^ mask[i % 4]! : x));
      this.buffered = b.subarray(start + length);
      const text = Buffer.from(payload).toString();
      const waiter = this.waiting.shift();
      if (waiter === undefined) this.frames.push(text);
      else waiter(text);
    }
  }

  next(): Promise<string> {
    const ready = this.frames.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((done) => this.waiting.push(done));
  }
}

export type Opened =
  | {
      readonly switched: true;
      readonly answer: IncomingMessage;
      readonly socket: Socket;
      readonly frames: FrameReader;
      readonly key: string;
    }
  | { readonly switched: false; readonly answer: IncomingMessage; readonly body: string };

/** Opens a WebSocket at `url` as a client would; an answer other than 101 is read whole. */
export function openWebSocket(url: string, headers: Record<string, string> = {}): Promise<Opened> {
  const key = randomBytes(16).toString('base64');
  return new Promise((done, fail) => {
    request(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': key,
        ...headers,
      },
    })
      .on('upgrade', (answer, socket, head) =>
        done({ switched: true, answer, socket, frames: new FrameReader(socket, head), key }),
      )
      .on('response', (answer) => {
        let body = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          body += chunk;
        });
        answer.on('end', () => done({ switched: false, answer, body }));
      })
      .on('error', fail)
      .end();
  });
}
