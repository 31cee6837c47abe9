/**
 * `alerts` (PROTOCOL.md §6.6): a short notification to another address when important mail
 * arrives. The target must give back the code the module sends it before any alert goes there.
 */

import { utf8Encode } from '../protocol/bytes.js';
import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { err, ok, type Result } from '../protocol/result.js';
import { ENTRY_PROBLEM_TEXT, normalizeAddress, normalizeEntry, type EntryProblem } from './address.js';
import { contactsArgs, MAX_CONTACTS_BYTES } from './contacts.js';
import { badValue, missingKey, readState, type KeyValue, type ReplyError } from './reply.js';

export const ALERTS = 'alerts';

export const MAX_SENDERS = 100;
export const MAX_WORDS = 50;
export const MAX_WORD_BYTES = 64;
export const CODE_LENGTH = 6;

export interface AlertsState {
  readonly status: 'on' | 'off';
  /** null: no target stored yet. */
  readonly target: string | null;
  /** Whether the stored target gave its code; alerts flow only to a confirmed target. */
  readonly confirmed: boolean;
  /** Addresses and @domain entries, in normal form as the module prints them. */
  readonly senders: readonly string[];
  /** Subject words or phrases, as the module prints them. */
  readonly words: readonly string[];
  readonly urgent: boolean;
  readonly contacts: boolean;
  /** The administrator's cap of alerts per hour; null when the module did not say. */
  readonly maxPerHour: number | null;
  /** The domains a target may be at; empty: any. */
  readonly targetDomains: readonly string[];
  /**
   * false: the stored target is outside the administrator's current target domains, so it gets
   * no alerts (suspended, still confirmed) until its domain is allowed again or another target is
   * set. The parser always sets it (true when the module did not say: older modules never suspend).
   */
  readonly targetAllowed?: boolean;
}

/** What `set` changes; a field left out keeps its stored value. `set` always turns alerts on. */
export interface AlertsUpdate {
  readonly target?: string;
  readonly senders?: readonly string[];
  readonly words?: readonly string[];
  readonly urgent?: boolean;
  readonly contacts?: boolean;
}

export type AlertsField = 'target' | 'senders' | 'words' | 'code';

export type AlertsProblem = 'too-many' | 'word-empty' | 'word-too-long' | 'word-control' | 'word-comma' | 'code-format';

export type AlertsInputError =
  | { readonly kind: 'invalid-target'; readonly field: 'target'; readonly value: string; readonly problem: EntryProblem; readonly message: string }
  | { readonly kind: 'target-domain'; readonly field: 'target'; readonly value: string; readonly domains: readonly string[]; readonly message: string }
  | { readonly kind: 'invalid-sender'; readonly field: 'senders' | 'contacts'; readonly index: number; readonly value: string; readonly problem: EntryProblem; readonly message: string }
  | { readonly kind: 'invalid-field'; readonly field: AlertsField; readonly problem: AlertsProblem; readonly value: string; readonly message: string }
  | { readonly kind: 'contacts-too-long'; readonly field: 'contacts'; readonly count: number; readonly message: string }
  | { readonly kind: 'nothing-to-set'; readonly message: string };

function invalid(field: AlertsField, problem: AlertsProblem, value: string, message: string): { ok: false; error: AlertsInputError } {
  return err({ kind: 'invalid-field', field, problem, value, message });
}

export function alertsShowRequest(module: string = ALERTS): XexecRequest {
  return { module, args: ['show'] };
}

export function alertsOffRequest(module: string = ALERTS): XexecRequest {
  return { module, args: ['off'] };
}

export function alertsResendRequest(module: string = ALERTS): XexecRequest {
  return { module, args: ['resend'] };
}

/** The module sorts bytewise (LC_ALL=C sort -u); entries are ASCII, so code units agree. */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A target in the module's form, and (when the allowed domains are known) one it will accept. */
export function normalizeTarget(raw: string, allowedDomains: readonly string[] = []): Result<string, AlertsInputError> {
  const address = normalizeAddress(raw);
  if (!address.ok) {
    return err({ kind: 'invalid-target', field: 'target', value: raw, problem: address.error, message: `${JSON.stringify(raw)} ${ENTRY_PROBLEM_TEXT[address.error]}` });
  }
  const domain = address.value.slice(address.value.lastIndexOf('@') + 1);
  if (allowedDomains.length > 0 && !allowedDomains.includes(domain)) {
    return err({ kind: 'target-domain', field: 'target', value: raw, domains: allowedDomains, message: `Alerts can go only to addresses at ${allowedDomains.join(', ')}` });
  }
  return ok(address.value);
}

