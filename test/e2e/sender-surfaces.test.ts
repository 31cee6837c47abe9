// End-to-end: the other ways to block or allow a sender (issue 11) in a real, headless
// Thunderbird against a real Dovecot: the message header's button and its menu, a keyboard
// shortcut given in Thunderbird's shortcut settings, Thunderbird's own junk mark (asking first,
// then the settings tab's Always), and an administrator's policy that hides the block list. The
// driver is sender-driver.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pw, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon, type BuiltAddon } from './addon.js';
import { stopAll } from './teardown.js';
import { writePolicyFile, type PolicyFile } from './policy-file.js';
import {
  ALLOW,
  ALLOW_DOMAIN,
  BLOCK,
  clickResult,
  closeResults,
  contextMenu,
  deliver,
  env,
  expectOnServer,
  ITEMS,
  list,
  PEST,
  PRELUDE,
  resultView,
  USER,
} from './sender-driver.js';
import { acquireExclusiveStartup } from './startup-lock.js';
import { startThunderbird, thunderbirdAvailable, type Thunderbird } from './thunderbird.js';
import enMessages from '../../_locales/en/messages.json';
import { ADDON_ID } from '../support/constants.js';

let built: BuiltAddon;
let server: TestServer;
let tb: Thunderbird;
let alice: string;
let bob: string;
let base: string;

describe('block or allow from the header button, the keyboard and Thunderbird\'s junk mark, against the server', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer();
    tb = await startThunderbird({
      prefs: {
        'devtools.console.stdout.content': true,
        // Thunderbird's adaptive junk filter, trained by this test's junk marks, would mark new test
        // mail itself at random moments; the junk opt-in test is about the user's own mark.
        'mail.server.default.spamLevel': 0,
      },
    });
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    Object.assign(env, { tb, base, server });
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 240_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [server], cleanLogs: [server], built });
  }, 120_000);

  it("the message header's button: its menu blocks the displayed message's sender; Undo", async () => {
    const subject = await deliver(server, 'Header Pest <header@button.example>');
    const chosen = await tb.chrome<{ labels: string[]; chosen: boolean }>(`${PRELUDE}
      const [accountId, subject, label, addonWidget] = arguments;
      const about3Pane = await selectMessage(accountId, subject);
      const aboutMessage = await until("the message shown", () => {
        const w = about3Pane.messageBrowser && about3Pane.messageBrowser.contentWindow;
        return w && w.gMessage && w.gMessage.mime2DecodedSubject === subject && w.document.getElementById(addonWidget + "-messageDisplayAction-toolbarbutton") ? w : null;
      });
      const button = aboutMessage.document.getElementById(addonWidget + "-messageDisplayAction-toolbarbutton");
      const popup = button.querySelector("menupopup");
      const deadline = Date.now() + 20000;
      for (;;) {
        const shown = new Promise(r => popup.addEventListener("popupshown", r, { once: true }));
        button.open = true;
        await shown;
        await sleep(300);
        const items = [...popup.querySelectorAll("menuitem")].filter(m => !m.hidden);
        const item = items.find(m => m.label === label && !m.disabled);
        if (item || Date.now() > deadline) {
          const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
          if (item) popup.activateItem(item);
          else popup.hidePopup();
          await hidden;
          return { labels: items.map(m => m.label), chosen: !!item };
        }
        const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
        popup.hidePopup();
        await hidden;
        await sleep(200);
      }
    `, [alice, subject, BLOCK, 'xexec_xexec_invalid']);
    expect(chosen).toEqual({ labels: ITEMS, chosen: true });
    expect((await resultView()).text).toEqual(['Added to the block list: header@button.example.', 'Messages moved to Junk: 1.']);
    expect(list('blacklist')).toEqual(['header@button.example']);
    await expectOnServer('Junk', [subject]);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', [subject]);
    await closeResults();
  }, 180_000);

  it("Thunderbird's own junk mark asks first (the default); 'Block on the server' blocks the sender; Undo", async () => {
    const subject = await deliver(server, 'Marked Junk <marked@junk-mark.example>');
    await tb.chrome(`${PRELUDE}
      const [accountId, subject] = arguments;
      const about3Pane = await selectMessage(accountId, subject);
      // What the Junk button and the J key do.
      about3Pane.commandController.doCommand("cmd_markAsJunk");
    `, [alice, subject]);
    expect(await resultView()).toEqual({ text: ['Also block these senders on the server? marked@junk-mark.example'], buttons: ['Block on the server', 'Not now', 'Close'] });
    expect(list('blacklist')).toEqual([]);
    expect(await clickResult('Block on the server')).toEqual({ text: ['Added to the block list: marked@junk-mark.example.'], buttons: ['Undo', 'Close'] });
    expect(list('blacklist')).toEqual(['marked@junk-mark.example']);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual([]);
    await closeResults();
  }, 180_000);

  it("the setting 'Always' in the settings tab: Thunderbird's junk mark blocks the sender without asking; Undo", async () => {
    const page = await tb.openExtensionPage(ADDON_ID, 'ui/options/options.html');
    const picked = await page.run<{ legend: string; checked: string }>(`
      const sleep = (ms) => new Promise((r) => window.setTimeout(r, ms));
      const doc = window.document;
      const norm = (s) => String(s || "").replace(/\\s+/g, " ").trim();
      let set = null;
      for (let i = 0; i < 600 && !set; i++) {
        set = [...doc.querySelectorAll("fieldset")].find((f) => norm(f.querySelector("legend") && f.querySelector("legend").textContent).startsWith(arguments[0]));
        if (!set) await sleep(50);
      }
      if (!set) throw new Error("no junk setting in the page: " + norm(doc.body.textContent).slice(0, 300));
      const radio = (name) => [...set.querySelectorAll("label")].find((l) => norm(l.textContent) === name).querySelector("input");
      if (!radio("Ask each time").checked) throw new Error("the default is not Ask");
      radio("Always").click();
      for (let i = 0; i < 100; i++) {
        const stored = await page.browser.storage.local.get("senderJunkOptIn");
        if (stored.senderJunkOptIn === "always") break;
        await sleep(50);
      }
      return { legend: norm(set.querySelector("legend").textContent), checked: [...set.querySelectorAll("input")].filter((i) => i.checked).map((i) => i.value).join() };
    `, [enMessages.senderJunkSetting.message]);
    expect(picked).toEqual({ legend: enMessages.senderJunkSetting.message, checked: 'always' });
    await page.close();

    const subject = await deliver(server, 'Always Junk <always@junk-mark.example>');
    await tb.chrome(`${PRELUDE}
      const [accountId, subject] = arguments;
      const about3Pane = await selectMessage(accountId, subject);
      about3Pane.commandController.doCommand("cmd_markAsJunk");
    `, [alice, subject]);
    expect(await resultView()).toEqual({ text: ['Added to the block list: always@junk-mark.example.'], buttons: ['Undo', 'Close'] });
    expect(list('blacklist')).toEqual(['always@junk-mark.example']);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual([]);
    await closeResults();
  }, 180_000);

  it('a keyboard shortcut set in Thunderbird for "Block sender" blocks the selected message\'s sender; Undo', async () => {
    const subject = await deliver(server, 'Key Pest <key@shortcut.example>');
    await tb.chrome(`${PRELUDE}
      const [accountId, subject, addonId] = arguments;
      const about3Pane = await selectMessage(accountId, subject);
      // What Thunderbird's shortcut settings do when the user gives the command a key.
      const shortcuts = WebExtensionPolicy.getByID(addonId).extension.shortcuts;
      await shortcuts.updateCommand({ name: "sender-block", shortcut: "Ctrl+Alt+B" });
      // The key press, as trusted events from chrome code (headless, native keys never arrive).
      about3Pane.threadTree.focus();
      for (const type of ["keydown", "keypress", "keyup"]) {
        win.document.documentElement.dispatchEvent(new win.KeyboardEvent(type, { key: "b", code: "KeyB",
          keyCode: type === "keypress" ? 0 : 66, charCode: type === "keypress" ? 98 : 0,
          ctrlKey: true, altKey: true, bubbles: true, cancelable: true, view: win }));
      }
    `, [alice, subject, ADDON_ID]);
    expect((await resultView()).text).toEqual(['Added to the block list: key@shortcut.example.', 'Messages moved to Junk: 1.']);
    expect(list('blacklist')).toEqual(['key@shortcut.example']);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', [subject]);
    await closeResults();
  }, 180_000);

});

