// End-to-end: block or allow a sender from the message (issue 11) in a real, headless
// Thunderbird with the .xpi as it ships, against a real Dovecot with the plugin. Mail is
// delivered over LMTP; the messages are selected in the 3-pane window's message list and the
// list's context menu is opened with a right click (a trusted contextmenu event, as in
// entry-points.test.ts); our item is found by its English label and chosen with the popup's
// activateItem(). The result window's text and its Undo button are used through its DOM. What it
// says is checked on the server: the list files in ~/.xexec/, the Maildir folders, and where a
// further LMTP delivery lands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModules, pw, referenceModules, startServer, USERS, type TestServer } from '../server/fixture/index.js';
import { buildAddon, type BuiltAddon } from './addon.js';
import { writePolicyFile, type PolicyFile } from './policy-file.js';
import { acquireExclusiveStartup } from './startup-lock.js';
import { stateFile } from './settings-tab.js';
import { startThunderbird, thunderbirdAvailable, type Thunderbird } from './thunderbird.js';
import enMessages from '../../_locales/en/messages.json';
import { ADDON_ID } from '../support/constants.js';

const BLOCK = enMessages.senderBlock.message;
const BLOCK_DOMAIN = enMessages.senderBlockDomain.message;
const ALLOW = enMessages.senderAllow.message;
const ALLOW_DOMAIN = enMessages.senderAllowDomain.message;
const ITEMS = [BLOCK, BLOCK_DOMAIN, ALLOW, ALLOW_DOMAIN];
const PEST = 'Spam Sender <pest@spam.example>';
const USER = USERS.alice;

let built: BuiltAddon;
let server: TestServer;
/** A server whose whitelist module is missing and whose blacklist module always fails. */
let failing: TestServer;
let tb: Thunderbird;
let alice: string;
let bob: string;
let base: string;
let counter = 0;

/** Chrome-script helpers: the 3-pane window, trusted mouse events, polling. */
const PRELUDE = `
  const win = Services.wm.getMostRecentWindow("mail:3pane");
  const tabmail = win.document.getElementById("tabmail");
  const sleep = (ms) => new Promise(r => win.setTimeout(r, ms));
  function mouse(el, type, button) {
    const w = el.ownerDocument.defaultView;
    const r = el.getBoundingClientRect();
    const clientX = r.left + Math.min(10, r.width / 2), clientY = r.top + r.height / 2;
    const init = { bubbles: true, cancelable: true, composed: true, view: w, detail: 1, button, buttons: 0,
      clientX, clientY, screenX: w.mozInnerScreenX + clientX, screenY: w.mozInnerScreenY + clientY };
    return el.dispatchEvent(new w.MouseEvent(type, init));
  }
  async function until(what, check, ms = 30000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
      await sleep(50);
    }
  }
  function inboxOf(accountId) {
    return MailServices.accounts.getAccount(accountId).incomingServer.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
  }
  /** Shows the account's Inbox and waits until Thunderbird knows a message with each subject. */
  async function showInbox(accountId, subjects) {
    const inbox = inboxOf(accountId);
    const about3Pane = tabmail.currentAbout3Pane;
    if (about3Pane.gFolder !== inbox) about3Pane.displayFolder(inbox.URI);
    let last = 0;
    let shown = [];
    try {
      await until("the messages in the Inbox", () => {
        if (Date.now() - last > 1000) {
          last = Date.now();
          inbox.updateFolder(win.msgWindow);
        }
        const view = about3Pane.gDBView;
        if (!view) return false;
        shown = [];
        for (let i = 0; i < view.rowCount; i++) shown.push(view.getMsgHdrAt(i).mime2DecodedSubject);
        return subjects.every(s => shown.includes(s));
      }, 40000);
    } catch (e) {
      throw new Error(e.message + ": want " + JSON.stringify(subjects) + ", shown " + JSON.stringify(shown) + " in " + (about3Pane.gFolder && about3Pane.gFolder.URI) + ", view " + !!about3Pane.gDBView);
    }
    return about3Pane;
  }
`;

/**
 * Selects the messages with these subjects in the account's Inbox, right-clicks the first one
 * and returns the menu's items of this add-on; chooses `choose` when given and it is enabled.
 */