/** Senders checked and in the module's normal form: lower case, sorted, unique. */
export function normalizeSenders(entries: readonly string[]): Result<string[], AlertsInputError> {
  const normal = new Set<string>();
  for (const [index, raw] of entries.entries()) {
    const entry = normalizeEntry(raw);
    if (!entry.ok) {
      return err({ kind: 'invalid-sender', field: 'senders', index, value: raw, problem: entry.error, message: `Sender ${index + 1} ${ENTRY_PROBLEM_TEXT[entry.error]}` });
    }
    normal.add(entry.value);
  }
  if (normal.size > MAX_SENDERS) return invalid('senders', 'too-many', String(normal.size), `At most ${MAX_SENDERS} senders`);
  return ok([...normal].sort(byBytes));
}

const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Subject words checked as the module checks them: trimmed, 1–64 bytes, no control characters,
 * unique (in the order given). The module splits its value at commas, so a word cannot hold one.
 */
export function normalizeWords(words: readonly string[]): Result<string[], AlertsInputError> {
  const out: string[] = [];
  for (const raw of words) {
    // The module trims blanks only; a non-ASCII space stays part of the word on both sides.
    const word = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (word === '') return invalid('words', 'word-empty', raw, 'A subject word is empty');
    if (word.includes(',')) return invalid('words', 'word-comma', raw, `${JSON.stringify(raw)} contains a comma`);
    if (CONTROL.test(word)) return invalid('words', 'word-control', raw, `${JSON.stringify(raw)} contains control characters`);
    if (utf8Encode(word).length > MAX_WORD_BYTES) return invalid('words', 'word-too-long', raw, `${JSON.stringify(raw)} is longer than ${MAX_WORD_BYTES} bytes`);
    if (!out.includes(word)) out.push(word);
  }
  if (out.length > MAX_WORDS) return invalid('words', 'too-many', String(out.length), `At most ${MAX_WORDS} subject words`);
  return ok(out);
}

/** Subject words as people type them: one per line, or comma-separated (as the module reads them). */
export function splitWords(text: string): string[] {
  return text.split(/[\r\n,]+/).filter((word) => word.trim() !== '');
}

/** Senders as people type them: separated by line breaks, commas or spaces (as the module reads them). */
export function splitSenders(text: string): string[] {
  return text.split(/[\s,]+/).filter((entry) => entry !== '');
}

/**
 * Builds `alerts set key=value ...`. Senders and words go comma-separated in one argument each,
 * so a phrase keeps its spaces and no line break has to be encoded.
 */
export function alertsSetRequest(update: AlertsUpdate, module: string = ALERTS, allowedDomains: readonly string[] = []): Result<XexecRequest, AlertsInputError> {
  const args: string[] = ['set'];
  if (update.target !== undefined) {
    const target = normalizeTarget(update.target, allowedDomains);
    if (!target.ok) return target;
    args.push(`target=${target.value}`);
  }
  if (update.senders !== undefined) {
    const senders = normalizeSenders(update.senders);
    if (!senders.ok) return senders;
    args.push(`senders=${senders.value.join(',')}`);
  }
  if (update.words !== undefined) {
    const words = normalizeWords(update.words);
    if (!words.ok) return words;
    args.push(`words=${words.value.join(',')}`);
  }
  if (update.urgent !== undefined) args.push(`urgent=${update.urgent ? 'yes' : 'no'}`);
  if (update.contacts !== undefined) args.push(`contacts=${update.contacts ? 'yes' : 'no'}`);
  if (args.length === 1) return err({ kind: 'nothing-to-set', message: 'Give at least one of target, senders, words, urgent, contacts' });
  return ok({ module, args });
}

/**
 * `alerts contacts set <address> ...`: replaces the trusted contacts (shared with spam, §6.5) with
 * these addresses, each with a local part, in normal form, sorted and unique, refused when they
 * do not fit in one command (as spam's). An empty list is `contacts clear`, since `set` needs an
 * address (the Alerts panel's last Remove sends none).
 */
