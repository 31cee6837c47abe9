/**
 * Block or allow a sender from the message (issue 11): four items in the message list's context
 * menu and in the message header's button menu, for the account of the selected messages.
 *
 * The menu never waits for the server: which lists the account's server offers comes from the
 * discovery the router already made (kept for the session in storage.session, because Thunderbird
 * suspends an idle background and its memory with it). An account not asked yet gets its
 * discovery started when the menu opens, and the items appear in the open menu once it answers.
 *
 * The result of an action, with its Undo, is shown in a small add-on window
 * (ui/sender/result.html): Thunderbird's notifications cannot carry buttons (`buttons` is
 * "unsupported" in its schema), and a window is reachable by keyboard on every platform.
 */

import type { MessageKey, Translate } from '../messages/errors.js';
import {
  actionEntries,
  actionList,
  actionOfCommand,
  actionOfMenuId,
  isBlockAction,
  menuId,
  menuState,
  readJunkOptIn,
  senderEntries,
  SENDER_ACTIONS,
  JUNK_OPT_IN_KEY,
  type SenderAction,
  type SenderEntries,
  type SenderProblem,
} from '../modules/sender.js';
import { asList, type MenuInfo, type MessageHeader, type MessageList, type SenderApis, type Tab } from './sender-apis.js';
import { canUndo, runAction, undoAction, type Ask, type RunDeps } from './sender-run.js';
import type { SenderAnswer, SenderMessage, SenderRecord } from '../messages/sender.js';

export const RESULT_PAGE = 'ui/sender/result.html';
const OFFERED_KEY = 'senderOffered';
const RECORD_PREFIX = 'senderRecord:';
const PARENT_ID = 'xexec-sender';

export interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

/** The newest results whose Undo stays possible; older records are removed. */
const KEPT_RECORDS = 20;
const RECORD_IDS_KEY = 'senderRecordIds';

export interface SenderDeps {
  readonly apis: SenderApis;
  readonly ask: Ask;
  readonly t: Translate;
  /** Per Thunderbird session: what each account's server offers (the router's discovery, mirrored). */
  readonly session: StorageArea;
  /** The result records (for Undo) and the junk opt-in setting. */
  readonly local: StorageArea;
  readonly openWindow: (url: string) => Promise<unknown>;
  readonly getURL: (path: string) => string;
}

const TITLE_KEY: Readonly<Record<SenderAction, MessageKey>> = {
  'block': 'senderBlock',
  'block-domain': 'senderBlockDomain',
  'allow': 'senderAllow',
  'allow-domain': 'senderAllowDomain',
};

const PROBLEM_KEY: Readonly<Record<SenderProblem, MessageKey>> = {
  'no-sender': 'senderNoSender',
  'empty': 'senderNoSender',
  'too-long': 'senderNotListable',
  'missing-at': 'senderNotListable',
  'local-part': 'senderNotListable',
  'domain': 'senderNotListable',
};

/** Every message of a selection (Thunderbird pages long ones). */
async function allMessages(apis: SenderApis, list: MessageList): Promise<MessageHeader[]> {
  const messages = [...list.messages];
  let id = list.id;
  while (id !== null) {
    const next = await apis.messages.continueList(id);
    messages.push(...next.messages);
    id = next.id;
  }
  return messages;
}

/**
 * Adds the listeners (synchronously, so that a click or an opening menu wakes a suspended
 * background) and returns what creates the menu items: call it after the add-on's other items
 * were replaced (entry-points.ts removes all of them first).
 */
