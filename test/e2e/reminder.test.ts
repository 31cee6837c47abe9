// End-to-end: the "automatic reply is on" reminder in a real, headless Thunderbird (the .xpi as
// it ships, installed for good so that it survives a restart) against a real Dovecot.
// Two accounts: Alice's reply is on today, Bob's starts in three days. Both are set on the
// server before the add-on is installed (a raw IMAP XEXEC session), so what the reminder shows
// comes from its own start-up read. The notice is Thunderbird's own notification bar at the
// bottom of the main window; its buttons get a trusted click (mousedown, mouseup, click) from
// chrome code, as in entry-points.test.ts. The background's idle timeout is short, and the
// click on Turn off comes while it is suspended: the button must wake it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pw, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon, type BuiltAddon } from './addon.js';
import { MAIN_WINDOW_PRELUDE } from './chrome-prelude.js';
import { stopAll } from './teardown.js';
import { isoDay, OPTIONS_PAGE, SettingsTab, stateFile } from './settings-tab.js';
import { ExtensionPage, startThunderbird, thunderbirdAvailable, type Thunderbird } from './thunderbird.js';
import { ADDON_ID } from '../support/constants.js';
import enMessages from '../../_locales/en/messages.json';

const ALICE = USERS.alice;
const BOB = USERS.bob;
const TURN_OFF = enMessages.reminderTurnOff.message;
const CHANGE = enMessages.reminderChange.message;
const BADGE = enMessages.reminderBadge.message;
const IDLE_MS = 3000;
/** The Sieve `vacation` action (the script's comments name the module too). */
const VACATION_ACTION = /^\s*vacation :days/m;

let built: BuiltAddon;
let server: TestServer;
let tb: Thunderbird;
let alice: string;
let bob: string;
let base: string;

const PRELUDE = `${MAIN_WINDOW_PRELUDE}
  const norm = (s) => String(s || "").replace(/\\s+/g, " ").trim();
  const box = () => win.specialTabs.msgNotificationBar;
  function notice(accountId) {
    const n = box().getNotificationWithValue("xexec-notice-" + accountId);
    if (!n) return null;
    const r = n.getBoundingClientRect();
    return { n, text: norm(n.messageText.textContent), type: n.getAttribute("type"),
      buttons: [...n.querySelectorAll("button")].map((b) => norm(b.label || b.getAttribute("label") || b.textContent)),
      closable: !!(n.shadowRoot && n.shadowRoot.querySelector(".close")), visible: r.width > 0 && r.height > 0 };
  }
`;

interface NoticeView { text: string; type: string; buttons: string[]; closable: boolean; visible: boolean }

/** WCAG relative luminance of an sRGB colour. */
function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r ?? 0) + 0.7152 * lin(g ?? 0) + 0.0722 * lin(b ?? 0);
}

