/**
 * Thunderbird's message filters (as experiments/xexec/filters.ts reads them) to server rules
 * (PROTOCOL.md §6.7): a pure function that says, for each filter, the rule it becomes or every
 * reason it cannot. A filter converts only whole: a server rule that did part of the filter's
 * work would sort mail differently from it.
 */

import type { AccountFilters, FilterTerm, ThunderbirdFilter } from '../../experiments/xexec/filters-api.js';
import { serverFolderName, uriFolderPath, uriServer } from './folder-names.js';
import { MAX_NAME_BYTES, ruleText, type Condition, type RuleDraft, type Test, type TextOp } from './rules.js';

export type NotConvertible =
  /** The filter runs only by hand, or only periodically: a server rule would run at every delivery. */
  | { readonly kind: 'manual-only' }
  | { readonly kind: 'periodic-only' }
  | { readonly kind: 'not-incoming' }
  | { readonly kind: 'match-every-message' }
  | { readonly kind: 'grouped-terms' }
  | { readonly kind: 'mixed-and-or' }
  /** A condition Sieve (or §6.7) cannot express: Thunderbird's attribute and operator. */
  | { readonly kind: 'condition'; readonly attrib: string; readonly op: string }
  | { readonly kind: 'body-unsupported' }
  | { readonly kind: 'tag' }
  | { readonly kind: 'action'; readonly type: string }
  | { readonly kind: 'other-account'; readonly folderUri: string }
  | { readonly kind: 'folder-unknown'; readonly folderUri: string }
  | { readonly kind: 'two-moves' }
  | { readonly kind: 'delete-and-file' }
  | { readonly kind: 'no-action' }
  /** The rule text is refused (a value too long, a control character...): the module's words. */
  | { readonly kind: 'invalid'; readonly message: string };

export type Conversion =
  | { readonly index: number; readonly name: string; readonly convertible: true; readonly rule: RuleDraft }
  | { readonly index: number; readonly name: string; readonly convertible: false; readonly reasons: readonly NotConvertible[] };

const FIELDS: Readonly<Record<string, 'from' | 'to' | 'cc' | 'to-or-cc' | 'subject'>> = {
  Subject: 'subject',
  Sender: 'from',
  To: 'to',
  CC: 'cc',
  ToOrCC: 'to-or-cc',
};

const OPS: Readonly<Record<string, readonly [TextOp, boolean]>> = {
  Contains: ['contains', false],
  DoesntContain: ['contains', true],
  Is: ['is', false],
  Isnt: ['is', true],
  BeginsWith: ['begins', false],
  EndsWith: ['ends', false],
};

/** Sieve's wildcards in a Thunderbird value mean themselves there: `is` and friends never use them (§6.7 ops). */
function convertTerm(term: FilterTerm, abilities: readonly string[]): Test | NotConvertible {
  const refuse: NotConvertible = { kind: 'condition', attrib: term.attrib, op: term.op };
  const field = FIELDS[term.attrib];
  const op = OPS[term.op];
  if (field !== undefined || term.attrib === 'OtherHeader') {
    if (op === undefined || term.value === '') return refuse;
    const condition: Condition = field !== undefined
      ? { kind: 'field', field, op: op[0], value: term.value }
      : { kind: 'header', name: term.header.trim().replace(/:$/, ''), op: op[0], value: term.value };
    return { not: op[1], condition };
  }
  if (term.attrib === 'Body') {
    if (term.op !== 'Contains' && term.op !== 'DoesntContain') return refuse;
    if (!abilities.includes('body')) return { kind: 'body-unsupported' };
    return { not: term.op === 'DoesntContain', condition: { kind: 'body', value: term.value } };
  }
  if (term.attrib === 'Size') {
    // Thunderbird's size terms count KB.
    const kb = Number(term.value);
    if (!Number.isInteger(kb) || kb < 1 || kb > 2097151) return refuse;
    if (term.op === 'IsGreaterThan') return { not: false, condition: { kind: 'size', over: true, bytes: kb * 1024 } };
    if (term.op === 'IsLessThan') return { not: false, condition: { kind: 'size', over: false, bytes: kb * 1024 } };
    return refuse;
  }
  if (term.attrib === 'HasAttachmentStatus' && (term.op === 'Is' || term.op === 'Isnt')) {
    return { not: term.op === 'Isnt', condition: { kind: 'attachment' } };
  }
  return refuse;
}

