/** `spam` (PROTOCOL.md §6.5): the level, what happens to spam, blocked TLDs and character sets, trusted contacts. */

import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { err, ok, type Result } from '../protocol/result.js';
import { normalizeAddress, type EntryProblem } from './address.js';
import { contactsArgs, MAX_CONTACTS_BYTES } from './contacts.js';
import { badValue, checkModule, missingKey, readState, type ReplyError } from './reply.js';

export const SPAM = 'spam';

export const SPAM_LEVELS = ['off', 'lenient', 'standard', 'strict', 'allowed-only'] as const;
export type SpamLevel = (typeof SPAM_LEVELS)[number];
export type SpamAction = 'junk' | 'delete';

/** The share of the scanner's maximum score at which a level files mail into Junk (§6.5). */
export const LEVEL_PERCENT: Readonly<Record<'lenient' | 'standard' | 'strict', number>> = { lenient: 80, standard: 50, strict: 30 };

export const MAX_TLDS = 300;
export const MAX_CHARSETS = 100;
export const MAX_CHARSET_LENGTH = 40;
/** The size limit of `contacts set`, shared with alerts (contacts.ts). */
export { MAX_CONTACTS_BYTES };
const MAX_LABEL_LENGTH = 63;

export interface SpamState {
  readonly level: SpamLevel;
  readonly action: SpamAction;
  /** The days after which the server empties its spam folder; null: it offers Junk only. */
  readonly deleteDays: number | null;
  /** The server's virus scanner files infected mail into Junk at every level but off. */
  readonly virusCheck: boolean;
  /** Blocked top-level domains, in the module's order (bytewise sorted). */
  readonly tlds: readonly string[];
  readonly charsets: readonly string[];
  /** How many trusted contacts the server stores. */
  readonly contacts: number;
}

/** What `set` changes; a field left out keeps its stored value. */
export interface SpamUpdate {
  readonly level?: SpamLevel;
  readonly action?: SpamAction;
  readonly tlds?: readonly string[];
  readonly charsets?: readonly string[];
}

/** Values the administrator fixed (policy `spamFixed`): the user sees them and cannot change them. */
export interface SpamFixed {
  readonly level?: SpamLevel;
  readonly tlds?: readonly string[];
  readonly charsets?: readonly string[];
}

/** An update with the administrator's fixed values in place of the user's. */
export function withFixed(update: SpamUpdate, fixed: SpamFixed | null): SpamUpdate {
  if (fixed === null) return update;
  return {
    ...update,
    ...(fixed.level !== undefined ? { level: fixed.level } : {}),
    ...(fixed.tlds !== undefined ? { tlds: fixed.tlds } : {}),
    ...(fixed.charsets !== undefined ? { charsets: fixed.charsets } : {}),
  };
}

export type SpamInputError =
  | { readonly kind: 'invalid-tld'; readonly value: string; readonly message: string }
  | { readonly kind: 'invalid-charset'; readonly value: string; readonly message: string }
  | { readonly kind: 'too-many'; readonly field: 'tlds' | 'charsets'; readonly max: number; readonly message: string }
  | { readonly kind: 'invalid-level'; readonly value: string; readonly message: string }
  | { readonly kind: 'invalid-address'; readonly index: number; readonly value: string; readonly problem: EntryProblem; readonly message: string }
  | { readonly kind: 'contacts-too-long'; readonly count: number; readonly message: string }
  | { readonly kind: 'nothing-to-set'; readonly message: string };

