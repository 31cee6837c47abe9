// The add-on's settings tab in a real Thunderbird, used through its DOM as a person would:
// controls are found by their label, buttons and tabs by their text, text is typed one
// character at a time (an `input` event each, so Preact sees every keystroke), and a click
// is a real click event on the element. Used by test/e2e/ui-*.test.ts, scripts/screenshots.ts
// and bench/ui/run.ts.
//
//   const ui = await startSettingsTab({ user: USERS.alice });
//   await ui.tab.openPanel('blacklist');
//   await ui.tab.fill('blacklist', 'Add an address or domain', 'spam@example.org');
//   const status = await ui.tab.act('blacklist', 'Add');   // { kind: 'success', text: 'Added …' }
//   await ui.stop();
//
// Panels are named by their `data-panel` key (vacation, forwardmail, blacklist, whitelist,
// changepassword, console). Every lookup is scoped to the account's view
// (`section.account-view[data-account=<id>]`) and, given a panel, to that panel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer, type ServerOptions, type TestServer } from '../server/fixture/index.js';
import { buildAddon, type BuiltAddon } from './addon.js';
import { stopAll } from './teardown.js';
import { CHROME_HELPERS, startThunderbird, thunderbirdAvailable, type ExtensionPage, type Thunderbird, type ThunderbirdOptions } from './thunderbird.js';

import { ADDON_ID } from '../support/constants.js';

export { ADDON_ID };
export const OPTIONS_PAGE = 'ui/options/options.html';

export type PanelKey = 'vacation' | 'forwardmail' | 'blacklist' | 'whitelist' | 'changepassword' | 'spam' | 'alerts' | 'rules' | 'sending' | 'console';

/** A text to find: exactly this (after collapsing white space), or a pattern. */
export type Name = string | RegExp;

export interface StatusReport {
  kind: 'success' | 'error' | 'warning' | 'info' | 'busy' | 'none';
  text: string;
  details: string[];
  /** Buttons beside the live region (Retry, Undo). */
  actions: string[];
}

export interface ControlState {
  value: string;
  checked: boolean;
  invalid: boolean;
  /** The text of the elements named by aria-describedby. */
  description: string;
}

function nameArg(name: Name): { text?: string; re?: string; flags?: string } {
  return typeof name === 'string' ? { text: name } : { re: name.source, flags: name.flags };
}

/**
 * Functions every page script gets. `acct` is the account id; the DOM is reached through the
 * sandbox's Xray view of the page (`window`), events are made with the page's constructors.
 */
