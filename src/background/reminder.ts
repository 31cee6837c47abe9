/**
 * The "automatic reply is on" reminder: for each account whose automatic reply is on, a notice
 * in the main window (which account, until when, Turn off and Change…), and a badge on the
 * toolbar button while any reply goes out today.
 *
 * It reads the state through the router (discover, policy.get, vacation.show), so what the
 * settings tab would show is what the reminder shows, and turns the reply off through it too.
 * It reads at start-up (runtime.onStartup/onInstalled, or the add-on enabled again), every hour
 * (alarms; servers that offered no automatic reply only at the next start), and takes every
 * change the router makes (set and off, from the tab or from the notice) without asking the
 * server again. Nothing is asked while Thunderbird is offline, and nothing of it is awaited by
 * anything else: failures become a console warning without server text or secrets.
 *
 * What it last decided per account is kept in storage.session, so that a background woken
 * by a click still knows whether another account keeps the badge on.
 */

import browser from 'webextension-polyfill';
import type { Notice, XexecNoticesApi } from '../../experiments/xexec/notices-api.js';
import type { Translate, UserError } from '../messages/errors.js';
import { formatDate } from '../messages/i18n.js';
import type { BackgroundRequest, BackgroundResponse, RequestOf, RequestType } from '../messages/messages.js';
import { localDay, NO_REMINDER, periodWords, reminderState, showsBadge, type ReminderState } from '../modules/reminder-state.js';
import type { VacationState } from '../modules/vacation.js';
import { settingsUrl } from './entry-points.js';

export interface ReminderAccount {
  readonly id: string;
  readonly name: string;
}

/** What the reminder decided for one account. */
export interface AccountReminder {
  readonly name: string;
  readonly state: ReminderState;
  /**
   * false: the server offers no automatic reply (no XEXEC, or no vacation module). It is asked
   * again at the next start only, not every hour (a server without XEXEC answers BAD each time).
   */
  readonly offered?: boolean;
}

export type ReminderStates = Readonly<Record<string, AccountReminder>>;

export interface ReminderDeps {
  /** The IMAP accounts. */
  listAccounts(): Promise<readonly ReminderAccount[]>;
  /** The router (router.handle), typed per request. */
  ask<T extends RequestType>(request: RequestOf<T>): Promise<BackgroundResponse<T>>;
  /** false while Thunderbird works offline: then no server is asked. */
  online(): boolean;
  now(): Date;
  translate: Translate;
  /** A `YYYY-MM-DD` day in the user's words. */
  formatDate(isoDate: string): string;
  notices: Pick<XexecNoticesApi, 'show' | 'close'>;
  /** The toolbar button: badge on or off, and its tooltip (null: the manifest's). */
  setBadge(on: boolean, title: string | null): Promise<void>;
  openSettings(accountId: string): Promise<unknown>;
  loadStates(): Promise<ReminderStates>;
  saveStates(states: ReminderStates): Promise<void>;
  warn(message: string): void;
}

export const BUTTON_OFF = 'off';
export const BUTTON_CHANGE = 'change';
export const ALARM = 'xexec-reminder';
export const PERIOD_MINUTES = 60;

export class Reminder {
  /** One change of the states at a time: a refresh and a click must not overwrite each other. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ReminderDeps) {}

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The notice for an account, or null for none. */
  noticeFor(name: string, state: ReminderState, failure: string | null = null): Notice | null {
    if (state.kind === 'none') return null;
    const t = this.deps.translate;
    const buttons = [{ id: BUTTON_OFF, label: t('reminderTurnOff') }, { id: BUTTON_CHANGE, label: t('reminderChange') }];
    if (failure !== null) return { label: t('reminderOffFailed', [name, failure]), buttons };
    // Once it has begun, only the end matters; before, both days.
    const words = state.kind === 'active' ? periodWords(null, state.end) : periodWords(state.start, state.end);
    const period = t(words.key, words.dates.map((day) => this.deps.formatDate(day)));
    return { label: t(state.kind === 'active' ? 'reminderOn' : 'reminderScheduled', [name, period]), buttons };
  }