async function contextMenu(accountId: string, subjects: string[], choose?: string, waitFor = choose ?? BLOCK): Promise<{ items: { label: string; disabled: boolean }[]; chosen: boolean }> {
  return tb.chrome(`${PRELUDE}
    const [accountId, subjects, choose, waitFor, ours, parentLabel] = arguments;
    const about3Pane = await showInbox(accountId, subjects);
    const view = about3Pane.gDBView;
    const indices = [];
    for (let i = 0; i < view.rowCount; i++) if (subjects.includes(view.getMsgHdrAt(i).mime2DecodedSubject)) indices.push(i);
    const tree = about3Pane.threadTree;
    tree.selectedIndices = indices;
    await until("the selection", () => about3Pane.gDBView.getSelectedMsgHdrs().length === indices.length);
    tree.scrollToIndex(indices[0]);
    const row = await until("the first selected row", () => tree.getRowAtIndex(indices[0]));
    const popup = about3Pane.document.getElementById("mailContext");
    // Our items appear once the account's discovery is known (started by the first opening).
    const deadline = Date.now() + 20000;
    let items = [];
    for (;;) {
      const shown = new Promise(r => popup.addEventListener("popupshown", r, { once: true }));
      mouse(row, "mousedown", 2);
      mouse(row, "contextmenu", 2);
      mouse(row, "mouseup", 2);
      await shown;
      // The add-on updates its items in onShown; give it a moment to refresh the open menu.
      await sleep(300);
      const parent = [...popup.querySelectorAll("menu")].find(m => m.label === parentLabel && !m.hidden);
      if (parent) {
        const sub = parent.menupopup;
        const subShown = new Promise(r => sub.addEventListener("popupshown", r, { once: true }));
        parent.openMenu(true);
        await subShown;
        const mine = () => [...sub.querySelectorAll("menuitem")].filter(m => ours.some(l => m.label === l || m.label.startsWith(l + " (")) && !m.hidden);
        items = mine().map(m => ({ label: m.label, disabled: m.disabled }));
        if (items.some(i => i.label === waitFor && !i.disabled) || Date.now() > deadline) {
          const item = choose ? mine().find(m => m.label === choose && !m.disabled) : null;
          const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
          if (item) sub.activateItem(item);
          else popup.hidePopup();
          await hidden;
          return { items, chosen: !!item };
        }
      } else if (Date.now() > deadline) {
        const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
        popup.hidePopup();
        await hidden;
        return { items: [], chosen: false };
      }
      const hidden = new Promise(r => popup.addEventListener("popuphidden", r, { once: true }));
      popup.hidePopup();
      await hidden;
      await sleep(200);
    }
  `, [accountId, subjects, choose ?? null, waitFor, ITEMS, enMessages.senderMenu.message]);
}

/** A browser showing the result window's page, in chrome code. */
const RESULT_BROWSER = `
  function resultBrowsers(prefix) {
    const found = [];
    for (const w of Services.wm.getEnumerator(null)) {
      for (const b of w.document.querySelectorAll("browser")) {
        if (b.currentURI && b.currentURI.spec.startsWith(prefix)) found.push(b);
      }
    }
    return found;
  }
`;

interface ResultView {
  text: string[];
  buttons: string[];
}

/** Runs `script` in the result window's page (the newest one); returns what it returns. */
async function inResult<T>(script: string, args: unknown[] = []): Promise<T> {
  const wrapped = `return (async () => {\nconst doc = window.document; const args = [...arguments];\nconst norm = (s) => String(s || "").replace(/\\s+/g, " ").trim();\n${script}\n})().then(v => JSON.stringify(v === undefined ? null : v));`;
  const json = await tb.chrome<string>(`${PRELUDE}${RESULT_BROWSER}
    const [prefix, script, args] = arguments;
    let browser;
    try {
      browser = await until("the result window", () => {
        const all = resultBrowsers(prefix);
        const b = all[all.length - 1];
        const global = b && b.browsingContext && b.browsingContext.currentWindowGlobal;
        return global && global.documentURI && global.documentURI.spec.startsWith(prefix) ? b : null;
      });
    } catch (e) {
      const open = [...Services.wm.getEnumerator(null)].map(w => w.document.documentURI + " [" + [...w.document.querySelectorAll("browser")].map(b => b.currentURI && b.currentURI.spec).join(", ") + "]");
      throw new Error(e.message + "; windows: " + open.join("; "));
    }
    return browser.browsingContext.currentWindowGlobal.getActor("MarionetteCommands").executeScript(script, args, { async: false, newSandbox: true, timeout: 60000 });
  `, [`${base}ui/sender/result.html`, wrapped, args]);
  return JSON.parse(json) as T;
}