const PRELUDE = `
  const doc = window.document;
  const norm = (s) => String(s || "").replace(/\\s+/g, " ").trim();
  const matches = (text, want) => want.re !== undefined ? new RegExp(want.re, want.flags).test(text) : text === want.text;
  const show = (want) => want.re !== undefined ? "/" + want.re + "/" : JSON.stringify(want.text);
  const visible = (el) => el.getClientRects().length > 0;
  const sleep = (ms) => new Promise((r) => window.setTimeout(r, ms));
  /** After the next frame was painted. */
  const painted = () => new Promise((r) => window.requestAnimationFrame(() => window.setTimeout(r, 0)));
  async function until(what, check, ms = 60000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
      await sleep(20);
    }
  }
  function view() {
    const v = doc.querySelector('section.account-view[data-account="' + acct + '"]');
    if (!v) throw new Error("no view of account " + acct + " in the page: " + norm(doc.body.textContent).slice(0, 300));
    return v;
  }
  function scope(panel) {
    if (!panel) return view();
    const p = view().querySelector('[role="tabpanel"][data-panel="' + panel + '"]');
    if (!p) throw new Error("no panel " + panel + " (tabs: " + [...view().querySelectorAll('[role="tab"]')].map((t) => norm(t.textContent)).join(", ") + ")");
    return p;
  }
  function labelled(panel, want) {
    const sc = scope(panel);
    const found = [];
    const names = [];
    for (const label of sc.querySelectorAll("label")) {
      if (!visible(label)) continue;
      const text = norm(label.textContent);
      names.push(text);
      if (matches(text, want) && label.control) found.push(label.control);
    }
    for (const el of sc.querySelectorAll("[aria-label]")) {
      if (visible(el) && matches(norm(el.getAttribute("aria-label")), want)) found.push(el);
    }
    if (found.length !== 1) throw new Error(found.length + " controls labelled " + show(want) + " in " + (panel || "the account") + "; labels: " + JSON.stringify(names));
    return found[0];
  }
  function buttonNamed(panel, want) {
    const sc = panel === null ? doc : scope(panel);
    const all = [...sc.querySelectorAll("button, summary, [role=button]")].filter(visible);
    const found = all.filter((b) => matches(norm(b.getAttribute("aria-label") || b.textContent), want));
    if (found.length !== 1) throw new Error(found.length + " buttons named " + show(want) + " in " + (panel || "the page") + "; buttons: " + JSON.stringify(all.map((b) => norm(b.textContent))));
    return found[0];
  }
  function statusOf(panel) {
    const sc = scope(panel);
    const areas = [...sc.querySelectorAll(".status-area")].filter((a) => !a.closest("[hidden]"));
    const area = areas[areas.length > 1 ? areas.length - 1 : 0];
    if (!area) throw new Error("no live region in " + panel);
    const region = area.querySelector('[role="status"]');
    const kind = (/status-(\\w+)/.exec(region.className) || [])[1] || "none";
    const text = norm([...region.querySelectorAll(".status-text")].map((p) => p.textContent).join(" "));
    const details = [...region.querySelectorAll(".status-detail")].map((p) => norm(p.textContent));
    const actions = [...area.querySelectorAll(".status-actions button")].map((b) => norm(b.textContent));
    return { region, kind, text, details, actions };
  }
  function fire(el, type, init) {
    const Ctor = type === "input" ? window.InputEvent : window.Event;
    el.dispatchEvent(new Ctor(type, Object.assign({ bubbles: true }, init || {})));
  }
  /** Types like a person: focus, select all and delete, then one input event per character. */
  async function typeInto(el, text) {
    el.focus();
    const perChar = el.localName === "textarea" || ["text", "search", "email", "password", "url", "tel"].includes(el.type);
    if (el.value !== "") {
      el.value = "";
      fire(el, "input", { inputType: "deleteContentBackward" });
      await sleep(0);
    }
    if (!perChar) {
      el.value = text;
      fire(el, "input", { inputType: "insertReplacementText", data: text });
      fire(el, "change");
      await sleep(0);
      return;
    }
    for (const ch of text) {
      el.value = el.value + ch;
      fire(el, "input", ch === "\\n" ? { inputType: "insertLineBreak" } : { inputType: "insertText", data: ch });
      await sleep(0);
    }
    fire(el, "change");
  }
`;

/** The settings tab of one account, driven through its DOM. */
export class SettingsTab {
  constructor(readonly page: ExtensionPage, readonly accountId: string) {}

  /** Runs `body` (an async function body using the PRELUDE helpers) in the page. */
  dom<T>(body: string, args: unknown[] = [], timeoutMs = 120_000): Promise<T> {
    return this.page.run<T>(`const acct = arguments[0]; const args = [...arguments].slice(1);\n${PRELUDE}\n${body}`, [this.accountId, ...args], timeoutMs);
  }

  /** Waits until the account's tabs are shown; returns their names. */
  waitReady(): Promise<string[]> {
    return this.dom<string[]>(`
      try {
        await until("the account's tabs", () => { try { return view().querySelector('[role="tablist"]'); } catch { return null; } });
      } catch (e) {
        // Say what the page shows instead (an error status, a spinner): a bare time-out says nothing.
        let shown = "";
        try { shown = norm(view().textContent).slice(0, 500); } catch {}
        throw new Error(e.message + "; the page shows: " + shown);
      }
      return [...view().querySelectorAll('[role="tab"]')].map((t) => norm(t.textContent));
    `);
  }

  /** Clicks the panel's tab and waits until the panel has read its state from the server. */
  openPanel(panel: PanelKey): Promise<void> {
    return this.dom<void>(`
      const [panel] = args;
      const tab = view().querySelector('[role="tab"][data-panel="' + panel + '"]');
      if (!tab) throw new Error("no tab " + panel);
      tab.click();
      await until("the " + panel + " panel to load", () => {
        const p = view().querySelector('[role="tabpanel"][data-panel="' + panel + '"]');
        return p && visible(p) && !p.querySelector(".loading") && (p.querySelector(".panel-body") || p.querySelector(".load-failed"));
      });
      const failed = scope(panel).querySelector(".load-failed");
      if (failed) throw new Error("the " + panel + " panel could not load: " + norm(failed.textContent));
    `, [panel]);
  }

  /** The names of the tabs, and which one is selected. */
  tabs(): Promise<{ names: string[]; selected: string }> {
    return this.dom(`
      const tabs = [...view().querySelectorAll('[role="tab"]')];
      return { names: tabs.map((t) => norm(t.textContent)), selected: norm((tabs.find((t) => t.getAttribute("aria-selected") === "true") || {}).textContent) };
    `);
  }

