import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: { id: 'walletid', getURL: (path: string) => `chrome-extension://walletid/${path}` },
  },
}));
const bridgeCalls: { method: string; origin: string }[] = [];
/** Sites the shopper let in (paid or gave a budget). */
const letIn = new Set(['https://shop.example']);
vi.mock('./bridge-handler.ts', () => ({
  siteLetIn: async (origin: string) => letIn.has(origin),
  handleBridge: async (request: { method: string }, origin: string) => {
    bridgeCalls.push({ method: request.method, origin });
    return { ready: true };
  },
}));
const commandCalls: string[] = [];
vi.mock('./command-handler.ts', () => ({
  handlers: new Proxy(
    {},
    {
      get: (_target, name: string) => async () => {
        commandCalls.push(name);
        return { ok: true };
      },
    },
  ),
}));

const { route } = await import('./router.ts');

const page = {
  id: 'walletid',
  url: 'https://shop.example/article',
  origin: 'https://shop.example',
  frameId: 0,
  tab: { id: 1, index: 0, highlighted: false, active: true, pinned: false, incognito: false },
};
const popup = { id: 'walletid', url: 'chrome-extension://walletid/popup.html' };
const status = {
  channel: 'netcash/bridge',
  request: { ns: 'netcash', v: 1, kind: 'request', id: 'r1', method: 'status' },
  instance: 'doc1',
  activated: false,
};
const stranger = { ...page, url: 'https://news.example/a', origin: 'https://news.example' };
const buy = { channel: 'netcash/command', name: 'buy', input: { amount: 100 } };

describe('the service worker router', () => {
  it('answers a page top frame for the origin the browser reports', async () => {
    expect(await route(status, page)).toEqual({ ok: true, value: { ready: true } });
    expect(bridgeCalls.at(-1)).toEqual({ method: 'status', origin: 'https://shop.example' });
  });

  it('refuses commands from content scripts: pages may only ask', async () => {
    const reply = await route(buy, page);
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthorized', rpc: 4100 } });
    expect(commandCalls).toEqual([]);
  });

  it('never lets a page reach the recovery phrase or a backup file (they stay in the extension)', async () => {
    const secrets = [
      { channel: 'netcash/command', name: 'recoveryPhrase', input: {} },
      {
        channel: 'netcash/command',
        name: 'exportBackup',
        input: { passphrase: 'a long passphrase' },
      },
      { ...status, request: { ...status.request, method: 'recoveryPhrase' } },
    ];
    for (const message of secrets) {
      expect(await route(message, page)).toMatchObject({ ok: false });
    }
    expect(commandCalls).toEqual([]);
    expect(bridgeCalls.map((c) => c.method)).not.toContain('recoveryPhrase');
    // The wallet's own pages may.
    expect(await route(secrets[0], popup)).toEqual({ ok: true, value: { ok: true } });
    expect(commandCalls).toEqual(['recoveryPhrase']);
    commandCalls.length = 0;
  });

  it('refuses child frames, foreign extensions and non-web origins', async () => {
    const calls = bridgeCalls.length;
    for (const sender of [
      { ...page, frameId: 2 },
      { ...page, id: 'otherextension' },
      { ...page, origin: 'file://', url: 'file:///tmp/x.html' },
      { ...page, tab: undefined },
    ]) {
      expect(await route(status, sender)).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
    expect(bridgeCalls.length).toBe(calls);
  });

  it('never takes the origin from the message', async () => {
    const spoofed = { ...status, origin: 'https://bank.example' };
    expect(await route(spoofed, page)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    const inside = { ...status, request: { ...status.request, origin: 'https://bank.example' } };
    expect(await route(inside, page)).toMatchObject({ ok: false, error: { code: 'malformed' } });
  });

  it('answers a site the shopper did not let in nothing at all: no value, no error', async () => {
    const calls = bridgeCalls.length;
    const { request: _, ...envelope } = status;
    const junk = { ...envelope, invalid: { method: 'buy', message: 'not a bridge method' } };
    for (const message of [status, junk, buy, { ...status, origin: 'https://shop.example' }]) {
      expect(await route(message, stranger)).toEqual({ silent: true });
    }
    expect(bridgeCalls.length).toBe(calls);
    // Let in (a payment, a budget): the same requests get their answers and errors.
    letIn.add(stranger.origin);
    expect(await route(status, stranger)).toEqual({ ok: true, value: { ready: true } });
    expect(await route(junk, stranger)).toMatchObject({
      ok: false,
      error: { code: 'unsupported-op' },
    });
    letIn.delete(stranger.origin);
  });

  it('runs commands from extension pages after decoding their input', async () => {
    expect(await route(buy, popup)).toEqual({ ok: true, value: { ok: true } });
    expect(commandCalls).toEqual(['buy']);
    const bad = { ...buy, input: { amount: -1 } };
    expect(await route(bad, popup)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    const unknown = { ...buy, name: 'mint' };
    expect(await route(unknown, popup)).toMatchObject({ ok: false, error: { code: 'malformed' } });
    expect(await route(status, popup)).toMatchObject({
      ok: false,
      error: { code: 'unsupported-op' },
    });
    expect(commandCalls).toEqual(['buy']);
  });
});
