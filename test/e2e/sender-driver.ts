// The driver of the block/allow e2e tests (sender-actions, sender-surfaces, sender-readonly): mail
// delivered over LMTP, the message list's context menu opened with a right click (a trusted
// contextmenu event, as in entry-points.test.ts) and an item chosen with the popup's
// activateItem(), the result window used through its DOM, and what the server holds: the list
// files in ~/.xexec/, the Maildir folders, where a further LMTP delivery lands.
import { expect } from 'vitest';
import { USERS, type TestServer } from '../server/fixture/index.js';
import { stateFile } from './settings-tab.js';
import { MAIN_WINDOW_PRELUDE } from './chrome-prelude.js';
import type { Thunderbird } from './thunderbird.js';
import enMessages from '../../_locales/en/messages.json';

export const BLOCK = enMessages.senderBlock.message;
export const BLOCK_DOMAIN = enMessages.senderBlockDomain.message;
export const ALLOW = enMessages.senderAllow.message;
export const ALLOW_DOMAIN = enMessages.senderAllowDomain.message;
export const ITEMS = [BLOCK, BLOCK_DOMAIN, ALLOW, ALLOW_DOMAIN];
export const PEST = 'Spam Sender <pest@spam.example>';
export const USER = USERS.alice;

/** What the helpers work on: set by each test file's beforeAll. */
export const env = {
  tb: undefined as unknown as Thunderbird,
  /** moz-extension://<uuid>/ of the add-on. */
  base: '',
  server: undefined as unknown as TestServer,
};

let counter = 0;

/** Chrome-script helpers: MAIN_WINDOW_PRELUDE, and the account's folders and messages. */
export const PRELUDE = `${MAIN_WINDOW_PRELUDE}
  function inboxOf(accountId) {
    return MailServices.accounts.getAccount(accountId).incomingServer.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
  }
  /** A top-level folder of the account by name, once Thunderbird has discovered it. */
  async function folderOf(accountId, name) {
    const server = MailServices.accounts.getAccount(accountId).incomingServer;
    let last = 0;
    return until("the folder " + name, () => {
      const found = server.rootFolder.subFolders.find(f => f.name === name);
      if (!found && Date.now() - last > 2000) {
        last = Date.now();
        server.performExpand(win.msgWindow);
      }
      return found;
    }, 40000);
  }
  /** Shows the account's Inbox (or the folder named folderName) and waits until Thunderbird knows a message with each subject. */
  async function showInbox(accountId, subjects, folderName) {
    const inbox = folderName ? await folderOf(accountId, folderName) : inboxOf(accountId);
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
  /** Shows the account's Inbox with the message of this subject selected, alone. */
  async function selectMessage(accountId, subject) {
    const about3Pane = await showInbox(accountId, [subject]);
    const view = about3Pane.gDBView;
    for (let i = 0; i < view.rowCount; i++) if (view.getMsgHdrAt(i).mime2DecodedSubject === subject) about3Pane.threadTree.selectedIndex = i;
    await until("the selection", () => about3Pane.gDBView.getSelectedMsgHdrs().length === 1);
    return about3Pane;
  }
`;

/**
 * Selects the messages with these subjects in the account's Inbox (or the top-level folder
 * `folder`), right-clicks the first one and returns the menu's items of this add-on; chooses
 * `choose` when given and it is enabled.
 */