  /** Types `text` into the control labelled `label` (replacing what it held). */
  fill(panel: PanelKey, label: Name, text: string): Promise<void> {
    return this.dom<void>('await typeInto(labelled(args[0], args[1]), args[2]);', [panel, nameArg(label), text]);
  }

  /** Clicks the checkbox labelled `label` unless it already is `checked`. */
  setChecked(panel: PanelKey, label: Name, checked: boolean): Promise<void> {
    return this.dom<void>(`
      const box = labelled(args[0], args[1]);
      if (box.checked !== args[2]) box.click();
      await until("the checkbox to follow", () => labelled(args[0], args[1]).checked === args[2], 5000);
    `, [panel, nameArg(label), checked]);
  }

  /** Value, checked state, validity and description of the control labelled `label`. */
  control(panel: PanelKey, label: Name): Promise<ControlState> {
    return this.dom<ControlState>(`
      const el = labelled(args[0], args[1]);
      const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
      return {
        value: el.value, checked: !!el.checked, invalid: el.getAttribute("aria-invalid") === "true",
        description: norm(ids.map((id) => (doc.getElementById(id) || {}).textContent || "").join(" ")),
      };
    `, [panel, nameArg(label)]);
  }

  /** Clicks a button (or a summary) by its text; null panel: anywhere in the page. */
  click(panel: PanelKey | null, name: Name): Promise<void> {
    return this.dom<void>('buttonNamed(args[0], args[1]).click(); await sleep(0);', [panel, nameArg(name)]);
  }

  /**
   * Clicks a button and waits for what it did: the live region must change, then settle
   * (neither busy nor a button of the panel still busy). Returns the final status.
   */
  act(panel: PanelKey, name: Name, waitMs = 60_000): Promise<StatusReport> {
    return this.dom<StatusReport>(`
      const [panel, want, waitMs] = args;
      const button = buttonNamed(panel, want);
      if (button.getAttribute("aria-disabled") === "true" || button.disabled) throw new Error("the button " + show(want) + " is disabled");
      let changed = false;
      const observer = new window.MutationObserver(() => { changed = true; });
      observer.observe(statusOf(panel).region, { subtree: true, childList: true, attributes: true, characterData: true });
      button.click();
      try {
        await until("the live region of " + panel + " to report", () => {
          if (!changed) return false;
          const s = statusOf(panel);
          return s.kind !== "busy" && s.kind !== "none" && !scope(panel).querySelector('[data-busy="true"]');
        }, waitMs);
      } finally {
        observer.disconnect();
      }
      await painted();
      const { kind, text, details, actions } = statusOf(panel);
      return { kind, text, details, actions };
    `, [panel, nameArg(name), waitMs], waitMs + 30_000);
  }

  /** The live region of a panel now. */
  status(panel: PanelKey): Promise<StatusReport> {
    return this.dom<StatusReport>('const { kind, text, details, actions } = statusOf(args[0]); return { kind, text, details, actions };', [panel]);
  }

  /** The visible text of a panel (or of an element in it), white space collapsed. */
  text(panel: PanelKey, selector?: string): Promise<string> {
    return this.dom<string>(`
      const sc = scope(args[0]);
      const el = args[1] ? sc.querySelector(args[1]) : sc;
      return el ? norm(el.textContent) : "";
    `, [panel, selector ?? null]);
  }

  /** The buttons of a panel: name, and whether they can be used now. */
  buttons(panel: PanelKey): Promise<{ name: string; enabled: boolean }[]> {
    return this.dom(`
      return [...scope(args[0]).querySelectorAll("button")].filter(visible)
        .map((b) => ({ name: norm(b.textContent), enabled: !b.disabled && b.getAttribute("aria-disabled") !== "true" }));
    `, [panel]);
  }

  /** The rows of the panel's list box as rendered (only those in view are in the DOM). */
  rows(panel: PanelKey): Promise<{ text: string; selected: boolean }[]> {
    return this.dom(`
      return [...scope(args[0]).querySelectorAll('[role="listbox"] [role="option"]')]
        .sort((a, b) => Number(a.getAttribute("aria-posinset")) - Number(b.getAttribute("aria-posinset")))
        .map((o) => ({ text: norm(o.textContent), selected: o.getAttribute("aria-selected") === "true" }));
    `, [panel]);
  }

  /** Clicks the list box row showing `entry`. */
  clickRow(panel: PanelKey, entry: string): Promise<void> {
    return this.dom<void>(`
      const row = [...scope(args[0]).querySelectorAll('[role="listbox"] [role="option"]')].find((o) => norm(o.textContent) === args[1]);
      if (!row) throw new Error("no row " + args[1]);
      row.click();
      await until("the row to be selected", () => [...scope(args[0]).querySelectorAll('[role="option"]')].some((o) => norm(o.textContent) === args[1] && o.getAttribute("aria-selected") === "true"), 5000);
    `, [panel, entry]);
  }