/** What the result window says once the background has answered. */
function resultView(): Promise<ResultView> {
  return inResult<ResultView>(`
    const sleep = (ms) => new Promise((r) => window.setTimeout(r, ms));
    for (let i = 0; i < 600; i++) {
      const text = [...doc.querySelectorAll(".status-text, .status-detail")].map((p) => norm(p.textContent)).filter(Boolean);
      if (text.length > 0 && !doc.querySelector('[data-busy="true"]')) {
        return { text, buttons: [...doc.querySelectorAll("button")].map((b) => norm(b.textContent)) };
      }
      await sleep(50);
    }
    throw new Error("the result window says nothing: " + norm(doc.body.textContent));
  `);
}

/** Clicks a button of the result window and returns what it says then. */
async function clickResult(name: string): Promise<ResultView> {
  const before = await resultView();
  await inResult(`
    const button = [...doc.querySelectorAll("button")].find((b) => norm(b.textContent) === args[0]);
    if (!button) throw new Error("no button " + args[0]);
    button.click();
  `, [name]);
  for (let i = 0; i < 600; i++) {
    const now = await resultView();
    if (JSON.stringify(now) !== JSON.stringify(before)) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the result window did not change after ${name}`);
}

/** Closes every result window. */
async function closeResults(): Promise<void> {
  await tb.chrome(`${PRELUDE}${RESULT_BROWSER}
    for (const b of resultBrowsers(arguments[0])) b.ownerDocument.defaultView.close();
    await until("the result windows to close", () => resultBrowsers(arguments[0]).length === 0);
  `, [`${base}ui/sender/result.html`]);
}

/**
 * Delivers a message over LMTP with `from` as its From header (the envelope sender is its
 * last <address>, or a fixed one when it has none); returns its subject.
 */
async function deliver(to: TestServer, from: string, user: string = USER): Promise<string> {
  const subject = `sender test ${++counter}`;
  const envelope = /<([^<>]*)>\s*;?\s*$/.exec(from)?.[1] ?? (/^[^\s,<>"]+@[^\s,<>"]+$/.test(from) ? from : 'bounce@example.net');
  const r = await to.deliver({ from: envelope, to: user, subject, headers: { From: from } });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  return subject;
}

/** Where the server put a new message from `from` (its Sieve rules at delivery). */
async function deliveredTo(from: string): Promise<'INBOX' | 'Junk'> {
  const before = server.counts(USER);
  await deliver(server, from);
  const after = server.counts(USER);
  if (after.inbox === before.inbox + 1 && after.junk === before.junk) return 'INBOX';
  if (after.junk === before.junk + 1 && after.inbox === before.inbox) return 'Junk';
  throw new Error(`the message from ${from} went nowhere known: ${JSON.stringify({ before, after })}`);
}

/** The subjects of the messages in a folder on the server. */
function subjectsIn(folder: 'INBOX' | 'Junk'): string[] {
  return server.mailbox(USER, folder).map((m) => /^Subject: (.*)$/m.exec(m)?.[1]?.trim() ?? '').sort();
}

/** Waits until the server's folder holds (or lacks) these subjects: Thunderbird moves over IMAP. */
async function expectOnServer(folder: 'INBOX' | 'Junk', subjects: string[], present = true): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = subjectsIn(folder);
    if (subjects.every((s) => now.includes(s) === present)) return;
    if (Date.now() > deadline) expect({ folder, now }).toEqual({ folder, now: present ? subjects : [] });
    await new Promise((r) => setTimeout(r, 100));
  }
}

function list(name: 'blacklist' | 'whitelist'): string[] {
  return (stateFile(server, USER, name) ?? '').split('\n').filter((l) => l !== '');
}

describe('block or allow a sender from the message list, against the server', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer();
    failing = await startServer({
      modules: (dir) => [
        ...referenceModules(dir).filter((m) => m.name !== 'blacklist' && m.name !== 'whitelist'),
        { name: 'blacklist', command: defaultModules(dir).find((m) => m.name === 'fail')!.command },
      ],
    });
    tb = await startThunderbird({
      prefs: {
        'devtools.console.stdout.content': true,
        // Thunderbird's adaptive junk filter, trained by this test's junk marks, would mark new test
        // mail itself at random moments; the junk opt-in test is about the user's own mark.
        'mail.server.default.spamLevel': 0,
      },
    });
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    // Another user: Thunderbird's folder URIs do not name the port.
    bob = (await tb.createImapAccount({ port: failing.imapPort, user: USERS.bob, password: pw(USERS.bob) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 240_000);

  afterAll(async () => {
    if (process.env.SENDER_DEBUG === '1') console.log(tb?.readLog().split('\n').filter((l) => /sender|console\.(warn|error)|Error/.test(l)).slice(-40).join('\n'));
    try {
      await tb?.stopExpectingNoCrash();
    } finally {
      try {
        server?.assertLogClean();
      } finally {
        await server?.stop();
        await failing?.stop();
        built?.remove();
      }
    }
  }, 120_000);

  it('Block sender: the block list holds the address, the message is in Junk, new mail from it lands in Junk; Undo takes it all back', async () => {
    const subject = await deliver(server, PEST);
    const menu = await contextMenu(alice, [subject], BLOCK);
    expect(menu.items.map((i) => i.label)).toEqual(ITEMS);
    expect(menu.chosen).toBe(true);
    expect(await resultView()).toEqual({
      text: ['Added to the block list: pest@spam.example.', 'Messages moved to Junk: 1.'],
      buttons: ['Undo', 'Close'],
    });
    // The keyboard is on Undo.
    expect(await inResult<string>('return norm(doc.activeElement && doc.activeElement.textContent);')).toBe('Undo');
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await expectOnServer('Junk', [subject]);
    await expectOnServer('INBOX', [subject], false);
    expect(await deliveredTo(PEST)).toBe('Junk');

    expect(await clickResult('Undo')).toEqual({
      text: ['Removed from the block list again: pest@spam.example.', 'Messages put back: 1.'],
      buttons: ['Close'],
    });
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', [subject]);
    expect(await deliveredTo(PEST)).toBe('INBOX');
    await closeResults();
  }, 180_000);

  it("Block sender's domain: the block list holds @spam.example, any address of it lands in Junk; Undo", async () => {
    const subject = await deliver(server, PEST);
    expect((await contextMenu(alice, [subject], BLOCK_DOMAIN)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Added to the block list: @spam.example.', 'Messages moved to Junk: 1.']);
    expect(list('blacklist')).toEqual(['@spam.example']);
    await expectOnServer('Junk', [subject]);
    expect(await deliveredTo('Someone Else <other@spam.example>')).toBe('Junk');
    expect((await clickResult('Undo')).text).toEqual(['Removed from the block list again: @spam.example.', 'Messages put back: 1.']);
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', [subject]);
    await closeResults();
  }, 180_000);

  it('several selected messages with a sender twice: each distinct sender once, every message in Junk; Undo', async () => {
    const subjects = [await deliver(server, PEST), await deliver(server, 'Pest Again <PEST@spam.example>'), await deliver(server, 'Other <other@junk.example>')];
    expect((await contextMenu(alice, subjects, BLOCK)).chosen).toBe(true);
    const view = await resultView();
    expect(view.text[0]).toMatch(/^Added to the block list: (pest@spam\.example, other@junk\.example|other@junk\.example, pest@spam\.example)\.$/);
    expect(view.text[1]).toBe('Messages moved to Junk: 3.');
    expect(list('blacklist').sort()).toEqual(['other@junk.example', 'pest@spam.example']);
    await expectOnServer('Junk', subjects);
    expect((await clickResult('Undo')).text[1]).toBe('Messages put back: 3.');
    expect(list('blacklist')).toEqual([]);
    await expectOnServer('INBOX', subjects);
    await closeResults();
  }, 180_000);

  let pestInInbox = '';
  it('a sender already on the block list gets no second entry, the window says so, and Undo leaves the entry', async () => {
    const first = await deliver(server, PEST);
    expect((await contextMenu(alice, [first], BLOCK)).chosen).toBe(true);
    expect((await resultView()).text[0]).toBe('Added to the block list: pest@spam.example.');
    await closeResults();
    pestInInbox = await deliver(server, PEST);
    // Delivered while blocked: the server put it in Junk. Thunderbird shows the Inbox: move it there by hand.
    await expectOnServer('Junk', [pestInInbox]);
    await tb.chrome(`${PRELUDE}
      const [accountId, subject] = arguments;
      const root = MailServices.accounts.getAccount(accountId).incomingServer.rootFolder;
      const junk = await until("the Junk folder", () => root.getChildNamed("Junk"));
      let last = 0;
      const hdr = await until("the message in Junk", () => {
        if (Date.now() - last > 1000) { last = Date.now(); junk.updateFolder(win.msgWindow); }
        return [...junk.messages].find(h => h.mime2DecodedSubject === subject);
      });
      MailServices.copy.copyMessages(junk, [hdr], inboxOf(accountId), true, null, win.msgWindow, false);
    `, [alice, pestInInbox]);
    await expectOnServer('INBOX', [pestInInbox]);
    expect((await contextMenu(alice, [pestInInbox], BLOCK)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Already in the block list (no second entry): pest@spam.example.', 'Messages moved to Junk: 1.']);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect((await clickResult('Undo')).text).toEqual(['Messages put back: 1.']);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await expectOnServer('INBOX', [pestInInbox]);
    await closeResults();
  }, 180_000);

  it('Always allow sender: on the allow list, off the block list (and says so), its mail lands in the Inbox; Undo restores both lists', async () => {
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect((await contextMenu(alice, [pestInInbox], ALLOW)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Added to the allow list: pest@spam.example.', 'Taken off the block list: pest@spam.example.']);
    expect(list('whitelist')).toEqual(['pest@spam.example']);
    expect(list('blacklist')).toEqual([]);
    expect(await deliveredTo(PEST)).toBe('INBOX');
    expect((await clickResult('Undo')).text).toEqual(['Removed from the allow list again: pest@spam.example.', 'Back on the block list: pest@spam.example.']);
    expect(list('whitelist')).toEqual([]);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await closeResults();
  }, 180_000);

  it("Always allow sender's domain: @spam.example on the allow list wins over the blocked address; Undo", async () => {
    expect((await contextMenu(alice, [pestInInbox], ALLOW_DOMAIN)).chosen).toBe(true);
    expect((await resultView()).text).toEqual(['Added to the allow list: @spam.example.']);
    expect(list('whitelist')).toEqual(['@spam.example']);
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect(await deliveredTo(PEST)).toBe('INBOX');
    expect((await clickResult('Undo')).text).toEqual(['Removed from the allow list again: @spam.example.']);
    expect(list('whitelist')).toEqual([]);
    expect(await deliveredTo(PEST)).toBe('Junk');
    await closeResults();
  }, 180_000);

  it('From headers as Thunderbird parses them: an encoded-word name, a quoted local part, a group, two addresses', async () => {
    const encoded = await deliver(server, '=?UTF-8?B?U3DDoW0gU2VuZGVy?= <enc@parse.example>');
    const quoted = await deliver(server, '"a b"@quoted.example');
    const group = await deliver(server, 'Friends: g1@group.example, g2@group.example;');
    const two = await deliver(server, 'first@two.example, Second <second@two.example>');
    // The quoted address cannot be a list entry (PROTOCOL.md §6.1): its items say why; its domain can.
    const menu = await contextMenu(alice, [quoted], undefined, BLOCK_DOMAIN);
    const why = enMessages.senderNotListable.message;
    expect(menu.items).toEqual([
      { label: `${BLOCK} (${why})`, disabled: true },
      { label: BLOCK_DOMAIN, disabled: false },
      { label: `${ALLOW} (${why})`, disabled: true },
      { label: ALLOW_DOMAIN, disabled: false },
    ]);
    for (const [subject, entry] of [[encoded, 'enc@parse.example'], [group, 'g1@group.example'], [two, 'first@two.example']] as const) {
      expect((await contextMenu(alice, [subject], BLOCK)).chosen).toBe(true);
      expect((await resultView()).text[0]).toBe(`Added to the block list: ${entry}.`);
      expect(list('blacklist')).toEqual(['pest@spam.example', entry].sort());
      await clickResult('Undo');
      await expectOnServer('INBOX', [subject]);
      await closeResults();
    }
  }, 240_000);

  it("the message header's button: its menu blocks the displayed message's sender; Undo", async () => {
    const subject = await deliver(server, 'Header Pest <header@button.example>');
    const chosen = await tb.chrome<{ labels: string[]; chosen: boolean }>(`${PRELUDE}
      const [accountId, subject, label, addonWidget] = arguments;
      const about3Pane = await showInbox(accountId, [subject]);
      const view = about3Pane.gDBView;
      let index = -1;
      for (let i = 0; i < view.rowCount; i++) if (view.getMsgHdrAt(i).mime2DecodedSubject === subject) index = i;
      about3Pane.threadTree.selectedIndex = index;
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
    expect(list('blacklist')).toEqual(['header@button.example', 'pest@spam.example']);
    await expectOnServer('Junk', [subject]);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await expectOnServer('INBOX', [subject]);
    await closeResults();
  }, 180_000);

  it("Thunderbird's own junk mark asks first (the default); 'Block on the server' blocks the sender; Undo", async () => {
    const subject = await deliver(server, 'Marked Junk <marked@junk-mark.example>');
    await tb.chrome(`${PRELUDE}
      const [accountId, subject] = arguments;
      const about3Pane = await showInbox(accountId, [subject]);
      const view = about3Pane.gDBView;
      for (let i = 0; i < view.rowCount; i++) if (view.getMsgHdrAt(i).mime2DecodedSubject === subject) about3Pane.threadTree.selectedIndex = i;
      await until("the selection", () => about3Pane.gDBView.getSelectedMsgHdrs().length === 1);
      // What the Junk button and the J key do.
      about3Pane.commandController.doCommand("cmd_markAsJunk");
    `, [alice, subject]);
    expect(await resultView()).toEqual({ text: ['Also block these senders on the server? marked@junk-mark.example'], buttons: ['Block on the server', 'Not now', 'Close'] });
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    expect(await clickResult('Block on the server')).toEqual({ text: ['Added to the block list: marked@junk-mark.example.'], buttons: ['Undo', 'Close'] });
    expect(list('blacklist')).toEqual(['marked@junk-mark.example', 'pest@spam.example']);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual(['pest@spam.example']);
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
      const about3Pane = await showInbox(accountId, [subject]);
      const view = about3Pane.gDBView;
      for (let i = 0; i < view.rowCount; i++) if (view.getMsgHdrAt(i).mime2DecodedSubject === subject) about3Pane.threadTree.selectedIndex = i;
      await until("the selection", () => about3Pane.gDBView.getSelectedMsgHdrs().length === 1);
      about3Pane.commandController.doCommand("cmd_markAsJunk");
    `, [alice, subject]);
    expect(await resultView()).toEqual({ text: ['Added to the block list: always@junk-mark.example.'], buttons: ['Undo', 'Close'] });
    expect(list('blacklist')).toEqual(['always@junk-mark.example', 'pest@spam.example']);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await closeResults();
  }, 180_000);

  it('a keyboard shortcut set in Thunderbird for "Block sender" blocks the selected message\'s sender; Undo', async () => {
    const subject = await deliver(server, 'Key Pest <key@shortcut.example>');
    await tb.chrome(`${PRELUDE}
      const [accountId, subject, addonId] = arguments;
      const about3Pane = await showInbox(accountId, [subject]);
      const view = about3Pane.gDBView;
      for (let i = 0; i < view.rowCount; i++) if (view.getMsgHdrAt(i).mime2DecodedSubject === subject) about3Pane.threadTree.selectedIndex = i;
      await until("the selection", () => about3Pane.gDBView.getSelectedMsgHdrs().length === 1);
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
    expect(list('blacklist')).toEqual(['key@shortcut.example', 'pest@spam.example']);
    await clickResult('Undo');
    expect(list('blacklist')).toEqual(['pest@spam.example']);
    await expectOnServer('INBOX', [subject]);
    await closeResults();
  }, 180_000);

  it('a server without the allow list shows only the block items; when its block list fails, the message stays in the Inbox and the window says why', async () => {
    const subject = await deliver(failing, PEST, USERS.bob);
    const menu = await contextMenu(bob, [subject], BLOCK);
    expect(menu.items.map((i) => i.label)).toEqual([BLOCK, BLOCK_DOMAIN]);
    const view = await resultView();
    expect(view.text[0]).toMatch(/^Nothing was changed, the messages stay where they are: /);
    expect(view.buttons).toEqual(['Close']);
    expect(failing.counts(USERS.bob)).toEqual({ inbox: 1, junk: 0 });
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
      policyFile = writePolicyFile({ '3rdparty': { Extensions: { [ADDON_ID]: { hiddenPanels: ['blacklist'] } } } });
      tb = await startThunderbird({ prefs: { 'mail.server.default.spamLevel': 0 } });
    } finally {
      removePolicy();
    }
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 240_000);

  afterAll(async () => {
    removePolicy();
    try {
      await tb?.stopExpectingNoCrash();
    } finally {
      await server?.stop();
      built?.remove();
    }
  }, 120_000);

  it('the block items are absent, the allow items are there', async () => {
    const subject = await deliver(server, PEST);
    const menu = await contextMenu(alice, [subject], undefined, ALLOW);
    expect(menu.items).toEqual([{ label: ALLOW, disabled: false }, { label: ALLOW_DOMAIN, disabled: false }]);
    expect(list('blacklist')).toEqual([]);
  }, 120_000);
});
