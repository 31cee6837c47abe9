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
    const browser = await until("the result window", () => {
      const all = resultBrowsers(prefix);
      const b = all[all.length - 1];
      return b && b.browsingContext.currentWindowGlobal && !b.webProgress.isLoadingDocument ? b : null;
    });
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
    tb = await startThunderbird();
    alice = (await tb.createImapAccount({ port: server.imapPort, user: USER, password: pw(USER) })).accountId;
    // Another user: Thunderbird's folder URIs do not name the port.
    bob = (await tb.createImapAccount({ port: failing.imapPort, user: USERS.bob, password: pw(USERS.bob) })).accountId;
    expect(await tb.installAddon(built.xpi)).toBe(ADDON_ID);
    base = await tb.chrome<string>('return "moz-extension://" + WebExtensionPolicy.getByID(arguments[0]).mozExtensionHostname + "/";', [ADDON_ID]);
    await tb.waitFor('the background to run', 'return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState === "running";', 30_000, [ADDON_ID]);
  }, 240_000);

  afterAll(async () => {
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