  /** Shows what `states` say: each account's notice, and the badge. */
  private async show(states: ReminderStates, accountIds: Iterable<string>): Promise<void> {
    for (const accountId of accountIds) {
      const entry = states[accountId];
      const notice = entry === undefined ? null : this.noticeFor(entry.name, entry.state);
      if (notice === null) await this.deps.notices.close(accountId);
      else await this.deps.notices.show(accountId, notice);
    }
    const on = Object.values(states).filter((entry) => entry.state.kind === 'active');
    const title = showsBadge(on.map((entry) => entry.state)) ? this.deps.translate('reminderActionTitle', [on.map((e) => e.name).join(', ')]) : null;
    await this.deps.setBadge(title !== null, title);
  }

  /** What the account's server says now; undefined when it cannot be asked (keep what is shown). */
  private async read(accountId: string): Promise<{ state: ReminderState; offered: boolean } | undefined> {
    const policy = await this.deps.ask({ type: 'policy.get', accountId });
    if (policy.ok && policy.value.hiddenPanels.includes('vacation')) return { state: NO_REMINDER, offered: true };
    const found = await this.deps.ask({ type: 'discover', accountId });
    if (!found.ok) return found.error.code === 'unsupported' ? { state: NO_REMINDER, offered: false } : this.unread(accountId, found.error);
    if (!found.value.modules.includes('vacation')) return { state: NO_REMINDER, offered: false };
    const shown = await this.deps.ask({ type: 'vacation.show', accountId });
    if (!shown.ok) return this.unread(accountId, shown.error);
    return { state: reminderState(shown.value, localDay(this.deps.now())), offered: true };
  }

  /** A read that failed: said in the console by kind and code only (no server text). */
  private unread(accountId: string, error: UserError): undefined {
    this.deps.warn(`reminder: the automatic reply of ${accountId} could not be read (${error.kind}${error.code ? ` ${error.code}` : ''})`);
    return undefined;
  }

  /**
   * Reads every account's reply from its server (at start-up, then every hour); nothing while
   * offline. The hourly read skips servers that offered no automatic reply at the last one.
   */
  refresh(startup = false): Promise<void> {
    return this.serial(async () => {
      if (!this.deps.online()) return;
      const accounts = await this.deps.listAccounts();
      const before = await this.deps.loadStates();
      const states: Record<string, AccountReminder> = {};
      for (const account of accounts) {
        const previous = before[account.id];
        const read = !startup && previous?.offered === false ? { state: NO_REMINDER, offered: false } : await this.read(account.id);
        states[account.id] = read === undefined
          ? { name: account.name, state: previous?.state ?? NO_REMINDER, offered: previous?.offered ?? true }
          : { name: account.name, ...read };
      }
      await this.deps.saveStates(states);
      // Accounts that are gone lose their notice too.
      await this.show(states, new Set([...Object.keys(before), ...Object.keys(states)]));
    });
  }

  /** A reply the router has just set or turned off: no need to ask the server. */
  changed(accountId: string, vacation: VacationState): Promise<void> {
    return this.serial(async () => {
      const states = { ...(await this.deps.loadStates()) };
      const name = states[accountId]?.name ?? (await this.deps.listAccounts()).find((a) => a.id === accountId)?.name ?? accountId;
      states[accountId] = { name, state: reminderState(vacation, localDay(this.deps.now())), offered: true };
      await this.deps.saveStates(states);
      await this.show(states, [accountId]);
    });
  }

  /** A button of an account's notice. */
  async clicked(accountId: string, buttonId: string): Promise<void> {
    if (buttonId === BUTTON_CHANGE) {
      await this.deps.openSettings(accountId);
      return;
    }
    if (buttonId !== BUTTON_OFF) return;
    const name = (await this.deps.loadStates())[accountId]?.name ?? accountId;
    // Without buttons while it runs: the click is seen, and cannot be sent twice.
    await this.deps.notices.show(accountId, { label: this.deps.translate('reminderTurningOff', [name]), buttons: [] });
    // Success comes back through changed() (the router's onVacationChange), which removes the notice.
    const result = await this.deps.ask({ type: 'vacation.off', accountId });
    if (result.ok) return;
    const entry = (await this.deps.loadStates())[accountId];
    const notice = entry === undefined ? null : this.noticeFor(entry.name, entry.state, result.error.message);
    if (notice !== null) await this.deps.notices.show(accountId, notice);
  }
}