export async function contextMenu(accountId: string, subjects: string[], choose?: string, waitFor = choose ?? BLOCK, folder?: string): Promise<{ items: { label: string; disabled: boolean }[]; chosen: boolean }> {
  return env.tb.chrome(`${PRELUDE}
    const [accountId, subjects, choose, waitFor, ours, parentLabel, folder] = arguments;
    const about3Pane = await showInbox(accountId, subjects, folder);
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
  `, [accountId, subjects, choose ?? null, waitFor, ITEMS, enMessages.senderMenu.message, folder ?? null]);
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

export interface ResultView {
  text: string[];
  buttons: string[];
}

/** Runs `script` in the result window's page (the newest one); returns what it returns. */
export async function inResult<T>(script: string, args: unknown[] = []): Promise<T> {
  const wrapped = `return (async () => {\nconst doc = window.document; const args = [...arguments];\nconst norm = (s) => String(s || "").replace(/\\s+/g, " ").trim();\n${script}\n})().then(v => JSON.stringify(v === undefined ? null : v));`;
  const json = await env.tb.chrome<string>(`${PRELUDE}${RESULT_BROWSER}
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
      const open = [...Services.wm.getEnumerator(null)].map(w => w.document.documentURI + " [" + [...w.document.querySelectorAll("browser")].map(b => {
        const g = b.browsingContext && b.browsingContext.currentWindowGlobal;
        return (b.currentURI && b.currentURI.spec) + " (global " + (g ? (g.documentURI && g.documentURI.spec) : "none") + ", loading " + (b.webProgress && b.webProgress.isLoadingDocument) + ", remote " + b.isRemoteBrowser + ")";
      }).join(", ") + "]");
      throw new Error(e.message + "; windows: " + open.join("; "));
    }
    return browser.browsingContext.currentWindowGlobal.getActor("MarionetteCommands").executeScript(script, args, { async: false, newSandbox: true, timeout: 60000 });
  `, [`${env.base}ui/sender/result.html`, wrapped, args]);
  return JSON.parse(json) as T;
}

/** What the result window says once the background has answered. */
export function resultView(): Promise<ResultView> {
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
export async function clickResult(name: string): Promise<ResultView> {
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
export async function closeResults(): Promise<void> {
  await env.tb.chrome(`${PRELUDE}${RESULT_BROWSER}
    for (const b of resultBrowsers(arguments[0])) b.ownerDocument.defaultView.close();
    await until("the result windows to close", () => resultBrowsers(arguments[0]).length === 0);
  `, [`${env.base}ui/sender/result.html`]);
}

/**
 * Delivers a message over LMTP with `from` as its From header (the envelope sender is its
 * last <address>, or a fixed one when it has none); returns its subject.
 */
export async function deliver(to: TestServer, from: string, user: string = USER): Promise<string> {
  const subject = `sender test ${++counter}`;
  const envelope = /<([^<>]*)>\s*;?\s*$/.exec(from)?.[1] ?? (/^[^\s,<>"]+@[^\s,<>"]+$/.test(from) ? from : 'bounce@example.net');
  const r = await to.deliver({ from: envelope, to: user, subject, headers: { From: from } });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  return subject;
}

/** Where the server put a new message from `from` (its Sieve rules at delivery). */
export async function deliveredTo(from: string): Promise<'INBOX' | 'Junk'> {
  const before = env.server.counts(USER);
  await deliver(env.server, from);
  const after = env.server.counts(USER);
  if (after.inbox === before.inbox + 1 && after.junk === before.junk) return 'INBOX';
  if (after.junk === before.junk + 1 && after.inbox === before.inbox) return 'Junk';
  throw new Error(`the message from ${from} went nowhere known: ${JSON.stringify({ before, after })}`);
}

/** The subjects of the messages in a folder on the server. */
export function subjectsIn(folder: string): string[] {
  return env.server.mailbox(USER, folder).map((m) => /^Subject: (.*)$/m.exec(m)?.[1]?.trim() ?? '').sort();
}

/** Waits until the server's folder holds (or lacks) these subjects: Thunderbird moves over IMAP. */
export async function expectOnServer(folder: 'INBOX' | 'Junk', subjects: string[], present = true): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const now = subjectsIn(folder);
    if (subjects.every((s) => now.includes(s) === present)) return;
    if (Date.now() > deadline) expect({ folder, now }).toEqual({ folder, now: present ? subjects : [] });
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A list file of the user on the server, one entry a line. */
export function list(name: 'blacklist' | 'whitelist'): string[] {
  return (stateFile(env.server, USER, name) ?? '').split('\n').filter((l) => l !== '');
}
