/**
 * The wallet's service worker (Manifest V3). Listeners are registered synchronously at top level
 * so a restarted worker receives the event that woke it; the wallet is opened and its journal
 * recovered on every start, before any message is served (instance.ts).
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { windowClosed } from './approvals.ts';
import { upkeep, wallet } from './instance.ts';
import { route } from './router.ts';

const UPKEEP_ALARM = 'netcash-upkeep';

browser.runtime.onMessage.addListener(
  (message: unknown, sender: Runtime.MessageSender): Promise<unknown> => route(message, sender),
);

browser.windows.onRemoved.addListener((windowId) => windowClosed(windowId));

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === UPKEEP_ALARM) upkeep().catch((e) => console.warn('netcash: upkeep', e));
});

browser.runtime.onInstalled.addListener(async (details) => {
  await browser.alarms.create(UPKEEP_ALARM, { periodInMinutes: 5 });
  if (details.reason === 'install') {
    await browser.tabs.create({ url: browser.runtime.getURL('onboarding.html') });
  }
});

browser.runtime.onStartup.addListener(() => {
  void wallet();
});

// Every start: open the wallet and re-drive the journal.
void wallet();
