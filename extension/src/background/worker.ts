/**
 * The wallet's service worker (Manifest V3). Listeners are registered synchronously at top level
 * so a restarted worker receives the event that woke it; the wallet is opened and its journal
 * recovered on every start, before any message is served (instance.ts). While the browser runs,
 * pending operations are re-driven by an alarm set for the earliest one's backoff.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { tabClosed, tabLoading, windowClosed } from './approvals.ts';
import { REDRIVE_ALARM, redrive, upkeep, wallet } from './instance.ts';
import { route } from './router.ts';

const UPKEEP_ALARM = 'netcash-upkeep';

browser.runtime.onMessage.addListener(
  (message: unknown, sender: Runtime.MessageSender): Promise<unknown> => route(message, sender),
);

browser.windows.onRemoved.addListener((windowId) => windowClosed(windowId));
// An approval window is bound to the page that asked: it closes when that page goes.
browser.tabs.onRemoved.addListener((tabId) => tabClosed(tabId));
browser.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === 'loading') void tabLoading(tabId);
});

browser.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === UPKEEP_ALARM) upkeep().catch((e) => console.warn('netcash: upkeep', e));
  if (alarm.name === REDRIVE_ALARM) redrive().catch((e) => console.warn('netcash: redrive', e));
});

browser.runtime.onInstalled.addListener(async (details) => {
  await browser.alarms.create(UPKEEP_ALARM, { periodInMinutes: 5 });
  if (details.reason === 'install') {
    await browser.tabs.create({ url: browser.runtime.getURL('onboarding.html') });
  }
});

// A browser start (perhaps after weeks closed): finish, read the insurer's lists, and bring back
// coins that expired meanwhile or whose key was revoked before anything else (PROTOCOL §4.7).
browser.runtime.onStartup.addListener(() => {
  upkeep().catch((e) => console.warn('netcash: upkeep', e));
});

// Every start: open the wallet and re-drive the journal.
void wallet();
