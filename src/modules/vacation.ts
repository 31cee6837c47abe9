/** `vacation` (PROTOCOL.md §6.4). */

import { utf8Encode } from '../protocol/bytes.js';
import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { commandLineBytes, MAX_LINE_BYTES } from '../protocol/line-size.js';
import { err, ok, type Result } from '../protocol/result.js';
import { normalizeEntry, type EntryProblem } from './address.js';
import { isBefore, parseIsoDate, type IsoDate } from './dates.js';
import { badValue, missingKey, readState, type KeyValue, type ReplyError } from './reply.js';

export const VACATION = 'vacation';

export const MAX_SUBJECT_BYTES = 255;
export const MAX_BODY_BYTES = 16384;
export const MIN_DAYS = 1;
export const MAX_DAYS = 60;
/**
 * The whole command must fit in one IMAP line (servers cut near 64 kB), and `only=` is the one
 * value without a fixed cap: a set whose line would be longer is refused, measured as the list
 * batches are (src/protocol/line-size.ts).
 */
export const MAX_SET_BYTES = MAX_LINE_BYTES;

export interface VacationState {
  readonly status: 'on' | 'off';
  /** '' means the server's default, "Auto: <original subject>". */
  readonly subject: string;
  readonly days: number;
  readonly start: IsoDate | null;
  readonly end: IsoDate | null;
  /** Lines joined with LF. */
  readonly body: string;
  /** Reply only to these senders (addresses or @domain, normal form, sorted); empty: everyone. */
  readonly only: readonly string[];
}

/**
 * What `set` changes. A field left out keeps its stored value; `start`/`end` set to null
 * (or '') clear the date.
 */
export interface VacationUpdate {
  readonly subject?: string;
  readonly body?: string;
  readonly days?: number;
  readonly start?: string | null;
  readonly end?: string | null;
  /** The senders to answer (addresses or @domain); empty: everyone. */
  readonly only?: readonly string[];
}

export type VacationField = 'subject' | 'body' | 'days' | 'start' | 'end' | 'only';

/** Why a field is refused, for a message in the user's language. */
export type VacationProblem = 'control-characters' | 'too-long' | 'empty' | 'out-of-range' | 'not-a-date' | 'end-before-start';

export type VacationInputError =
  | { readonly kind: 'invalid-field'; readonly field: VacationField; readonly problem: VacationProblem; readonly message: string }
  | { readonly kind: 'invalid-entry'; readonly field: 'only'; readonly index: number; readonly value: string; readonly problem: EntryProblem; readonly message: string }
  | { readonly kind: 'nothing-to-set'; readonly message: string };

function invalid(field: VacationField, problem: VacationProblem, message: string): { ok: false; error: VacationInputError } {
  return err({ kind: 'invalid-field', field, problem, message });
}

export function vacationShowRequest(module: string = VACATION): XexecRequest {
  return { module, args: ['show'] };
}

export function vacationOffRequest(module: string = VACATION): XexecRequest {
  return { module, args: ['off'] };
}

const CONTROL = /[\x00-\x1f\x7f]/;
const CONTROL_BUT_LF_TAB = /[\x00-\x08\x0b-\x1f\x7f]/;

function checkDate(field: 'start' | 'end', value: string | null | undefined): Result<IsoDate | '' | undefined, VacationInputError> {
  if (value === undefined) return ok(undefined);
  if (value === null || value === '') return ok('');
  const date = parseIsoDate(value);
  return date === null ? invalid(field, 'not-a-date', `The ${field} date must be a real day written YYYY-MM-DD`) : ok(date);
}

