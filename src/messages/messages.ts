/**
 * The page–background contract (with errors.ts, policy.ts and client.ts beside it): the one
 * message API of the background: what the settings pages send with
 * `runtime.sendMessage` and what they get back. Every request but `policy.get` names an
 * account; every response is `{ok: true, value}` or `{ok: false, error}` with a message for people.
 */

import type { ExecuteResult } from '../protocol/execute-result.js';
import type { AlertsState, AlertsUpdate } from '../modules/alerts.js';
import type { ForwardState } from '../modules/forwarding.js';
import type { PasswordRequirements } from '../modules/password.js';
import { isRuleDraft, type RuleDraft, type RulesState } from '../modules/rules.js';
import type { EntryChange } from '../modules/lists.js';
import type { SpamState, SpamUpdate } from '../modules/spam.js';
import type { StandardModule } from '../modules/standard.js';
import type { VacationState, VacationUpdate } from '../modules/vacation.js';
import type { SavedPasswordUpdate } from '../../experiments/xexec/api.js';
import type { AccountFilters } from '../../experiments/xexec/filters-api.js';
import type { FolderChoice } from '../modules/folder-names.js';
import type { UserError } from './errors.js';
import type { SendingState } from '../../experiments/xexec/outgoing-api.js';
import type { EffectivePolicy } from './policy.js';

/** The standard list modules (PROTOCOL.md §6.1). */
export type ListName = Extract<StandardModule, 'blacklist' | 'whitelist'>;

export type BackgroundRequest =
  /** The modules the server offers this account; cached per account until `refresh`. */
  | { readonly type: 'discover'; readonly accountId: string; readonly refresh?: boolean }
  | { readonly type: 'list.show'; readonly accountId: string; readonly list: ListName }
  | { readonly type: 'list.add'; readonly accountId: string; readonly list: ListName; readonly entries: readonly string[] }
  | { readonly type: 'list.del'; readonly accountId: string; readonly list: ListName; readonly entries: readonly string[] }
  /** What the server's changepassword needs before the user is asked (PROTOCOL.md §6.2). */
  | { readonly type: 'password.info'; readonly accountId: string }
  /** Changes the password on the server, then the one Thunderbird keeps; `currentPassword`: the two-argument form. */
  | { readonly type: 'password.change'; readonly accountId: string; readonly newPassword: string; readonly currentPassword?: string }
  | { readonly type: 'forward.show'; readonly accountId: string }
  /** Whether the account sends through its IMAP connection (outgoing server type xexec, issue 15). */
  | { readonly type: 'sending.state'; readonly accountId: string }
  /** Turns that on (the identities get the xexec server; their previous one is remembered) or off (restored). */
  | { readonly type: 'sending.set'; readonly accountId: string; readonly on: boolean }
  | { readonly type: 'forward.set'; readonly accountId: string; readonly address: string; readonly keepCopy: boolean }
  | { readonly type: 'forward.off'; readonly accountId: string }
  | { readonly type: 'vacation.show'; readonly accountId: string }
  | { readonly type: 'vacation.set'; readonly accountId: string; readonly update: VacationUpdate }
  | { readonly type: 'vacation.off'; readonly accountId: string }
  /** The primary addresses of the contacts in the user's address books (contacts.ts); `books`: only these. */
  | { readonly type: 'contacts.addresses'; readonly accountId?: string; readonly books?: readonly string[] }
  /** The user's local address books, to choose from (spam's "trust my contacts"). */
  | { readonly type: 'contacts.books'; readonly accountId?: string }
  | { readonly type: 'spam.show'; readonly accountId: string }
  | { readonly type: 'spam.set'; readonly accountId: string; readonly update: SpamUpdate }
  | { readonly type: 'spam.off'; readonly accountId: string }
  | { readonly type: 'spam.contacts.list'; readonly accountId: string }
  /** Replaces the trusted contacts on the server with these addresses. */
  | { readonly type: 'spam.contacts.set'; readonly accountId: string; readonly addresses: readonly string[] }
  | { readonly type: 'spam.contacts.clear'; readonly accountId: string }
  | { readonly type: 'alerts.show'; readonly accountId: string }
  /** Turns alerts on; a target other than the stored one gets a code and is unconfirmed until `alerts.confirm`. */
  | { readonly type: 'alerts.set'; readonly accountId: string; readonly update: AlertsUpdate }
  | { readonly type: 'alerts.off'; readonly accountId: string }
  | { readonly type: 'alerts.confirm'; readonly accountId: string; readonly code: string }
  | { readonly type: 'alerts.resend'; readonly accountId: string }
  /** The trusted contacts (shared with spam), for a page that may not show the spam panel. */
  | { readonly type: 'alerts.contacts.list'; readonly accountId: string }
  /** Replaces the trusted contacts (shared with spam) with these addresses; none: clears them. */
  | { readonly type: 'alerts.contacts.set'; readonly accountId: string; readonly addresses: readonly string[] }
  /** Server rules (PROTOCOL.md §6.7); every change answers the whole list as the server has it then. */
  | { readonly type: 'rules.list'; readonly accountId: string }
  | { readonly type: 'rules.add'; readonly accountId: string; readonly rule: RuleDraft }
  | { readonly type: 'rules.replace'; readonly accountId: string; readonly id: number; readonly rule: RuleDraft }
  | { readonly type: 'rules.delete'; readonly accountId: string; readonly id: number }
  /** `to`: one place up or down, or a position (1 is the first rule). */
  | { readonly type: 'rules.move'; readonly accountId: string; readonly id: number; readonly to: 'up' | 'down' | number }
  | { readonly type: 'rules.enable'; readonly accountId: string; readonly id: number }
  | { readonly type: 'rules.disable'; readonly accountId: string; readonly id: number }
  /** Compiles the rule with the stored ones on the server; nothing is stored. */
  | { readonly type: 'rules.check'; readonly accountId: string; readonly rule: RuleDraft }
  /** The account's folders in Thunderbird's tree, each with the server's full name (rules' move and copy). */
  | { readonly type: 'folders.list'; readonly accountId: string }
  /** The account's Thunderbird message filters, read-only (to move them to server rules). */
  | { readonly type: 'filters.list'; readonly accountId: string }
  /** Turns these Thunderbird filters off (by place and name, as filters.list gave them); never deletes. */
  | { readonly type: 'filters.disable'; readonly accountId: string; readonly indexes: readonly number[]; readonly names: readonly string[] }
  /** Any module with any arguments, for the raw console: the result as the experiment gives it. */
  | { readonly type: 'console'; readonly accountId: string; readonly module: string; readonly args: readonly string[] }
  /**
   * What the administrator's policy (policy.ts) says for an account, or without one the
   * global part: hidden panels, the console locked off, a default vacation text, module names.
   */
  | { readonly type: 'policy.get'; readonly accountId?: string };