/** A name the module takes: control characters out, at most MAX_NAME_BYTES of UTF-8. */
function ruleName(name: string, index: number): string {
  let out = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  const encoder = new TextEncoder();
  while (encoder.encode(out).length > MAX_NAME_BYTES) out = [...out].slice(0, -1).join('');
  return out === '' ? `Filter ${index + 1}` : out;
}

function convertOne(filter: ThunderbirdFilter, account: AccountFilters, abilities: readonly string[]): Conversion {
  const reasons: NotConvertible[] = [];
  const types = new Set(filter.types);
  if (!types.has('InboxRule') && !types.has('PostPlugin')) {
    reasons.push(types.has('Periodic') ? { kind: 'periodic-only' } : types.has('Manual') ? { kind: 'manual-only' } : { kind: 'not-incoming' });
  }

  const tests: Test[] = [];
  if (filter.terms.some((term) => term.matchAll) || filter.terms.length === 0) reasons.push({ kind: 'match-every-message' });
  else {
    if (filter.terms.some((term) => term.grouped)) reasons.push({ kind: 'grouped-terms' });
    const joins = new Set(filter.terms.slice(1).map((term) => term.booleanAnd));
    if (joins.size > 1) reasons.push({ kind: 'mixed-and-or' });
    for (const term of filter.terms) {
      const test = convertTerm(term, abilities);
      if ('condition' in test && 'not' in test) tests.push(test);
      else reasons.push(test);
    }
  }
  const match = filter.terms.length > 1 && filter.terms[1]?.booleanAnd === false ? 'any' : 'all';

  let move: string | null = null;
  const copies: string[] = [];
  const forwards: string[] = [];
  let read = false;
  let flag = false;
  let del = false;
  let stop = false;
  const server = uriServer(account.serverUri);
  // Reasons from here on are the actions'.
  const actionsStart = reasons.length;
  for (const action of filter.actions) {
    switch (action.type) {
      case 'MoveToFolder':
      case 'CopyToFolder': {
        const path = uriFolderPath(action.folderUri);
        const name = path === null || account.separator === '' ? null : serverFolderName(path, account.separator);
        if (uriServer(action.folderUri) !== server) reasons.push({ kind: 'other-account', folderUri: action.folderUri });
        else if (name === null) reasons.push({ kind: 'folder-unknown', folderUri: action.folderUri });
        else if (action.type === 'CopyToFolder') copies.push(name);
        else if (move !== null) reasons.push({ kind: 'two-moves' });
        else move = name;
        break;
      }
      case 'MarkRead':
        read = true;
        break;
      case 'MarkFlagged':
        flag = true;
        break;
      case 'Delete':
        del = true;
        break;
      case 'Forward':
        forwards.push(action.value);
        break;
      case 'StopExecution':
        stop = true;
        break;
      case 'AddTag':
      case 'Label':
        reasons.push({ kind: 'tag' });
        break;
      default:
        reasons.push({ kind: 'action', type: action.type });
    }
  }
  if (del && (move !== null || copies.length > 0 || forwards.length > 0)) reasons.push({ kind: 'delete-and-file' });
  const actionRefused = reasons.length > actionsStart;
  if (!del && move === null && copies.length === 0 && forwards.length === 0 && !read && !flag && !actionRefused) {
    reasons.push({ kind: 'no-action' });
  }
  if (reasons.length > 0) return { index: filter.index, name: filter.name, convertible: false, reasons };

  const rule: RuleDraft = {
    name: ruleName(filter.name, filter.index),
    enabled: filter.enabled,
    match,
    tests,
    actions: del ? { kind: 'delete', read, flag } : { kind: 'deliver', move, copies, forwards, read, flag },
    stop,
  };
  const text = ruleText(rule, abilities);
  if (!text.ok) return { index: filter.index, name: filter.name, convertible: false, reasons: [{ kind: 'invalid', message: text.error.message }] };
  return { index: filter.index, name: filter.name, convertible: true, rule };
}

/** Every filter of the account, in its order, with the rule it becomes or why it cannot. */
export function convertFilters(account: AccountFilters, abilities: readonly string[]): Conversion[] {
  return account.filters.map((filter) => convertOne(filter, account, abilities));
}
