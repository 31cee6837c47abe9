// The 3-pane window on the X display for `npm run screenshots` (scripts/screenshots.ts): the
// Inbox with a message open, the reminder, the add-on's menus opened as a person opens them
// (trusted events, as test/e2e/sender-actions.test.ts does), and the screen cropped to the window.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ADDON_ID, REPO_DIR, type Thunderbird } from '../test/support/harness.js';
import enMessages from '../_locales/en/messages.json';
import { cropRgba, encodePng } from './png.js';
import type { XDisplay } from './xvfb.js';

/** A subject as the message list keeps it (Thunderbird shows "Re:" by a flag, not in the subject). */
const listed = (subject: string) => subject.replace(/^Re: /, '');

/** Chrome-script helpers for the 3-pane window on the X display: trusted mouse events, polling. */
const PRELUDE = `
  const win = Services.wm.getMostRecentWindow("mail:3pane");
  const tabmail = win.document.getElementById("tabmail");
  const sleep = (ms) => new Promise((r) => win.setTimeout(r, ms));
  const frames = (n) => new Promise((r) => { const next = (k) => k ? win.requestAnimationFrame(() => next(k - 1)) : win.setTimeout(r, 0); next(n); });
  function mouse(el, type, button, at = 0.5) {
    const w = el.ownerDocument.defaultView;
    const r = el.getBoundingClientRect();
    const clientX = r.left + r.width * at, clientY = r.top + r.height / 2;
    const init = { bubbles: true, cancelable: true, composed: true, view: w, detail: 1, button, buttons: 0,
      clientX, clientY, screenX: w.mozInnerScreenX + clientX, screenY: w.mozInnerScreenY + clientY };
    return el.dispatchEvent(new w.MouseEvent(type, init));
  }
  async function until(what, check, ms = 60000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
      await sleep(100);
    }
  }
`;

/** Shows the Inbox (with a message of each of `subjects`) with the message `subject` selected and read in the message pane. */
export async function showMessage(tb: Thunderbird, accountId: string, subjects: readonly string[], subject: string): Promise<void> {
  await tb.chrome(`${PRELUDE}
    const [accountId, subjects, subject] = arguments;
    tabmail.switchToTab(0);
    const inbox = MailServices.accounts.getAccount(accountId).incomingServer.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
    const about3Pane = tabmail.currentAbout3Pane;
    if (about3Pane.gFolder !== inbox) about3Pane.displayFolder(inbox.URI);
    let last = 0;
    await until("the messages in the Inbox", () => {
      if (Date.now() - last > 2000) { last = Date.now(); inbox.updateFolder(win.msgWindow); }
      const view = about3Pane.gDBView;
      if (!view) return false;
      const shown = [];
      for (let i = 0; i < view.rowCount; i++) shown.push(view.getMsgHdrAt(i).mime2DecodedSubject);
      return subjects.every((s) => shown.includes(s));
    });
    const view = about3Pane.gDBView;
    let index = -1;
    for (let i = 0; i < view.rowCount; i++) if (view.getMsgHdrAt(i).mime2DecodedSubject === subject) index = i;
    about3Pane.threadTree.selectedIndex = index;
    const browser = () => about3Pane.messageBrowser && about3Pane.messageBrowser.contentWindow;
    await until("the message in the message pane", () => {
      const about = browser();
      const pane = about && about.getMessagePaneBrowser && about.getMessagePaneBrowser();
      return pane && pane.contentDocument && pane.contentDocument.readyState === "complete" && /Hello Jane/.test(pane.contentDocument.body ? pane.contentDocument.body.textContent : "")
        && about.document.getElementById("expandedsubjectBox").textContent.includes(subject);
    });
    await frames(3);
  `, [accountId, subjects.map(listed), listed(subject)]);
}

/** The reminder's notice and the toolbar button's badge are there. */
export async function reminderShown(tb: Thunderbird, accountId: string): Promise<void> {
  await tb.waitFor('the reminder and its badge', `
    const doc = Services.wm.getMostRecentWindow("mail:3pane").document;
    const win = doc.defaultView;
    const n = win.specialTabs.msgNotificationBar.getNotificationWithValue("xexec-notice-" + arguments[0]);
    const item = doc.querySelector('unified-toolbar li.extension-action[item-id="ext-' + arguments[1] + '"]');
    return !!(n && n.getBoundingClientRect().height > 0 && item && item.querySelector("button").getAttribute("badge"));
  `, 60_000, [accountId, ADDON_ID]);
}

/**
 * Right-clicks the selected message's row and opens the add-on's submenu, with the first item
 * under the pointer (as a person about to choose it). Retries until the items are shown: they
 * appear once the account's discovery is known. Leaves the menus open.
 */