  /** Waits until the panel's text matches `pattern`; returns the text. */
  waitText(panel: PanelKey, pattern: RegExp, selector?: string): Promise<string> {
    return this.dom<string>(`
      const [panel, want, selector] = args;
      return await until("the " + panel + " panel to show " + show(want), () => {
        const sc = scope(panel);
        const el = selector ? sc.querySelector(selector) : sc;
        const text = el ? norm(el.textContent) : "";
        return matches(text, want) ? text : null;
      });
    `, [panel, nameArg(pattern), selector ?? null]);
  }
}

/** A file of the user's XEXEC state (`~/.xexec/<name>`: blacklist, whitelist, xexec.sieve ...); null when missing. */
export function stateFile(server: TestServer, user: string, name: string): string | null {
  try {
    return fs.readFileSync(path.join(server.home(user), '.xexec', name), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** `YYYY-MM-DD` of today plus `days`, in this machine's time zone (the server's too). */
export function isoDay(days = 0): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export interface SettingsSession {
  built: BuiltAddon;
  server: TestServer;
  tb: Thunderbird;
  accountId: string;
  tab: SettingsTab;
  /** Opens another settings tab for the account (the first one stays open). */
  reopen(): Promise<SettingsTab>;
  /** Stops Thunderbird (failing on a crash dump) and the server, removes the staged add-on. */
  stop(): Promise<void>;
}

/**
 * Thunderbird's saved and in-memory password of the session's account, labelled inside
 * Thunderbird ("old", "new", "none" or "other"), so the passwords themselves never leave it.
 */
export function accountPasswordCopies(s: SettingsSession, oldPassword: string, newPassword: string): Promise<{ saved: string; session: string }> {
  return s.tb.chrome(`
    ${CHROME_HELPERS}
    const [accountId, oldPassword, newPassword] = arguments;
    const label = (p) => !p ? "none" : p === newPassword ? "new" : p === oldPassword ? "old" : "other";
    const server = MailServices.accounts.getAccount(accountId).incomingServer;
    const origin = "imap://" + hostnameOf(server);
    const logins = (await Services.logins.searchLoginsAsync({ origin, httpRealm: origin })).filter((l) => l.username === server.username);
    return { saved: logins.length === 1 ? label(logins[0].password) : logins.length + " logins", session: label(server.password) };
  `, [s.accountId, oldPassword, newPassword]);
}

export interface SettingsOptions {
  /** The fixture user whose account Thunderbird gets. */
  user: string;
  /** Save the password in Thunderbird's login manager (as "Remember password" does). */
  savePassword?: boolean;
  server?: ServerOptions;
  /** Starts the server Thunderbird's account points at instead (e.g. a cluster's proxy); `server` is then unused. */
  startServer?: () => Promise<TestServer>;
  thunderbird?: ThunderbirdOptions;
  /** Run before the settings tab opens (e.g. to fill a list on the server). */
  beforeOpen?: (s: { server: TestServer; tb: Thunderbird; accountId: string }) => Promise<void>;
}

/**
 * A Dovecot with the plugin, a Thunderbird with the user's IMAP account and the built .xpi
 * installed, and the add-on's settings tab open on that account (`?account=<id>`).
 */
export async function startSettingsTab(o: SettingsOptions): Promise<SettingsSession> {
  if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
  const built = await buildAddon();
  let server: TestServer | null = null;
  let tb: Thunderbird | null = null;
  const stop = () => stopAll({ tb, servers: [server], cleanLogs: [server], built });
  try {
    server = o.startServer ? await o.startServer() : await startServer(o.server);
    tb = await startThunderbird(o.thunderbird);
    const password = server.passwords[o.user];
    if (password === undefined) throw new Error(`no password for ${o.user}`);
    const { accountId } = await tb.createImapAccount({ port: server.imapPort, user: o.user, password, savePassword: o.savePassword });
    // The .xpi as it ships.
    if (await tb.installAddon(built.xpi) !== ADDON_ID) throw new Error('the .xpi installed under another id');
    await o.beforeOpen?.({ server, tb, accountId });
    const t = tb;
    const open = async () => {
      const tab = new SettingsTab(await t.openExtensionPage(ADDON_ID, `${OPTIONS_PAGE}?account=${accountId}`), accountId);
      await tab.waitReady();
      return tab;
    };
    const tab = await open();
    return { built, server, tb, accountId, tab, reopen: open, stop };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}
