/** `blacklist` and `whitelist` (PROTOCOL.md §6.1): requests and reply parsers. */

import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { err, ok, type Result } from '../protocol/result.js';
import { allNormalEntries, ENTRY_PROBLEM_TEXT, normalizeEntry, type EntryProblem } from './address.js';
import { checkModule, readKeyValues, type ReplyError } from './reply.js';

export const BLACKLIST = 'blacklist';
export const WHITELIST = 'whitelist';

export type EntryInputError =
  | { readonly kind: 'no-entries'; readonly message: string }
  | {
      readonly kind: 'invalid-entry';
      /** Index into the caller's array. */
      readonly index: number;
      readonly value: string;
      readonly problem: EntryProblem;
      readonly message: string;
    };

export type EntryOutcome = 'added' | 'exists' | 'removed' | 'absent';

export interface EntryChange {
  readonly entry: string;
  readonly outcome: EntryOutcome;
}

/** `module` is a parameter because an administrator may map another name to the program. */
export function listRequest(module: string = BLACKLIST): XexecRequest {
  return { module, args: ['list'] };
}

/**
 * Normalises every entry first and refuses the whole request on the first invalid one,
 * like the module does; duplicates after normalisation are sent once.
 */
function changeRequest(module: string, verb: 'add' | 'del', entries: readonly string[]): Result<XexecRequest, EntryInputError> {
  if (entries.length === 0) return err({ kind: 'no-entries', message: `Nothing to ${verb === 'add' ? 'add' : 'remove'}` });
  const normalized: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < entries.length; i++) {
    const value = entries[i] ?? '';
    const entry = normalizeEntry(value);
    if (!entry.ok) {
      return err({
        kind: 'invalid-entry',
        index: i,
        value,
        problem: entry.error,
        message: `${JSON.stringify(value)} ${ENTRY_PROBLEM_TEXT[entry.error]}`,
      });
    }
    if (seen.has(entry.value)) continue;
    seen.add(entry.value);
    normalized.push(entry.value);
  }
  return ok({ module, args: [verb, ...normalized] });
}

export function addRequest(module: string, entries: readonly string[]): Result<XexecRequest, EntryInputError> {
  return changeRequest(module, 'add', entries);
}

export function deleteRequest(module: string, entries: readonly string[]): Result<XexecRequest, EntryInputError> {
  return changeRequest(module, 'del', entries);
}

function badEntry(key: string, line: number, value: string, problem: EntryProblem): { ok: false; error: ReplyError } {
  return err({
    kind: 'bad-value',
    key,
    value,
    line,
    message: `Line ${line + 1}: ${JSON.stringify(value)} ${ENTRY_PROBLEM_TEXT[problem]}`,
  });
}

/**
 * One entry per line. Entries never contain a space, so a line with one is a `<key> <value>`
 * line of a later module version and is skipped.
 */
export function parseListReply(reply: XexecReply, module: string = BLACKLIST): Result<string[], ReplyError> {
  const lines = checkModule(reply, module);
  if (!lines.ok) return lines;
  // The module stores entries normalised: the common list needs no per-line work.
  if (allNormalEntries(lines.value)) return ok(lines.value.slice() as string[]);
  const entries: string[] = [];
  for (let i = 0; i < lines.value.length; i++) {
    const line = lines.value[i];
    if (line === undefined) continue;
    if (typeof line !== 'string') {
      if (line.includes(0x20)) continue;
      return err({ kind: 'not-text', line: i, message: `Line ${i + 1} is not valid UTF-8` });
    }
    if (line.includes(' ')) continue;
    const entry = normalizeEntry(line);
    if (!entry.ok) return badEntry('entry', i, line, entry.error);
    entries.push(entry.value);
  }
  return ok(entries);
}

const ADD_OUTCOMES: readonly EntryOutcome[] = ['added', 'exists'];
const DEL_OUTCOMES: readonly EntryOutcome[] = ['removed', 'absent'];
const ALL_OUTCOMES: ReadonlySet<string> = new Set<EntryOutcome>([...ADD_OUTCOMES, ...DEL_OUTCOMES]);

function asOutcome(key: string, allowed: readonly EntryOutcome[]): EntryOutcome | undefined {
  return allowed.find((outcome) => outcome === key);
}

function parseChangeReply(reply: XexecReply, module: string, verb: 'add' | 'del'): Result<EntryChange[], ReplyError> {
  const lines = checkModule(reply, module);
  if (!lines.ok) return lines;
  const pairs = readKeyValues(lines.value, ALL_OUTCOMES);
  if (!pairs.ok) return pairs;
  const changes: EntryChange[] = [];
  for (const pair of pairs.value) {
    const outcome = asOutcome(pair.key, verb === 'add' ? ADD_OUTCOMES : DEL_OUTCOMES);
    if (outcome === undefined) {
      return err({ kind: 'unexpected-key', key: pair.key, line: pair.line, message: `Line ${pair.line + 1}: "${pair.key}" in the reply to ${verb}` });
    }
    const entry = normalizeEntry(pair.value);
    if (!entry.ok) return badEntry(pair.key, pair.line, pair.value, entry.error);
    changes.push({ entry: entry.value, outcome });
  }
  return ok(changes);
}

export function parseAddReply(reply: XexecReply, module: string = BLACKLIST): Result<EntryChange[], ReplyError> {
  return parseChangeReply(reply, module, 'add');
}

export function parseDeleteReply(reply: XexecReply, module: string = BLACKLIST): Result<EntryChange[], ReplyError> {
  return parseChangeReply(reply, module, 'del');
}