export async function openSenderMenu(tb: Thunderbird): Promise<void> {
  await tb.chrome(`${PRELUDE}
    const [parentLabel, first] = arguments;
    const about3Pane = tabmail.currentAbout3Pane;
    const tree = about3Pane.threadTree;
    const row = await until("the selected row", () => tree.getRowAtIndex(tree.selectedIndex));
    const popup = about3Pane.document.getElementById("mailContext");
    for (let attempt = 0; ; attempt++) {
      const shown = new Promise((r) => popup.addEventListener("popupshown", r, { once: true }));
      mouse(row, "mousedown", 2, 0.3);
      mouse(row, "contextmenu", 2, 0.3);
      mouse(row, "mouseup", 2, 0.3);
      await shown;
      await sleep(500);
      const parent = [...popup.querySelectorAll("menu")].find((m) => m.label === parentLabel && !m.hidden);
      const ready = parent && [...parent.menupopup.querySelectorAll("menuitem")].some((m) => m.label === first && !m.hidden && !m.disabled);
      if (ready) {
        const sub = parent.menupopup;
        const subShown = new Promise((r) => sub.addEventListener("popupshown", r, { once: true }));
        popup.activeChild = parent;
        parent.openMenu(true);
        await subShown;
        // Highlighted as under the pointer (what hovering sets; the pointer itself is not drawn).
        [...sub.querySelectorAll("menuitem")].find((m) => m.label === first).setAttribute("_moz-menuactive", "true");
        break;
      }
      if (attempt > 40) throw new Error("the add-on's items did not appear in the message list's context menu");
      const hidden = new Promise((r) => popup.addEventListener("popuphidden", r, { once: true }));
      popup.hidePopup();
      await hidden;
      await sleep(500);
    }
    // Painted on the screen, the menus' opening transition done.
    await frames(5);
    await sleep(700);
  `, [enMessages.senderMenu.message, enMessages.senderBlock.message]);
}

/** Closes the open menus of the message list. */
export async function closeMenus(tb: Thunderbird): Promise<void> {
  await tb.chrome(`${PRELUDE}
    const popup = tabmail.currentAbout3Pane.document.getElementById("mailContext");
    if (popup.state !== "closed") {
      const hidden = new Promise((r) => popup.addEventListener("popuphidden", r, { once: true }));
      popup.hidePopup();
      await hidden;
    }
    await frames(2);
  `);
}

/** Opens the menu of the add-on's button in the message header (messageDisplayAction), the first item highlighted. */
export async function openHeaderMenu(tb: Thunderbird): Promise<void> {
  await tb.chrome(`${PRELUDE}
    const [buttonLabel, first] = arguments;
    const doc = tabmail.currentAbout3Pane.messageBrowser.contentWindow.document;
    const button = await until("the header button", () => [...doc.querySelectorAll("toolbarbutton")].find((b) => b.label === buttonLabel && !b.hidden));
    const popup = await until("the header button's menu", () => button.menupopup || button.querySelector("menupopup"));
    for (let attempt = 0; ; attempt++) {
      const shown = new Promise((r) => popup.addEventListener("popupshown", r, { once: true }));
      button.open = true;
      await shown;
      await sleep(500);
      const item = [...popup.querySelectorAll("menuitem")].find((m) => m.label === first && !m.hidden && !m.disabled);
      if (item) {
        item.setAttribute("_moz-menuactive", "true");
        break;
      }
      if (attempt > 40) throw new Error("the add-on's items did not appear in the header button's menu");
      const hidden = new Promise((r) => popup.addEventListener("popuphidden", r, { once: true }));
      popup.hidePopup();
      await hidden;
      await sleep(500);
    }
    await frames(5);
    await sleep(700);
  `, [enMessages.senderHeaderButton.message, enMessages.senderBlock.message]);
}

/** The main window as it is on the X display (it sits at the screen's top left corner). */
export async function shootScreen(tb: Thunderbird, display: XDisplay, file: string): Promise<void> {
  const box = await tb.chrome<{ x: number; y: number; width: number; height: number }>(`${PRELUDE}
    // The status bar would still say what Thunderbird last did with the account.
    const status = win.document.getElementById("statusText");
    if (status) status.value = "";
    await frames(2);
    await sleep(100);
    const s = win.devicePixelRatio;
    return { x: win.screenX * s, y: win.screenY * s, width: win.outerWidth * s, height: win.outerHeight * s };
  `);
  const shot = cropRgba(display.capture(), box.x, box.y, box.width, box.height);
  const png = encodePng(shot.width, shot.height, shot.pixels);
  fs.writeFileSync(file, png);
  console.log(`  ${path.relative(REPO_DIR, file)} (${Math.round(png.length / 1024)} KiB)`);
}