export function alertsContactsSetRequest(addresses: readonly string[], module: string = ALERTS): Result<XexecRequest, AlertsInputError> {
  const args = contactsArgs(addresses);
  if (args.ok) return ok({ module, args: args.value });
  const problem = args.error;
  return problem.kind === 'invalid-address'
    ? err({ kind: 'invalid-sender', field: 'contacts', index: problem.index, value: problem.value, problem: problem.problem, message: `Contact ${problem.index + 1} ${ENTRY_PROBLEM_TEXT[problem.problem]}` })
    : err({ kind: 'contacts-too-long', field: 'contacts', count: problem.count, message: `${problem.count} addresses do not fit in one command of ${MAX_CONTACTS_BYTES} bytes` });
}

/** The code as people may type it ("123 456"): six digits, blanks and dashes dropped; null when it is not one. */
export function normalizeCode(raw: string): string | null {
  const code = raw.replace(/[\s-]/g, '');
  return new RegExp(`^[0-9]{${CODE_LENGTH}}$`).test(code) ? code : null;
}

export function alertsConfirmRequest(code: string, module: string = ALERTS): Result<XexecRequest, AlertsInputError> {
  const normal = normalizeCode(code);
  if (normal === null) return invalid('code', 'code-format', code, `The code is ${CODE_LENGTH} digits`);
  return ok({ module, args: ['confirm', normal] });
}

const KEYS: ReadonlySet<string> = new Set(['status', 'target', 'confirmed', 'sender', 'word', 'urgent', 'contacts', 'max-per-hour', 'target-domain', 'target-allowed']);
const SINGLE_KEYS: ReadonlySet<string> = new Set(['status', 'target', 'confirmed', 'urgent', 'contacts', 'max-per-hour', 'target-allowed']);

function yesNo(values: ReadonlyMap<string, KeyValue>, key: string, absent?: boolean): Result<boolean, ReplyError> {
  const pair = values.get(key);
  if (pair === undefined) return absent === undefined ? missingKey(key) : ok(absent);
  if (pair.value !== 'yes' && pair.value !== 'no') return badValue(pair, 'is not yes or no');
  return ok(pair.value === 'yes');
}

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

/** The reply to show, set, off, confirm and resend alike. */
export function parseAlertsState(reply: XexecReply, module: string = ALERTS): Result<AlertsState, ReplyError> {
  const state = readState(reply, module, KEYS, SINGLE_KEYS);
  if (!state.ok) return state;
  const { pairs, values } = state.value;

  const status = values.get('status');
  if (status === undefined) return missingKey('status');
  if (status.value !== 'on' && status.value !== 'off') return badValue(status, 'is not on or off');

  const targetLine = values.get('target');
  let target: string | null = null;
  if (targetLine !== undefined) {
    const address = normalizeAddress(targetLine.value);
    if (!address.ok || address.value !== targetLine.value) return badValue(targetLine, 'is not an address in normal form');
    target = address.value;
  }
  // Without a target there is nothing to confirm; with one the module must say.
  const confirmed = yesNo(values, 'confirmed', target === null ? false : undefined);
  if (!confirmed.ok) return confirmed;
  const urgent = yesNo(values, 'urgent');
  if (!urgent.ok) return urgent;
  const contacts = yesNo(values, 'contacts');
  if (!contacts.ok) return contacts;
  const targetAllowed = yesNo(values, 'target-allowed', true);
  if (!targetAllowed.ok) return targetAllowed;

  let maxPerHour: number | null = null;
  const cap = values.get('max-per-hour');
  if (cap !== undefined) {
    if (!/^[0-9]{1,6}$/.test(cap.value)) return badValue(cap, 'is not a whole number');
    maxPerHour = Number(cap.value);
  }

  const senders: string[] = [];
  const words: string[] = [];
  const targetDomains: string[] = [];
  for (const pair of pairs) {
    if (pair.key === 'sender') {
      const entry = normalizeEntry(pair.value);
      if (!entry.ok || entry.value !== pair.value) return badValue(pair, 'is not an address or @domain in normal form');
      senders.push(entry.value);
    } else if (pair.key === 'word') {
      if (pair.value === '') return badValue(pair, 'is empty');
      words.push(pair.value);
    } else if (pair.key === 'target-domain') {
      if (!DOMAIN.test(pair.value)) return badValue(pair, 'is not a domain in normal form');
      targetDomains.push(pair.value);
    }
  }
  return ok({ status: status.value, target, confirmed: confirmed.value, senders, words, urgent: urgent.value, contacts: contacts.value, maxPerHour, targetDomains, targetAllowed: targetAllowed.value });
}