export type RequestType = BackgroundRequest['type'];

export type RequestOf<T extends RequestType> = Extract<BackgroundRequest, { readonly type: T }>;

export interface PasswordChangeResult {
  /** What Thunderbird's own copies of the password got (null when updating them failed). */
  readonly updated: SavedPasswordUpdate | null;
  /** Why updating Thunderbird's copies failed: the server has the new password all the same. */
  readonly updateError: UserError | null;
}

export interface ConsoleResult {
  readonly result: ExecuteResult;
  /** The failure in words, when the command failed. */
  readonly error: UserError | null;
}

/**
 * A whole list, one entry per line (no entry contains a line break): one string crosses
 * runtime messaging many times faster than an array of 100,000 (measured in
 * docs/PERFORMANCE.md). `joinEntries` and `splitEntries` are the two ends.
 */
export type EntryLines = string;

export function joinEntries(entries: readonly string[]): EntryLines {
  return entries.join('\n');
}

export function splitEntries(lines: EntryLines): string[] {
  return lines === '' ? [] : lines.split('\n');
}

export interface ResponseValues {
  'discover': { readonly modules: readonly string[] };
  'list.show': { readonly entries: EntryLines };
  'list.add': { readonly changes: readonly EntryChange[] };
  'list.del': { readonly changes: readonly EntryChange[] };
  'password.info': PasswordRequirements;
  'password.change': PasswordChangeResult;
  'forward.show': ForwardState;
  'sending.state': SendingState;
  'sending.set': SendingState;
  'forward.set': ForwardState;
  'forward.off': ForwardState;
  'vacation.show': VacationState;
  'vacation.set': VacationState;
  'vacation.off': VacationState;
  'contacts.addresses': { readonly addresses: EntryLines; readonly skipped: number };
  'contacts.books': { readonly books: readonly AddressBookInfo[] };
  'spam.show': SpamState;
  'spam.set': SpamState;
  'spam.off': SpamState;
  'spam.contacts.list': { readonly addresses: EntryLines };
  'spam.contacts.set': SpamState;
  'spam.contacts.clear': SpamState;
  'alerts.show': AlertsState;
  'alerts.set': AlertsState;
  'alerts.off': AlertsState;
  'alerts.confirm': AlertsState;
  'alerts.resend': AlertsState;
  'alerts.contacts.list': { readonly addresses: EntryLines };
  'alerts.contacts.set': AlertsState;
  'rules.list': RulesState;
  'rules.add': RulesState;
  'rules.replace': RulesState;
  'rules.delete': RulesState;
  'rules.move': RulesState;
  'rules.enable': RulesState;
  'rules.disable': RulesState;
  'rules.check': { readonly compiled: true };
  'folders.list': { readonly folders: readonly FolderChoice[] };
  'filters.list': AccountFilters;
  'filters.disable': { readonly disabled: number };
  'console': ConsoleResult;
  'policy.get': EffectivePolicy;
}

/** A local address book as the pages list it. */
export interface AddressBookInfo {
  readonly id: string;
  readonly name: string;
}

export type BackgroundResponse<T extends RequestType = RequestType> =
  | { readonly ok: true; readonly value: ResponseValues[T] }
  | { readonly ok: false; readonly error: UserError };