describe("an administrator's policy that hides the block list panel", () => {
  let policyFile: PolicyFile | null = null;
  let releaseStartup: (() => void) | null = null;
  const removePolicy = () => {
    policyFile?.remove();
    policyFile = null;
    releaseStartup?.();
    releaseStartup = null;
  };

  beforeAll(async () => {
    built = await buildAddon();
    server = await startServer();
    releaseStartup = await acquireExclusiveStartup();
    try {
      // The policy's managed settings (docs/ADMIN.md); Thunderbird reads policies.json once, at start-up.
      // The same server reached as "localhost" has both list panels hidden (a per-host entry).
      policyFile = writePolicyFile({ '3rdparty': { Extensions: { [ADDON_ID]: {
        hiddenPanels: ['blacklist'],
        servers: { localhost: { hiddenPanels: ['blacklist', 'whitelist'] } },
      } } } });
      tb = await startThunderbird({ prefs: { 'mail.server.default.spamLevel': 0 } });
    } finally {
      removePolicy();
    }
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    bob = (await tb.createImapAccount({ host: 'localhost', port: server.imapPort, user: USERS.bob, password: pw(USERS.bob) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    Object.assign(env, { tb, base, server });
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 240_000);

  afterAll(async () => {
    removePolicy();
    await stopAll({ tb, servers: [server], built });
  }, 120_000);

  it("the header button is disabled for a message of an account whose lists are both hidden, enabled for one that has a list", async () => {
    /** Whether the button of the shown message becomes `enabled` (the add-on decides once the account is known). */
    const button = async (accountId: string, subject: string, enabled: boolean) => tb.chrome<boolean>(`${PRELUDE}
      const [accountId, subject, id, enabled] = arguments;
      const about3Pane = await selectMessage(accountId, subject);
      const messageDoc = await until("the message shown", () => {
        const w = about3Pane.messageBrowser && about3Pane.messageBrowser.contentWindow;
        return w && w.gMessage && w.gMessage.mime2DecodedSubject === subject && w.document.getElementById(id) ? w.document : null;
      });
      try {
        await until("the button " + (enabled ? "enabled" : "disabled"), () => !messageDoc.getElementById(id).disabled === enabled, 20000);
        return true;
      } catch {
        return false;
      }
    `, [accountId, subject, 'xexec_xexec_invalid-messageDisplayAction-toolbarbutton', enabled]);
    expect(await button(bob, await deliver(server, PEST, USERS.bob), false)).toBe(true);
    // Back on a message of an account with a list, the button is usable again.
    expect(await button(alice, await deliver(server, PEST), true)).toBe(true);
  }, 180_000);

  it('the block items are absent, the allow items are there', async () => {
    const subject = await deliver(server, PEST);
    const menu = await contextMenu(alice, [subject], undefined, ALLOW);
    expect(menu.items).toEqual([{ label: ALLOW, disabled: false }, { label: ALLOW_DOMAIN, disabled: false }]);
    expect(list('blacklist')).toEqual([]);
  }, 120_000);
});

