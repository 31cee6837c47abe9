// End-to-end: the ways into the settings tab in a real, headless Thunderbird 153, with the
// .xpi as it ships. The add-on's button in the 3-pane window's unified toolbar (Thunderbird
// puts it there by default) gets a left click (mousedown, mouseup, click), and an account's
// row in the folder pane gets a right click (contextmenu) while another account's Inbox is
// shown; our item is found by its English label and chosen with the popup's activateItem().
// The mouse events are trusted DOM events dispatched from chrome code: Thunderbird's release
// build has no synthesizeMouseEvent, and native mouse events never arrive in headless mode.
// Each must open a tab with the settings page, the second one with `?account=` of the
// right-clicked account, and the page must show that account chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pw, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon, type BuiltAddon } from './addon.js';
import { MAIN_WINDOW_PRELUDE } from './chrome-prelude.js';
import { stopAll } from './teardown.js';
import { ExtensionPage, startThunderbird, thunderbirdAvailable, type Thunderbird } from './thunderbird.js';
import enMessages from '../../_locales/en/messages.json';
import { ADDON_ID } from '../support/constants.js';

const SETTINGS_PAGE = 'ui/options/options.html';
const MENU_LABEL = enMessages.menuServerSettings.message;
const BUTTON_LABEL = enMessages.actionTitle.message;

let built: BuiltAddon;
let server: TestServer;
let tb: Thunderbird;
let alice: string;
let bob: string;
let base: string;

/** Chrome-script helpers: MAIN_WINDOW_PRELUDE and the tab URLs. */
const PRELUDE = `${MAIN_WINDOW_PRELUDE}
  const urls = () => tabmail.tabInfo.map(t => (t.browser && t.browser.currentURI) ? t.browser.currentURI.spec : null);
`;

/** The URLs of the open tabs (null for tabs without a browser, like the 3-pane tab). */
function tabUrls(): Promise<(string | null)[]> {
  return tb.chrome<(string | null)[]>(`${PRELUDE} return urls();`);
}

/** Waits until a tab whose URL is `url` has loaded it; fails when none opens. */
async function waitForTab(url: string): Promise<void> {
  await tb.waitFor(`a tab with ${url}`, `
    const url = arguments[0];
    const tabmail = Services.wm.getMostRecentWindow("mail:3pane").document.getElementById("tabmail");
    const tab = tabmail.tabInfo.find(t => t.browser && t.browser.currentURI && t.browser.currentURI.spec === url);
    const wg = tab && tab.browser.browsingContext && tab.browser.browsingContext.currentWindowGlobal;
    return !!(wg && wg.documentURI && wg.documentURI.spec === url && !tab.browser.webProgress.isLoadingDocument);
  `, 30_000, [url]);
}

/** The settings-page tabs that are open: their URLs. */
async function settingsTabs(): Promise<string[]> {
  return (await tabUrls()).filter((u): u is string => u !== null && u.startsWith(`${base}${SETTINGS_PAGE}`));
}