const bytewise = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const LETTERS = /^[a-z][a-z]+$/;
const IDN = /^xn--[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** ASCII (punycode) form of one label typed in Unicode (`рф` -> `xn--p1ai`); null if it is none. */
function toAscii(label: string): string | null {
  try {
    const host = new URL(`http://x.${label}/`).hostname;
    const last = host.slice(host.lastIndexOf('.') + 1);
    return host === `x.${last}` ? last : null;
  } catch {
    return null;
  }
}

/**
 * One top-level domain as the module stores it: trimmed, one leading dot dropped, lower-cased;
 * a label typed in another script becomes its `xn--` form. null: not a TLD the module accepts.
 */
export function normalizeTld(raw: string): string | null {
  let tld = raw.trim().replace(/^\./, '').toLowerCase();
  if (tld === '' || tld.includes('.')) return null;
  // Only letters, marks, digits and hyphens go to the IDN conversion: the URL parser would
  // read `/`, `?`, `#`, `@` or `:` as the end of the host and accept what follows them.
  if (!/^[\x00-\x7f]*$/.test(tld)) tld = /^[\p{L}\p{M}\p{N}-]+$/u.test(tld) ? toAscii(tld) ?? '' : '';
  return tld.length <= MAX_LABEL_LENGTH && (LETTERS.test(tld) || IDN.test(tld)) ? tld : null;
}

const CHARSET = /^[a-z0-9][a-z0-9._:+-]*$/;

export function normalizeCharset(raw: string): string | null {
  const charset = raw.trim().toLowerCase();
  return charset.length <= MAX_CHARSET_LENGTH && CHARSET.test(charset) ? charset : null;
}

/** Checked, normal, sorted and unique: the list as the module will store it. */
function normalizeList(
  values: readonly string[],
  field: 'tlds' | 'charsets',
): Result<string[], SpamInputError> {
  const out = new Set<string>();
  for (const raw of values) {
    const value = field === 'tlds' ? normalizeTld(raw) : normalizeCharset(raw);
    if (value === null) {
      return field === 'tlds'
        ? err({ kind: 'invalid-tld', value: raw, message: `${JSON.stringify(raw)} is not a top-level domain (such as ru or com)` })
        : err({ kind: 'invalid-charset', value: raw, message: `${JSON.stringify(raw)} is not a character set name (such as koi8-r)` });
    }
    out.add(value);
  }
  const max = field === 'tlds' ? MAX_TLDS : MAX_CHARSETS;
  if (out.size > max) return err({ kind: 'too-many', field, max, message: `At most ${max} ${field === 'tlds' ? 'top-level domains' : 'character sets'} can be blocked` });
  return ok([...out].sort(bytewise));
}

export function normalizeTlds(values: readonly string[]): Result<string[], SpamInputError> {
  return normalizeList(values, 'tlds');
}

export function normalizeCharsets(values: readonly string[]): Result<string[], SpamInputError> {
  return normalizeList(values, 'charsets');
}

export function spamShowRequest(module: string = SPAM): XexecRequest {
  return { module, args: ['show'] };
}

export function spamOffRequest(module: string = SPAM): XexecRequest {
  return { module, args: ['off'] };
}

export function spamContactsListRequest(module: string = SPAM): XexecRequest {
  return { module, args: ['contacts', 'list'] };
}

export function spamContactsClearRequest(module: string = SPAM): XexecRequest {
  return { module, args: ['contacts', 'clear'] };
}

/**
 * `contacts set`: every address checked first, as the module does (one bad one changes nothing).
 * None is refused here: the page clears with `spamContactsClearRequest`, never by an empty set.
 */
export function spamContactsSetRequest(addresses: readonly string[], module: string = SPAM): Result<XexecRequest, SpamInputError> {
  if (addresses.length === 0) return err({ kind: 'nothing-to-set', message: 'Give at least one address (or clear the contacts)' });
  const args = contactsArgs(addresses);
  if (args.ok) return ok({ module, args: args.value });
  const problem = args.error;
  return problem.kind === 'invalid-address'
    ? err({ ...problem, message: `${JSON.stringify(problem.value)} is not a valid e-mail address` })
    : err({ kind: 'contacts-too-long', count: problem.count, message: `${problem.count} addresses do not fit in one command of ${MAX_CONTACTS_BYTES} bytes` });
}

/** `set key=value ...`, one argument per key, in the order level, action, tlds, charsets. */
export function spamSetRequest(update: SpamUpdate, module: string = SPAM): Result<XexecRequest, SpamInputError> {
  const args = ['set'];
  if (update.level !== undefined) {
    if (!(SPAM_LEVELS as readonly string[]).includes(update.level)) {
      return err({ kind: 'invalid-level', value: update.level, message: `The level must be ${SPAM_LEVELS.join(', ')}` });
    }
    args.push(`level=${update.level}`);
  }
  if (update.action !== undefined) args.push(`action=${update.action === 'delete' ? 'delete' : 'junk'}`);
  if (update.tlds !== undefined) {
    const tlds = normalizeTlds(update.tlds);
    if (!tlds.ok) return tlds;
    args.push(`tlds=${tlds.value.join(',')}`);
  }
  if (update.charsets !== undefined) {
    const charsets = normalizeCharsets(update.charsets);
    if (!charsets.ok) return charsets;
    args.push(`charsets=${charsets.value.join(',')}`);
  }
  if (args.length === 1) return err({ kind: 'nothing-to-set', message: 'Give at least one of level, action, tlds, charsets' });
  return ok({ module, args });
}

const KEYS: ReadonlySet<string> = new Set(['level', 'action', 'delete-days', 'virustest', 'tld', 'charset', 'contacts']);
const SINGLE_KEYS: ReadonlySet<string> = new Set(['level', 'action', 'delete-days', 'virustest', 'contacts']);

/** The reply to show, set, off and contacts set/clear alike; keys it does not know are skipped. */
export function parseSpamState(reply: XexecReply, module: string = SPAM): Result<SpamState, ReplyError> {
  const state = readState(reply, module, KEYS, SINGLE_KEYS);
  if (!state.ok) return state;
  const { pairs, values } = state.value;

  const level = values.get('level');
  if (level === undefined) return missingKey('level');
  if (!(SPAM_LEVELS as readonly string[]).includes(level.value)) return badValue(level, `is not one of ${SPAM_LEVELS.join(', ')}`);

  const action = values.get('action');
  if (action === undefined) return missingKey('action');
  if (action.value !== 'junk' && action.value !== 'delete') return badValue(action, 'is not junk or delete');

  const days = values.get('delete-days');
  let deleteDays: number | null = null;
  if (days !== undefined) {
    if (!/^[1-9]\d{0,3}$/.test(days.value)) return badValue(days, 'is not a number of days');
    deleteDays = Number(days.value);
  }

  const virus = values.get('virustest');
  if (virus !== undefined && virus.value !== 'yes' && virus.value !== 'no') return badValue(virus, 'is not yes or no');

  const count = values.get('contacts');
  if (count === undefined) return missingKey('contacts');
  if (!/^(?:0|[1-9]\d{0,8})$/.test(count.value)) return badValue(count, 'is not a count');

  const tlds: string[] = [];
  const charsets: string[] = [];
  for (const pair of pairs) {
    if (pair.key === 'tld') {
      if (normalizeTld(pair.value) !== pair.value) return badValue(pair, 'is not a top-level domain in normal form');
      tlds.push(pair.value);
    } else if (pair.key === 'charset') {
      if (normalizeCharset(pair.value) !== pair.value) return badValue(pair, 'is not a character set name in normal form');
      charsets.push(pair.value);
    }
  }
  return ok({
    level: level.value as SpamLevel,
    action: action.value,
    deleteDays,
    virusCheck: virus?.value === 'yes',
    tlds,
    charsets,
    contacts: Number(count.value),
  });
}

/** `contacts list`: one address per line. */
export function parseSpamContacts(reply: XexecReply, module: string = SPAM): Result<string[], ReplyError> {
  const lines = checkModule(reply, module);
  if (!lines.ok) return lines;
  const out: string[] = [];
  for (const [i, line] of lines.value.entries()) {
    if (typeof line !== 'string') return err({ kind: 'not-text', line: i, message: `Line ${i + 1} is not valid UTF-8` });
    if (line === '') continue;
    const address = normalizeAddress(line);
    if (!address.ok) return badValue({ key: 'contact', value: line, line: i }, 'is not an e-mail address');
    out.push(address.value);
  }
  return ok(out);
}