/** Runs `work` later, never failing: the reminder must not disturb anything else. */
function quietly(warn: (message: string) => void, work: () => Promise<void>): void {
  void Promise.resolve().then(work).catch((e: unknown) => warn(`reminder: ${e instanceof Error ? e.message : String(e)}`));
}

interface ThunderbirdAccount {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly identities?: readonly { readonly email?: string }[];
}

/**
 * Wires the reminder into Thunderbird. Listeners are added synchronously, at the background's
 * top level, so that the alarm, a notice's button and the start-up wake a suspended background.
 * `ask` is the router's handle; the router calls the returned `changed` after a set or an off.
 */
export function startReminder(
  ask: (request: BackgroundRequest) => Promise<BackgroundResponse>,
  translate: Translate,
): { changed(accountId: string, vacation: VacationState): void } {
  const messenger = (globalThis as unknown as { messenger: {
    xexecNotices: XexecNoticesApi;
    accounts: { list(includeSubFolders: boolean): Promise<ThunderbirdAccount[]> };
  } }).messenger;
  const warn = (message: string) => console.warn(message);
  let memory: ReminderStates = {};
  const session = (browser.storage as { session?: browser.Storage.StorageArea } | undefined)?.session;
  const reminder = new Reminder({
    // Named by address, as the settings tab tells accounts apart ("Mail for …" reads badly in a sentence).
    listAccounts: async () => (await messenger.accounts.list(false))
      .filter((a) => a.type === 'imap')
      .map((a) => ({ id: a.id, name: a.identities?.[0]?.email || a.name })),
    // The router answers each request with its own response type.
    ask: <T extends RequestType>(request: RequestOf<T>) => ask(request) as Promise<BackgroundResponse<T>>,
    online: () => globalThis.navigator?.onLine !== false,
    now: () => new Date(),
    translate,
    formatDate: (day) => formatDate(day, 'long'),
    notices: messenger.xexecNotices,
    // The tooltip first: whoever sees the badge change finds the tooltip saying why.
    setBadge: async (on, title) => {
      await browser.action.setTitle({ title });
      if (on) await browser.action.setBadgeBackgroundColor({ color: '#b34700' });
      await browser.action.setBadgeText({ text: on ? translate('reminderBadge') : '' });
    },
    openSettings: (accountId) => browser.tabs.create({ url: settingsUrl((p) => browser.runtime.getURL(p), accountId, 'vacation') }),
    loadStates: async () => {
      if (session === undefined) return memory;
      const stored = (await session.get('reminder')).reminder as ReminderStates | undefined;
      return stored ?? {};
    },
    saveStates: async (states) => {
      memory = states;
      await session?.set({ reminder: states });
    },
    warn,
  });

  // The start-up read, once per background: at Thunderbird's start (onStartup), when installed or
  // updated (onInstalled), and whenever the hourly alarm is missing, which is what an add-on
  // enabled again looks like (alarms go with the add-on, not with a suspended background).
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    quietly(warn, async () => {
      await browser.alarms.create(ALARM, { periodInMinutes: PERIOD_MINUTES });
      await reminder.refresh(true);
    });
  };
  // A reminder that cannot start must not take the settings tab's background with it.
  try {
    browser.runtime.onStartup.addListener(start);
    browser.runtime.onInstalled.addListener(start);
    browser.alarms.onAlarm.addListener((alarm) => {
      if (alarm.name === ALARM) quietly(warn, () => reminder.refresh());
    });
    messenger.xexecNotices.onButtonClicked.addListener((accountId, buttonId) => quietly(warn, () => reminder.clicked(accountId, buttonId)));
    // Back online after working offline: read what may have changed meanwhile.
    globalThis.addEventListener?.('online', () => quietly(warn, () => reminder.refresh()));
    quietly(warn, async () => {
      if ((await browser.alarms.get(ALARM)) === undefined) start();
    });
  } catch (e) {
    warn(`reminder: not started: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { changed: (accountId, vacation) => quietly(warn, () => reminder.changed(accountId, vacation)) };
}