/** The `only` entries checked and in the module's normal form: lower case, sorted, unique. */
export function normalizeOnly(entries: readonly string[]): Result<string[], VacationInputError> {
  const normal = new Set<string>();
  for (const [index, raw] of entries.entries()) {
    const entry = normalizeEntry(raw);
    if (!entry.ok) {
      return err({ kind: 'invalid-entry', field: 'only', index, value: raw, problem: entry.error, message: `Sender ${index + 1} is not an address or @domain` });
    }
    normal.add(entry.value);
  }
  // The module sorts bytewise (LC_ALL=C sort -u); entries are ASCII, so code units agree.
  return ok([...normal].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Builds `vacation set key=value ...`, one argument per key. The body goes in one argument
 * with its LFs; the codec encodes it, since Thunderbird cannot carry an LF.
 */
export function vacationSetRequest(update: VacationUpdate, module: string = VACATION): Result<XexecRequest, VacationInputError> {
  const args: string[] = ['set'];
  if (update.subject !== undefined) {
    if (CONTROL.test(update.subject)) return invalid('subject', 'control-characters', 'The subject must not contain control characters');
    if (utf8Encode(update.subject).length > MAX_SUBJECT_BYTES) {
      return invalid('subject', 'too-long', `The subject must not be longer than ${MAX_SUBJECT_BYTES} bytes`);
    }
    args.push(`subject=${update.subject}`);
  }
  if (update.body !== undefined) {
    // As the module reads it: CRLF is LF, and line breaks at the very end mean nothing.
    const body = update.body.replace(/\r\n/g, '\n').replace(/\n+$/, '');
    if (body === '') return invalid('body', 'empty', 'The reply text is empty');
    if (CONTROL_BUT_LF_TAB.test(body)) return invalid('body', 'control-characters', 'The reply text must not contain control characters');
    if (utf8Encode(body).length > MAX_BODY_BYTES) {
      return invalid('body', 'too-long', `The reply text must not be longer than ${MAX_BODY_BYTES} bytes`);
    }
    args.push(`body=${body}`);
  }
  if (update.days !== undefined) {
    if (!Number.isInteger(update.days) || update.days < MIN_DAYS || update.days > MAX_DAYS) {
      return invalid('days', 'out-of-range', `The interval must be a whole number of days from ${MIN_DAYS} to ${MAX_DAYS}`);
    }
    args.push(`days=${update.days}`);
  }
  const start = checkDate('start', update.start);
  if (!start.ok) return start;
  const end = checkDate('end', update.end);
  if (!end.ok) return end;
  // Only checkable when both are sent; otherwise the module compares with the stored date.
  if (start.value && end.value && isBefore(end.value, start.value)) {
    return invalid('end', 'end-before-start', 'The end date is before the start date');
  }
  if (start.value !== undefined) args.push(`start=${start.value}`);
  if (end.value !== undefined) args.push(`end=${end.value}`);
  if (update.only !== undefined) {
    const only = normalizeOnly(update.only);
    if (!only.ok) return only;
    args.push(`only=${only.value.join(',')}`);
    if (commandLineBytes(args) > MAX_SET_BYTES) {
      return invalid('only', 'too-long', `The senders to answer and the text must fit in one command of ${MAX_SET_BYTES} bytes`);
    }
  }
  // The module refuses a bare `set`; to switch a stored reply back on, send any field again.
  if (args.length === 1) return err({ kind: 'nothing-to-set', message: 'Give at least one of subject, body, days, start, end, only' });
  return ok({ module, args });
}

const KEYS: ReadonlySet<string> = new Set(['status', 'subject', 'days', 'start', 'end', 'only', 'body']);
const SINGLE_KEYS: ReadonlySet<string> = new Set(['status', 'subject', 'days', 'start', 'end']);

function readDate(values: ReadonlyMap<string, KeyValue>, key: 'start' | 'end'): Result<IsoDate | null, ReplyError> {
  const pair = values.get(key);
  if (pair === undefined) return ok(null);
  const date = parseIsoDate(pair.value);
  return date === null ? badValue(pair, 'is not a real day written YYYY-MM-DD') : ok(date);
}

/** The reply to show, set and off alike. */
export function parseVacationState(reply: XexecReply, module: string = VACATION): Result<VacationState, ReplyError> {
  const state = readState(reply, module, KEYS, SINGLE_KEYS);
  if (!state.ok) return state;
  const { pairs, values } = state.value;

  const status = values.get('status');
  if (status === undefined) return missingKey('status');
  if (status.value !== 'on' && status.value !== 'off') return badValue(status, 'is not on or off');

  const subject = values.get('subject');
  if (subject === undefined) return missingKey('subject');

  const daysPair = values.get('days');
  if (daysPair === undefined) return missingKey('days');
  const days = /^\d{1,2}$/.test(daysPair.value) ? Number(daysPair.value) : NaN;
  if (!(days >= MIN_DAYS && days <= MAX_DAYS)) return badValue(daysPair, `is not a number from ${MIN_DAYS} to ${MAX_DAYS}`);

  const start = readDate(values, 'start');
  if (!start.ok) return start;
  const end = readDate(values, 'end');
  if (!end.ok) return end;

  const only: string[] = [];
  for (const pair of pairs) {
    if (pair.key !== 'only') continue;
    const entry = normalizeEntry(pair.value);
    if (!entry.ok || entry.value !== pair.value) return badValue(pair, 'is not an address or @domain in normal form');
    only.push(entry.value);
  }

  const body = pairs.filter((pair) => pair.key === 'body').map((pair) => pair.value);
  return ok({
    status: status.value,
    subject: subject.value,
    days,
    start: start.value,
    end: end.value,
    body: body.join('\n'),
    only,
  });
}