const REQUEST_TYPES: ReadonlySet<string> = new Set<RequestType>([
  'discover', 'list.show', 'list.add', 'list.del', 'password.info', 'password.change', 'forward.show', 'forward.set',
  'forward.off', 'vacation.show', 'vacation.set', 'vacation.off', 'contacts.addresses', 'console', 'policy.get',
  'contacts.books', 'spam.show', 'spam.set', 'spam.off', 'spam.contacts.list', 'spam.contacts.set', 'spam.contacts.clear',
  'alerts.show', 'alerts.set', 'alerts.off', 'alerts.confirm', 'alerts.resend', 'alerts.contacts.list', 'alerts.contacts.set',
  'rules.list', 'rules.add', 'rules.replace', 'rules.delete', 'rules.move', 'rules.enable', 'rules.disable', 'rules.check',
  'folders.list', 'filters.list', 'filters.disable', 'sending.state', 'sending.set',
]);

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isListName(value: unknown): value is ListName {
  return value === 'blacklist' || value === 'whitelist';
}

function isOptional(value: unknown, type: 'string' | 'number' | 'boolean', nullable = false): boolean {
  return value === undefined || (nullable && value === null) || typeof value === type;
}

/**
 * Whether a message is a well-formed request. Messages come from the add-on's own pages,
 * but a page bug should get an error answer, not a background exception.
 */
export function isBackgroundRequest(message: unknown): message is BackgroundRequest {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (typeof m.type !== 'string' || !REQUEST_TYPES.has(m.type)) return false;
  const hasAccount = typeof m.accountId === 'string' && m.accountId !== '';
  if (m.type === 'contacts.addresses') return (m.accountId === undefined || hasAccount) && (m.books === undefined || isStringArray(m.books));
  if (m.type === 'policy.get' || m.type === 'contacts.books') return m.accountId === undefined || hasAccount;
  if (!hasAccount) return false;
  switch (m.type as RequestType) {
    case 'discover':
      return m.refresh === undefined || typeof m.refresh === 'boolean';
    case 'list.show':
      return isListName(m.list);
    case 'list.add':
    case 'list.del':
      return isListName(m.list) && isStringArray(m.entries);
    case 'password.change':
      return typeof m.newPassword === 'string' && isOptional(m.currentPassword, 'string');
    case 'forward.set':
      return typeof m.address === 'string' && typeof m.keepCopy === 'boolean';
    case 'sending.set':
      return typeof m.on === 'boolean';
    case 'vacation.set': {
      const u = m.update as Record<string, unknown> | null;
      return typeof u === 'object' && u !== null && isOptional(u.subject, 'string') && isOptional(u.body, 'string')
        && isOptional(u.days, 'number') && isOptional(u.start, 'string', true) && isOptional(u.end, 'string', true)
        && (u.only === undefined || isStringArray(u.only));
    }
    case 'console':
      return typeof m.module === 'string' && isStringArray(m.args);
    case 'spam.set': {
      const u = m.update as Record<string, unknown> | null;
      return typeof u === 'object' && u !== null && isOptional(u.level, 'string') && isOptional(u.action, 'string')
        && (u.tlds === undefined || isStringArray(u.tlds)) && (u.charsets === undefined || isStringArray(u.charsets));
    }
    case 'spam.contacts.set':
    case 'alerts.contacts.set':
      return isStringArray(m.addresses);
    case 'alerts.set': {
      const u = m.update as Record<string, unknown> | null;
      return typeof u === 'object' && u !== null && isOptional(u.target, 'string') && isOptional(u.urgent, 'boolean')
        && isOptional(u.contacts, 'boolean') && (u.senders === undefined || isStringArray(u.senders)) && (u.words === undefined || isStringArray(u.words));
    }
    case 'alerts.confirm':
      return typeof m.code === 'string';
    case 'rules.add':
    case 'rules.check':
      return isRuleDraft(m.rule);
    case 'rules.replace':
      return typeof m.id === 'number' && isRuleDraft(m.rule);
    case 'rules.delete':
    case 'rules.enable':
    case 'rules.disable':
      return typeof m.id === 'number';
    case 'rules.move':
      return typeof m.id === 'number' && (m.to === 'up' || m.to === 'down' || typeof m.to === 'number');
    case 'filters.disable':
      return Array.isArray(m.indexes) && m.indexes.every((i) => Number.isInteger(i) && (i as number) >= 0) && isStringArray(m.names) && m.names.length === m.indexes.length;
    case 'password.info':
    case 'sending.state':
    case 'forward.show':
    case 'forward.off':
    case 'vacation.show':
    case 'vacation.off':
    case 'contacts.addresses':
    case 'contacts.books':
    case 'spam.show':
    case 'spam.off':
    case 'spam.contacts.list':
    case 'spam.contacts.clear':
    case 'alerts.show':
    case 'alerts.off':
    case 'alerts.resend':
    case 'alerts.contacts.list':
    case 'rules.list':
    case 'folders.list':
    case 'filters.list':
    case 'policy.get':
      return true;
  }
}