describe('the toolbar button and the folder pane menu open the settings tab', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer();
    tb = await startThunderbird();
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USERS.alice, password: pw(USERS.alice) })).accountId;
    bob = (await tb.createImapAccount({ port: server.imapPort, user: USERS.bob, password: pw(USERS.bob) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 180_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [server], cleanLogs: [server], built });
  }, 120_000);

  it('a click on the toolbar button opens the settings tab', async () => {
    expect(await settingsTabs()).toEqual([]);
    const button = await tb.chrome<{ label: string; title: string; itemId: string; visible: boolean }>(`${PRELUDE}
      const [addonId, label] = arguments;
      // The unified toolbar of the mail space: one <li class="extension-action" item-id="ext-<id>">.
      const item = await until("the add-on's toolbar button", () => doc.querySelector('unified-toolbar li.extension-action[item-id="ext-' + addonId + '"]'));
      const button = item.querySelector("button");
      const r = button.getBoundingClientRect();
      // A left click, as a mouse makes it: mousedown, mouseup, click.
      for (const type of ["mousedown", "mouseup", "click"]) mouse(button, type, 0);
      return { label: button.textContent.replace(/\\s+/g, " ").trim(), title: button.title || button.getAttribute("title") || "",
        itemId: item.getAttribute("item-id"), visible: r.width > 0 && r.height > 0 };
    `, [ADDON_ID, BUTTON_LABEL]);
    expect(button.visible).toBe(true);
    expect(button.label).toContain(BUTTON_LABEL);
    const url = `${base}${SETTINGS_PAGE}`;
    await waitForTab(url);
    expect(await settingsTabs()).toEqual([url]);
    // It is the tab in front, and the page is the settings page.
    const page = new ExtensionPage(tb, url);
    expect(await tb.chrome<string | null>(`${PRELUDE} const t = tabmail.currentTabInfo; return t.browser ? t.browser.currentURI.spec : null;`)).toBe(url);
    const heading = await page.run<string>('const h = page.document.querySelector("h1"); return h ? h.textContent : page.document.title;');
    expect(heading).toContain('Mail server settings');
    await page.close();
    expect(await settingsTabs()).toEqual([]);
  });

  it("the folder pane's context menu opens the settings tab on the right-clicked account", async () => {
    // Alice's Inbox is shown; the user right-clicks Bob's account (its root folder) in the folder pane.
    const menu = await tb.chrome<{ labels: string[]; chosen: string | null }>(`${PRELUDE}
      const [aliceId, bobId, label] = arguments;
      const about3Pane = tabmail.currentAbout3Pane;
      const aliceInbox = MailServices.accounts.getAccount(aliceId).incomingServer.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
      about3Pane.displayFolder(aliceInbox.URI);
      const folderTree = about3Pane.folderTree;
      await until("Alice's Inbox selected", () => folderTree.selectedRow && folderTree.selectedRow.uri === aliceInbox.URI);
      const bobRoot = MailServices.accounts.getAccount(bobId).incomingServer.rootFolder;
      const row = await until("Bob's account in the folder pane",
        () => [...folderTree.querySelectorAll("li")].find(li => li.uri === bobRoot.URI && li.closest(".mode-container") === null && li.getClientRects().length > 0));
      const popup = about3Pane.document.getElementById("folderPaneContext");
      const target = row.querySelector(".container") || row;
      // The menu's extension items are added while it is shown; a menu opened while the
      // background was still creating its item would lack it: open it again then.
      let item = null;
      const labels = [];
      const deadline = Date.now() + 20000;
      for (;;) {
        const shown = new Promise(r => popup.addEventListener("popupshown", r, { once: true }));
        // A right click: on Linux the widget sends contextmenu with the button press.
        mouse(target, "mousedown", 2);
        mouse(target, "contextmenu", 2);
        mouse(target, "mouseup", 2);
        await shown;
        item = [...popup.querySelectorAll("menuitem")].find(m => m.label === label) || null;
        if (item || Date.now() > deadline) {
          labels.push(...[...popup.children].filter(m => m.label && !m.hidden).map(m => m.label));
          break;
        }
        const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
        popup.hidePopup();
        await hidden;
        await sleep(200);
      }
      if (!item) {
        const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
        popup.hidePopup();
        await hidden;
        return { labels, chosen: null };
      }
      const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
      popup.activateItem(item);
      await hidden;
      return { labels, chosen: item.label };
    `, [alice, bob, MENU_LABEL]);
    expect(menu.labels).toContain(MENU_LABEL);
    expect(menu.chosen).toBe(MENU_LABEL);

    const url = `${base}${SETTINGS_PAGE}?account=${encodeURIComponent(bob)}`;
    await waitForTab(url);
    expect(await settingsTabs()).toEqual([url]);
    const page = new ExtensionPage(tb, url);
    // The page shows Bob's account chosen (without ?account= it would choose Alice's, the first
    // account whose server offers something), and keeps it once both discoveries are done.
    const shown = await page.run<{ checked: string[]; views: string[] }>(`
      const doc = window.document;
      const sleep = (ms) => new Promise(r => window.setTimeout(r, ms));
      const deadline = Date.now() + 30000;
      for (;;) {
        const statuses = [...doc.querySelectorAll(".account-choice")].map(c => c.className);
        const done = statuses.length === 2 && statuses.every(c => /account-(ready|failed)/.test(c));
        const view = doc.querySelector("section.account-view");
        if (done && view && view.querySelector('[role="tablist"]')) break;
        if (Date.now() > deadline) throw new Error("the settings page did not settle: " + doc.body.textContent.slice(0, 300));
        await sleep(50);
      }
      return {
        checked: [...doc.querySelectorAll('.account-picker input[type="radio"]')].filter(i => i.checked).map(i => i.value),
        views: [...doc.querySelectorAll("section.account-view")].filter(v => v.getClientRects().length > 0).map(v => v.dataset.account),
      };
    `);
    expect(shown).toEqual({ checked: [bob], views: [bob] });
    await page.close();
    expect(await settingsTabs()).toEqual([]);
  });
});
