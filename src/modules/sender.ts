/**
 * Block or allow a message's sender (issue 11): who the sender is, which list entries an action
 * makes of several messages, what the menu shows, and what Undo must take back. Pure: the
 * background (src/background/sender-actions.ts) feeds it Thunderbird's parse of the From header
 * and the list modules' answers.
 */

import { err, type Result } from '../protocol/result.js';
import { normalizeEntry, type EntryProblem } from './address.js';
import type { EntryChange } from './lists.js';

/** What `messengerUtilities.parseMailboxString` returns for one address or group. */
export interface ParsedMailbox {
  readonly name?: string;
  readonly email?: string;
  readonly group?: readonly ParsedMailbox[];
}

export type SenderAction = 'block' | 'block-domain' | 'allow' | 'allow-domain';
export const SENDER_ACTIONS: readonly SenderAction[] = ['block', 'block-domain', 'allow', 'allow-domain'];

/** Why an action cannot use a message's sender. */
export type SenderProblem = 'no-sender' | EntryProblem;

/** The entries a message's sender gives: the address, and `@domain`; each may be unusable. */
export interface SenderEntries {
  readonly address: Result<string, SenderProblem>;
  readonly domain: Result<string, SenderProblem>;
}

/** The first address of a From header, groups flattened in order; undefined when there is none. */
export function firstAddress(parsed: readonly ParsedMailbox[]): string | undefined {
  for (const mailbox of parsed) {
    if (mailbox.group !== undefined) {
      const inGroup = firstAddress(mailbox.group);
      if (inGroup !== undefined) return inGroup;
    } else if (mailbox.email !== undefined && mailbox.email.trim() !== '') {
      return mailbox.email.trim();
    }
  }
  return undefined;
}

/**
 * The sender of one message. RFC 5322 allows several From addresses (with a Sender header);
 * the first one is used, as Thunderbird's own list shows it. An address the list modules cannot
 * hold (a quoted local part like `"a b"@example.com`) still gives its domain.
 */
export function senderEntries(parsed: readonly ParsedMailbox[]): SenderEntries {
  const address = firstAddress(parsed);
  if (address === undefined) return { address: err('no-sender'), domain: err('no-sender') };
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? err<SenderProblem>('missing-at') : normalizeEntry(address.slice(at));
  return { address: normalizeEntry(address), domain };
}

function isDomainAction(action: SenderAction): boolean {
  return action === 'block-domain' || action === 'allow-domain';
}

export function isBlockAction(action: SenderAction): boolean {
  return action === 'block' || action === 'block-domain';
}

/** The distinct entries an action makes of the messages' senders, in order; unusable ones are skipped. */
export function actionEntries(action: SenderAction, senders: readonly SenderEntries[]): string[] {
  const seen = new Set<string>();
  for (const sender of senders) {
    const entry = isDomainAction(action) ? sender.domain : sender.address;
    if (entry.ok) seen.add(entry.value);
  }
  return [...seen];
}

/** One menu item: shown at all, usable, and if not, why (the first message's problem). */
export interface ItemState {
  readonly visible: boolean;
  readonly enabled: boolean;
  readonly problem: SenderProblem | null;
}

export interface MenuContext {
  /** The list module behind the action is offered by the account's server (discovery, cached). */
  readonly offered: (list: 'blacklist' | 'whitelist') => boolean;
  /** The administrator's policy hides the list's panel. */
  readonly hidden: (list: 'blacklist' | 'whitelist') => boolean;
}

export function actionList(action: SenderAction): 'blacklist' | 'whitelist' {
  return isBlockAction(action) ? 'blacklist' : 'whitelist';
}

/**
 * The state of each item for the selected messages. Absent for a list the server does not offer
 * or the policy hides (what the settings tab does with its panel); disabled, with the reason,
 * when no selected message has a sender that the item can put on a list.
 */
export function menuState(senders: readonly SenderEntries[], context: MenuContext): Record<SenderAction, ItemState> {
  const state = {} as Record<SenderAction, ItemState>;
  for (const action of SENDER_ACTIONS) {
    const list = actionList(action);
    const visible = senders.length > 0 && context.offered(list) && !context.hidden(list);
    const usable = actionEntries(action, senders).length > 0;
    const first = senders[0];
    const firstEntry = first === undefined ? err<SenderProblem>('no-sender') : isDomainAction(action) ? first.domain : first.address;
    state[action] = { visible, enabled: visible && usable, problem: usable || firstEntry.ok ? null : firstEntry.error };
  }
  return state;
}

/** What Undo takes back: only what the action changed, never entries that were there before. */
export interface UndoPlan {
  readonly list: 'blacklist' | 'whitelist';
  /** Entries the action added to `list`: Undo removes them. */
  readonly added: readonly string[];
  /** Entries an allow took off the block list: Undo puts them back. */
  readonly unblocked: readonly string[];
}

/** What an action did, for the result and for Undo. */
export interface ActionOutcome {
  readonly added: readonly string[];
  /** Entries the list already held (no second entry was made). */
  readonly existing: readonly string[];
  /** Entries an allow took off the block list. */
  readonly unblocked: readonly string[];
}

export function outcomeOf(added: readonly EntryChange[], removedFromBlock: readonly EntryChange[] = []): ActionOutcome {
  return {
    added: added.filter((c) => c.outcome === 'added').map((c) => c.entry),
    existing: added.filter((c) => c.outcome === 'exists').map((c) => c.entry),
    unblocked: removedFromBlock.filter((c) => c.outcome === 'removed').map((c) => c.entry),
  };
}

export function undoPlan(action: SenderAction, outcome: ActionOutcome): UndoPlan {
  return { list: actionList(action), added: outcome.added, unblocked: outcome.unblocked };
}

export function undoIsEmpty(plan: UndoPlan): boolean {
  return plan.added.length === 0 && plan.unblocked.length === 0;
}

/** The junk opt-in setting (storage.local): ask, always or never block on Thunderbird's junk mark. */
export type JunkOptIn = 'ask' | 'always' | 'never';
export const JUNK_OPT_IN_KEY = 'senderJunkOptIn';

export function readJunkOptIn(value: unknown): JunkOptIn {
  return value === 'always' || value === 'never' ? value : 'ask';
}

/** A menu id of this feature: `xexec-sender-<action>` (context menu) or `…-<action>-header` (header button). */
export function menuId(action: SenderAction, header = false): string {
  return `xexec-sender-${action}${header ? '-header' : ''}`;
}

export function actionOfMenuId(id: string | number): SenderAction | undefined {
  const m = /^xexec-sender-(block|block-domain|allow|allow-domain)(-header)?$/.exec(String(id));
  return m === null ? undefined : (m[1] as SenderAction);
}

/** The manifest command of an action (`sender-block`, …), and back. */
export function commandOf(action: SenderAction): string {
  return `sender-${action}`;
}

export function actionOfCommand(command: string): SenderAction | undefined {
  return SENDER_ACTIONS.find((action) => commandOf(action) === command);
}

/** For results: entries grouped in a sentence-friendly string. */
export function listEntries(entries: readonly string[]): string {
  return entries.join(', ');
}