function contrast(a: number[], b: number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The account's notice in the main window; null when there is none. */
async function noticeOf(accountId: string): Promise<NoticeView | null> {
  return tb.chrome<NoticeView | null>(`${PRELUDE}
    const found = notice(arguments[0]);
    if (!found) return null;
    const { n, ...view } = found;
    return view;
  `, [accountId]);
}

async function waitForNotice(accountId: string, present: boolean): Promise<void> {
  await tb.waitFor(`the notice of ${accountId} to ${present ? 'show' : 'go'}`, `${PRELUDE}
    const n = notice(arguments[0]);
    return arguments[1] ? !!(n && n.visible) : !n;
  `, 60_000, [accountId, present]);
}

/** The add-on's toolbar button: its badge (null: none), tooltip and the label it shows. */
async function toolbarButton(): Promise<{ badge: string | null; title: string; label: string }> {
  return tb.waitFor('the add-on\'s toolbar button', `
    const doc = Services.wm.getMostRecentWindow("mail:3pane").document;
    const item = doc.querySelector('unified-toolbar li.extension-action[item-id="ext-' + arguments[0] + '"]');
    const button = item && item.querySelector("button");
    return button ? { badge: button.getAttribute("badge"), title: button.title || "", label: (button.getAttribute("label") || button.textContent || "").trim() } : null;
  `, 30_000, [ADDON_ID]);
}

/** Clicks a button of the account's notice as a mouse would. */
async function clickNoticeButton(accountId: string, label: string): Promise<void> {
  await tb.chrome(`${PRELUDE}
    const [accountId, label] = arguments;
    const found = notice(accountId);
    if (!found) throw new Error("no notice of " + accountId);
    const button = [...found.n.querySelectorAll("button")].find((b) => norm(b.label || b.getAttribute("label")) === label);
    if (!button) throw new Error("no button " + label + " in " + JSON.stringify(found.buttons));
    for (const type of ["mousedown", "mouseup", "click"]) mouse(button, type, 0);
  `, [accountId, label]);
}

/** A day as the settings tab words it, in Thunderbird's UI language. */
function longDate(isoDate: string): Promise<string> {
  return tb.chrome<string>(`
    const [y, m, d] = arguments[0].split("-").map(Number);
    const options = { timeZone: "UTC", weekday: "long", year: "numeric", month: "long", day: "numeric" };
    return new Intl.DateTimeFormat(Services.locale.appLocaleAsBCP47, options).format(new Date(Date.UTC(y, m - 1, d)));
  `, [isoDate]);
}

/**
 * What the hour's timer does: runs the reminder's alarm now (its observer, which calls the
 * alarms API's listeners and sets the next hour). Resolves the alarm's data; fails when the
 * add-on has created no such alarm.
 */
async function fireHourlyAlarm(): Promise<{ name: string; periodInMinutes: number }> {
  return tb.waitFor('the reminder\'s alarm', `
    // The alarms API's instance for the add-on, as the API manager keeps it (the Extension object
    // from the parent's own map: WebExtensionPolicy's is another wrapper, no WeakMap key).
    const { ExtensionParent } = ChromeUtils.importESModule("resource://gre/modules/ExtensionParent.sys.mjs");
    const extension = ExtensionParent.GlobalManager.getExtension(arguments[0]);
    const api = extension && await extension.apiManager.asyncGetAPI("alarms", extension);
    const alarm = api && api.alarms.get("xexec-reminder");
    if (!alarm) return null;
    const data = alarm.data;
    alarm.observe();
    return data;
  `, 30_000, [ADDON_ID]);
}

/** Waits until the background has woken for something and gone to sleep again (its work is done). */
async function backgroundWokeAndSlept(): Promise<void> {
  const script = 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === arguments[1];';
  await tb.waitFor('the background to wake', script, 30_000, [ADDON_ID, 'running']);
  await tb.waitFor('the background to be suspended', script, 60_000, [ADDON_ID, 'stopped']);
}

async function badgeShown(shown: boolean): Promise<void> {
  await tb.waitFor(`the badge to ${shown ? 'show' : 'go'}`, `
    const item = Services.wm.getMostRecentWindow("mail:3pane").document.querySelector('unified-toolbar li.extension-action[item-id="ext-' + arguments[0] + '"]');
    return !!(item && !!item.querySelector("button").getAttribute("badge") === arguments[1]);
  `, 30_000, [ADDON_ID, shown]);
}

function backgroundState(): Promise<string> {
  return tb.chrome<string>('return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState;', [ADDON_ID]);
}

/** One XEXEC as `user` on a raw IMAP session; expects OK. */
async function xexecAs(user: string, command: string): Promise<string[]> {
  const c = await server.login(user);
  try {
    const r = await c.command(command);
    expect(r.status, r.text).toBe('OK');
    return r.untagged.map((l) => l.toString('utf8'));
  } finally {
    await c.logout();
  }
}

/** Delivers a message to `to`; returns the messages the server sent because of it. */
async function deliver(to: string, from: string) {
  const before = server.captured().length;
  const r = await server.deliver({ from, to, subject: `Hello from ${from}` });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  return server.captured().slice(before);
}

describe('the automatic reply reminder, in Thunderbird, against the server', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer();
    await xexecAs(ALICE, `XEXEC vacation set body=Away start=${isoDay(-1)} end=${isoDay(5)}`);
    await xexecAs(BOB, `XEXEC vacation set body=Soon start=${isoDay(3)} end=${isoDay(6)}`);
    // The background's console.warn goes to Thunderbird's log (the offline test reads it).
    tb = await startThunderbird({ prefs: { 'extensions.background.idle.timeout': IDLE_MS, 'devtools.console.stdout.content': true } });
    alice = (await tb.createImapAccount({ port: server.imapPort, user: ALICE, password: pw(ALICE), savePassword: true })).accountId;
    bob = (await tb.createImapAccount({ port: server.imapPort, user: BOB, password: pw(BOB), savePassword: true })).accountId;
    // Installed for good (not temporary): it must still be there after the restart.
    expect(await tb.installAddon(built.xpi, false)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
  }, 180_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [server], cleanLogs: [server], built });
  }, 120_000);

  it('a reply that is on: a notice until its last day, with Turn off and Change…, and the badge', async () => {
    await waitForNotice(alice, true);
    const notice = await noticeOf(alice);
    expect(notice?.text).toBe(`Automatic reply is on for ${ALICE}: it is sent until ${await longDate(isoDay(5))}.`);
    expect(notice?.buttons).toEqual([TURN_OFF, CHANGE]);
    // Thunderbird's own bar, as an information (it follows the theme); no close button: it is
    // a reminder, and goes when the reply is off.
    expect(notice?.type).toBe('info');
    expect(notice?.closable).toBe(false);
    await tb.waitFor('the badge', `
      const item = Services.wm.getMostRecentWindow("mail:3pane").document.querySelector('unified-toolbar li.extension-action[item-id="ext-' + arguments[0] + '"]');
      return !!(item && item.querySelector("button").getAttribute("badge"));
    `, 30_000, [ADDON_ID]);
    const button = await toolbarButton();
    expect(button.badge).toBe(BADGE);
    expect(button.title).toMatch(new RegExp(`automatic reply is on for ${ALICE.replace(/\./g, '\\.')}`));
    expect(button.title).not.toContain(BOB);
    // The detail is in the tooltip; the toolbar keeps its short label (manifest default_label).
    expect(button.label).toBe('Mail server settings');
    // The server does answer: an auto-reply goes out now.
    expect((await deliver(ALICE, 'first@example.org')).length).toBe(1);
  });

  it('the notice follows Thunderbird\'s theme, light and dark, and is readable in both', async () => {
    const colours = async (dark: boolean) => tb.chrome<{ dark: boolean; bg: number[]; fg: number[] }>(`${PRELUDE}
      Services.prefs.setIntPref("ui.systemUsesDarkTheme", arguments[1] ? 1 : 0);
      const media = win.matchMedia("(prefers-color-scheme: dark)");
      const deadline = Date.now() + 20000;
      while (media.matches !== arguments[1]) {
        if (Date.now() > deadline) throw new Error("the theme did not change");
        await new Promise((r) => win.setTimeout(r, 50));
      }
      await new Promise((r) => win.requestAnimationFrame(() => win.setTimeout(r, 0)));
      const style = win.getComputedStyle(notice(arguments[0]).n);
      const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
      return { dark: media.matches, bg: rgb(style.backgroundColor), fg: rgb(style.color) };
    `, [alice, dark]);
    try {
      const light = await colours(false);
      const dark = await colours(true);
      expect(luminance(light.bg)).toBeGreaterThan(0.5);
      expect(luminance(dark.bg)).toBeLessThan(0.2);
      for (const scheme of [light, dark]) expect(contrast(scheme.bg, scheme.fg)).toBeGreaterThanOrEqual(4.5);
    } finally {
      await tb.chrome('Services.prefs.clearUserPref("ui.systemUsesDarkTheme");');
    }
  });

  it('a reply that starts later: "from … to …", and it alone would give no badge', async () => {
    await waitForNotice(bob, true);
    const notice = await noticeOf(bob);
    expect(notice?.text).toBe(`Automatic reply is set for ${BOB}: it will be sent from ${await longDate(isoDay(3))} to ${await longDate(isoDay(6))}.`);
    expect(notice?.buttons).toEqual([TURN_OFF, CHANGE]);
  });

  it('Change… opens the settings tab on the account\'s automatic reply', async () => {
    await clickNoticeButton(bob, CHANGE);
    const url = `${base}ui/options/options.html?account=${encodeURIComponent(bob)}&panel=vacation`;
    await tb.waitFor(`a tab with ${url}`, `
      const tabmail = Services.wm.getMostRecentWindow("mail:3pane").document.getElementById("tabmail");
      const tab = tabmail.tabInfo.find(t => t.browser && t.browser.currentURI && t.browser.currentURI.spec === arguments[0]);
      return !!(tab && !tab.browser.webProgress.isLoadingDocument);
    `, 30_000, [url]);
    const page = new ExtensionPage(tb, url);
    const selected = await page.run<string>(`
      const doc = window.document;
      const deadline = Date.now() + 30000;
      for (;;) {
        const tab = doc.querySelector('section.account-view[data-account="' + arguments[0] + '"] [role="tab"][aria-selected="true"]');
        if (tab && doc.querySelector('section.account-view[data-account="' + arguments[0] + '"] [role="tabpanel"][data-panel="vacation"]')) return tab.textContent.trim();
        if (Date.now() > deadline) throw new Error("no vacation panel: " + doc.body.textContent.slice(0, 300));
        await new Promise((r) => window.setTimeout(r, 50));
      }
    `, [bob]);
    expect(selected).toBe('Automatic reply');
    await page.close();
    // Change… changes nothing by itself.
    expect(await noticeOf(bob)).not.toBeNull();
  });

  it('Turn off, clicked while the background sleeps, turns the reply off on the server; the notice and the badge go', async () => {
    await tb.waitFor('the idle background to be suspended', `return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "stopped";`, 60_000, [ADDON_ID]);
    await clickNoticeButton(alice, TURN_OFF);
    await waitForNotice(alice, false);
    expect(stateFile(server, ALICE, 'xexec.sieve') ?? '').not.toMatch(VACATION_ACTION);
    expect(await xexecAs(ALICE, 'XEXEC vacation show')).toContainEqual(expect.stringMatching(/status off/));
    expect(await deliver(ALICE, 'second@example.org')).toEqual([]);
    // Bob's reply does not start before its first day: no badge is left.
    await tb.waitFor('the badge to go', `
      const item = Services.wm.getMostRecentWindow("mail:3pane").document.querySelector('unified-toolbar li.extension-action[item-id="ext-' + arguments[0] + '"]');
      return !!(item && !item.querySelector("button").getAttribute("badge"));
    `, 30_000, [ADDON_ID]);
    expect((await toolbarButton()).title).not.toMatch(/automatic reply/i);
    expect(await noticeOf(bob)).not.toBeNull();
  });

  it('a restart does not bring it back', async () => {
    await tb.restart();
    expect(await backgroundState()).not.toBe('');
    // Bob's notice coming back shows that the reminder has read the servers after the restart.
    await waitForNotice(bob, true);
    expect(await noticeOf(alice)).toBeNull();
    expect((await toolbarButton()).badge).toBeNull();
    expect(stateFile(server, ALICE, 'xexec.sieve') ?? '').not.toMatch(VACATION_ACTION);
  });

  it('every hour: a reply turned on elsewhere (webmail, another computer) shows at the next check', async () => {
    await xexecAs(ALICE, 'XEXEC vacation set body=Again');
    const alarm = await fireHourlyAlarm();
    expect(alarm).toMatchObject({ name: 'xexec-reminder', periodInMinutes: 60 });
    await waitForNotice(alice, true);
    // The module keeps the days it had (a set changes only what it names).
    expect((await noticeOf(alice))?.text).toBe(`Automatic reply is on for ${ALICE}: it is sent until ${await longDate(isoDay(5))}.`);
    await badgeShown(true);
  });

  it('offline, the check asks no server and leaves the notice as it is; back online, the next check reads the server again', async () => {
    await tb.waitFor('the idle background to be suspended', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "stopped";', 60_000, [ADDON_ID]);
    await tb.chrome('Services.io.offline = true;');
    try {
      await xexecAs(ALICE, 'XEXEC vacation off');
      const logBefore = tb.readLog().length;
      await fireHourlyAlarm();
      await backgroundWokeAndSlept();
      expect(await noticeOf(alice)).not.toBeNull();
      // Not even tried: a try would fail offline and say so in the console.
      expect(tb.readLog().slice(logBefore)).not.toMatch(/reminder:/);
    } finally {
      await tb.chrome('Services.io.offline = false;');
    }
    await fireHourlyAlarm();
    await waitForNotice(alice, false);
    await badgeShown(false);
    expect(await noticeOf(bob)).not.toBeNull();
  });

  it('disabled, the add-on takes its notices along; enabled again, it reads the servers and shows them again', async () => {
    await xexecAs(ALICE, 'XEXEC vacation set body=Back');
    await fireHourlyAlarm();
    await waitForNotice(alice, true);
    const toggle = (enable: boolean) => tb.chrome(`
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      const addon = await AddonManager.getAddonByID(arguments[0]);
      await (arguments[1] ? addon.enable() : addon.disable());
    `, [ADDON_ID, enable]);
    await toggle(false);
    await waitForNotice(alice, false);
    await waitForNotice(bob, false);
    await toggle(true);
    await waitForNotice(alice, true);
    await waitForNotice(bob, true);
    await badgeShown(true);
    await xexecAs(ALICE, 'XEXEC vacation off');
    await fireHourlyAlarm();
    await waitForNotice(alice, false);
  });

  it('a reply turned off in the settings tab takes its notice with it at once', async () => {
    const tab = new SettingsTab(await tb.openExtensionPage(ADDON_ID, `${OPTIONS_PAGE}?account=${bob}`), bob);
    await tab.waitReady();
    await tab.openPanel('vacation');
    // Bob's reply, read from the server: on, waiting for its first day.
    await tab.waitText('vacation', /first day/, '.state');
    await tab.setChecked('vacation', enMessages.vacationEnabledLabel.message, false);
    const status = await tab.act('vacation', enMessages.vacationTurnOffButton.message);
    expect(status.kind).toBe('success');
    await waitForNotice(bob, false);
    expect(stateFile(server, BOB, 'xexec.sieve') ?? '').not.toMatch(VACATION_ACTION);
    await tab.page.close();
  });
});