export function registerSenderActions(deps: SenderDeps): () => void {
  const { apis, t } = deps;
  const markingJunk = new Map<string, number>();
  const runDeps: RunDeps = { apis, ask: deps.ask, t, markingJunk };
  /** Counts menu openings, so a late discovery updates only the menu it was started for. */
  let shownMenu = 0;
  let openMenu = 0;

  async function selection(info: MenuInfo, tab?: Tab): Promise<MessageHeader[]> {
    if (info.selectedMessages !== undefined) return allMessages(apis, info.selectedMessages);
    if (tab?.id === undefined) return [];
    return allMessages(apis, asList(await apis.messageDisplay.getDisplayedMessages(tab.id)));
  }

  /** The messages of the first message's account: one account's lists are changed at a time. */
  function ofOneAccount(messages: readonly MessageHeader[]): { accountId: string | null; messages: MessageHeader[] } {
    const accountId = messages[0]?.folder?.accountId ?? null;
    return { accountId, messages: messages.filter((m) => m.folder?.accountId === accountId) };
  }

  async function sendersOf(messages: readonly MessageHeader[]): Promise<SenderEntries[]> {
    return Promise.all(messages.map(async (m) => senderEntries(await apis.messengerUtilities.parseMailboxString(m.author))));
  }

  async function updateMenu(info: MenuInfo, tab: Tab | undefined, menu: number): Promise<void> {
    const header = (info.contexts ?? []).includes('message_display_action_menu');
    const { accountId, messages } = ofOneAccount(await selection(info, tab));
    const modules = accountId === null ? [] : await offered(deps, accountId);
    if (accountId !== null && modules === undefined) {
      // Not asked yet: start it, and show the items in this menu if it is still open then.
      void discover(deps, accountId).then(() => {
        if (openMenu === menu) void updateMenu(info, tab, menu);
      }, () => undefined);
    }
    const policy = accountId === null ? null : await deps.ask({ type: 'policy.get', accountId });
    const hiddenPanels: readonly string[] = policy?.ok === true ? policy.value.hiddenPanels : [];
    const state = menuState(await sendersOf(messages), {
      offered: (list) => (modules ?? []).includes(list),
      hidden: (list) => hiddenPanels.includes(list),
    });
    if (openMenu !== menu) return;
    if (!header) {
      const any = SENDER_ACTIONS.some((action) => state[action].visible);
      await apis.menus.update(PARENT_ID, { visible: any });
    }
    for (const action of SENDER_ACTIONS) {
      const s = state[action];
      const title = s.problem === null ? t(TITLE_KEY[action]) : t('senderItemUnusable', [t(TITLE_KEY[action]), t(PROBLEM_KEY[s.problem])]);
      await apis.menus.update(menuId(action, header), { visible: s.visible, enabled: s.enabled, title });
    }
    await apis.menus.refresh();
  }

  async function saveAndShow(record: SenderRecord): Promise<void> {
    const ids = ((await deps.local.get(RECORD_IDS_KEY))[RECORD_IDS_KEY] ?? []) as string[];
    const kept = [...ids, record.id].slice(-KEPT_RECORDS);
    await deps.local.set({ [RECORD_PREFIX + record.id]: record, [RECORD_IDS_KEY]: kept });
    const dropped = ids.filter((id) => !kept.includes(id));
    if (dropped.length > 0) await deps.local.remove(dropped.map((id) => RECORD_PREFIX + id));
    await deps.openWindow(deps.getURL(`${RESULT_PAGE}?id=${encodeURIComponent(record.id)}`));
  }

  async function act(action: SenderAction, info: MenuInfo, tab?: Tab): Promise<void> {
    const { accountId, messages } = ofOneAccount(await selection(info, tab));
    if (accountId === null) return;
    const entries = actionEntries(action, await sendersOf(messages));
    if (entries.length === 0) return;
    // An allow takes the senders off the block list only where there is one to change.
    const unblock = isBlockAction(action) || (await usable(deps, accountId, 'blacklist'));
    const record = await runAction(runDeps, newId(), accountId, action, entries, messages, unblock);
    await saveAndShow(record);
  }

  apis.menus.onShown.addListener((info, tab) => {
    // Hidden items are not in info.menuIds: the menu is known by its context.
    if (!(info.contexts ?? []).some((c) => c === 'message_list' || c === 'message_display_action_menu')) return;
    const menu = ++shownMenu;
    openMenu = menu;
    void updateMenu(info, tab, menu).catch((e: unknown) => console.warn('sender menu:', e));
  });
  apis.menus.onHidden.addListener(() => {
    openMenu = 0;
  });
  apis.menus.onClicked.addListener((info, tab) => {
    const action = info.menuItemId === undefined ? undefined : actionOfMenuId(info.menuItemId);
    if (action !== undefined) void act(action, info, tab).catch((e: unknown) => console.warn('sender action:', e));
  });
  // Keyboard shortcuts (manifest `commands`, no default keys: people set them in Thunderbird's
  // shortcut settings) act on the selected or displayed messages like the items, and only where
  // the items would be shown.
  apis.commands?.onCommand.addListener((command, tab) => {
    const action = actionOfCommand(command);
    if (action === undefined || tab?.id === undefined) return;
    const tabId = tab.id;
    void (async () => {
      let selected = asList(await apis.mailTabs.getSelectedMessages(tabId).catch(() => []));
      if (selected.messages.length === 0) selected = asList(await apis.messageDisplay.getDisplayedMessages(tabId));
      const accountId = selected.messages[0]?.folder?.accountId;
      if (accountId === undefined || !(await usable(deps, accountId, actionList(action)))) return;
      await act(action, { selectedMessages: selected }, tab);
    })().catch((e: unknown) => console.warn('sender command:', e));
  });
  // The header button of a message whose account can use neither list is disabled (an empty
  // menu says nothing); decided from what the session knows, else after asking the account once.
  apis.messageDisplay?.onMessagesDisplayed?.addListener((tab, displayed) => {
    const accountId = asList(displayed).messages[0]?.folder?.accountId;
    const button = apis.messageDisplayAction;
    if (tab.id === undefined || accountId === undefined || button === undefined) return;
    const tabId = tab.id;
    void (async () => {
      const any = (await usable(deps, accountId, 'blacklist')) || (await usable(deps, accountId, 'whitelist'));
      await (any ? button.enable(tabId) : button.disable(tabId));
    })().catch((e: unknown) => console.warn('sender button:', e));
  });
  registerJunkOptIn(deps, runDeps, saveAndShow);

  // Hidden until a menu shows them for an account whose server offers the list.
  return () => {
    // One submenu in the message list (Thunderbird would otherwise put several items of an
    // add-on under its name); the header button's own menu holds the items directly.
    apis.menus.create({ id: PARENT_ID, title: t('senderMenu'), contexts: ['message_list'], visible: false });
    for (const action of SENDER_ACTIONS) {
      apis.menus.create({ id: menuId(action), parentId: PARENT_ID, title: t(TITLE_KEY[action]), contexts: ['message_list'], visible: false });
      apis.menus.create({ id: menuId(action, true), title: t(TITLE_KEY[action]), contexts: ['message_display_action_menu'], visible: false });
    }
  };
}

/** Whether the account's server offers the list and the policy shows its panel (no round trip when known). */
async function usable(deps: SenderDeps, accountId: string, list: 'blacklist' | 'whitelist'): Promise<boolean> {
  const modules = (await offered(deps, accountId)) ?? (await discover(deps, accountId));
  const policy = await deps.ask({ type: 'policy.get', accountId });
  return modules.includes(list) && !(policy.ok && policy.value.hiddenPanels.includes(list));
}

/** What the account's server offers, as far as this session knows without asking it. */
async function offered(deps: SenderDeps, accountId: string): Promise<readonly string[] | undefined> {
  const stored = (await deps.session.get(OFFERED_KEY))[OFFERED_KEY] as Record<string, string[]> | undefined;
  return stored?.[accountId];
}

/** Runs the router's discovery (cached there; no menu waits for it) and keeps what it found for the session. */
async function discover(deps: SenderDeps, accountId: string): Promise<readonly string[]> {
  const found = await deps.ask({ type: 'discover', accountId });
  const modules = found.ok ? [...found.value.modules] : [];
  // Like the router's cache: a lost connection or a timeout says nothing about the server.
  if (!found.ok && found.error.code !== 'unsupported') return modules;
  const stored = ((await deps.session.get(OFFERED_KEY))[OFFERED_KEY] ?? {}) as Record<string, string[]>;
  await deps.session.set({ [OFFERED_KEY]: { ...stored, [accountId]: modules } });
  return modules;
}

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** The result page's requests: its record, Undo, and the answer to the junk question. */
export async function handleSenderMessage(deps: SenderDeps, message: SenderMessage): Promise<SenderAnswer> {
  const key = RECORD_PREFIX + message.id;
  const record = (await deps.local.get(key))[key] as SenderRecord | undefined;
  if (record === undefined) return { ok: false, lines: [deps.t('senderRecordGone')] };
  const runDeps: RunDeps = { apis: deps.apis, ask: deps.ask, t: deps.t, markingJunk: new Map() };
  if (message.type === 'sender.record') return { ok: true, lines: record.lines, record, canUndo: canUndo(record) };
  if (message.type === 'sender.undo') {
    if (!canUndo(record)) return { ok: false, lines: [deps.t('senderNothingToUndo')] };
    const undone = await undoAction(runDeps, record);
    await deps.local.set({ [key]: { ...record, undone: true } });
    return undone;
  }
  return answerJunk(deps, runDeps, record, message.block, message.remember);
}

async function answerJunk(deps: SenderDeps, runDeps: RunDeps, record: SenderRecord, block: boolean, remember: boolean): Promise<SenderAnswer> {
  if (remember) await deps.local.set({ [JUNK_OPT_IN_KEY]: block ? 'always' : 'never' });
  const entries = record.question?.entries ?? [];
  await deps.local.set({ [RECORD_PREFIX + record.id]: { ...record, undone: true } });
  if (!block || entries.length === 0) return { ok: true, lines: [] };
  const done = await runAction(runDeps, record.id, record.accountId, 'block', entries, []);
  await deps.local.set({ [RECORD_PREFIX + record.id]: done });
  return { ok: !done.failed, lines: done.lines, canUndo: canUndo(done) };
}

/**
 * Whether a message is selected in a mail tab: what the junk button and key act on. Thunderbird's
 * own junk classifier marks new mail too (the same onUpdated, with no word of who marked it);
 * that mail is not what the user chose, and is not asked about.
 */
async function isSelected(apis: SenderApis, messageId: number): Promise<boolean> {
  for (const tab of await apis.mailTabs.query({})) {
    const selected = asList(await apis.mailTabs.getSelectedMessages(tab.id));
    if (selected.messages.some((m) => m.id === messageId)) return true;
  }
  return false;
}

/**
 * Thunderbird's own junk button or key (messages.onUpdated, junk turned on): per the setting,
 * ask "Also block these senders on the server?", block, or do nothing. Marks this add-on made
 * itself and those of Thunderbird's classifier are not asked about. Marks that come together
 * (a selection) make one question.
 */
function registerJunkOptIn(deps: SenderDeps, runDeps: RunDeps, show: (record: SenderRecord) => Promise<void>): void {
  let pending: Promise<MessageHeader | null>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    const messages = (await Promise.all(batch)).filter((m): m is MessageHeader => m !== null);
    const setting = readJunkOptIn((await deps.local.get(JUNK_OPT_IN_KEY))[JUNK_OPT_IN_KEY]);
    if (setting === 'never') return;
    const accounts = new Set(messages.map((m) => m.folder?.accountId).filter((a): a is string => a !== undefined));
    for (const accountId of accounts) {
      // No menu waits here: the account may be asked now.
      if (!(await usable(deps, accountId, actionList('block')))) continue;
      const ofAccount = messages.filter((m) => m.folder?.accountId === accountId);
      const senders = await Promise.all(ofAccount.map(async (m) => senderEntries(await deps.apis.messengerUtilities.parseMailboxString(m.author))));
      const entries = actionEntries('block', senders);
      if (entries.length === 0) continue;
      if (setting === 'always') {
        await show(await runAction(runDeps, newId(), accountId, 'block', entries, []));
      } else {
        const question: SenderRecord = {
          id: newId(), accountId, lines: [deps.t('senderJunkQuestion', [entries.join(', ')])], failed: false, plan: null, moved: [],
          question: { entries },
        };
        await show(question);
      }
    }
  };
  deps.apis.messages.onUpdated.addListener((message, changed) => {
    if (changed.junk !== true) return;
    const own = runDeps.markingJunk.get(message.headerMessageId);
    if (own !== undefined && own > Date.now()) return;
    for (const [id, until] of runDeps.markingJunk) if (until <= Date.now()) runDeps.markingJunk.delete(id);
    // Asked at once: Thunderbird may move a marked message, which ends its selection.
    pending.push(isSelected(deps.apis, message.id).then((chosen) => (chosen ? message : null), () => null));
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void flush().catch((e: unknown) => console.warn('junk opt-in:', e)), 300);
  });
}
