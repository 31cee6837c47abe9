/**
 * `rules` (PROTOCOL.md §6.7, issue 12): server rules that sort mail at delivery. The types keep
 * what §6.7 refuses out of reach where they can (a body test without text, a size without a
 * comparison, delete together with move, two moves); what only a count or a byte length can
 * say is checked by `ruleInputProblem` before anything is sent, as the module checks it.
 */

import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { err, ok, type Result } from '../protocol/result.js';
import { normalizeAddress, type EntryProblem } from './address.js';
import { badValue, checkModule, type KeyValue, type ReplyError } from './reply.js';

export const RULES = 'rules';

export const TEXT_OPS = ['contains', 'is', 'begins', 'ends', 'matches'] as const;
export type TextOp = (typeof TEXT_OPS)[number];
export const HEADER_FIELDS = ['from', 'to', 'cc', 'to-or-cc', 'subject'] as const;
export type HeaderField = (typeof HEADER_FIELDS)[number];
export const DOMAIN_FIELDS = ['sender-domain', 'recipient-domain'] as const;
export type DomainField = (typeof DOMAIN_FIELDS)[number];

export type Condition =
  | { readonly kind: 'field'; readonly field: HeaderField; readonly op: TextOp; readonly value: string }
  | { readonly kind: 'header'; readonly name: string; readonly op: TextOp; readonly value: string }
  | { readonly kind: 'domain'; readonly field: DomainField; readonly op: TextOp; readonly value: string }
  | { readonly kind: 'size'; readonly over: boolean; readonly bytes: number }
  | { readonly kind: 'attachment' }
  | { readonly kind: 'body'; readonly value: string };

/** One `if` line: a condition, maybe negated. */
export interface Test {
  readonly not: boolean;
  readonly condition: Condition;
}

/**
 * What a rule does. A deleted message is not filed nor forwarded (§6.7), so `delete` has no
 * folders or addresses; `move` is one folder or none.
 */
export type Actions =
  | { readonly kind: 'delete'; readonly read: boolean; readonly flag: boolean }
  | {
      readonly kind: 'deliver';
      readonly move: string | null;
      readonly copies: readonly string[];
      readonly forwards: readonly string[];
      readonly read: boolean;
      readonly flag: boolean;
    };

export interface RuleDraft {
  readonly name: string;
  readonly enabled: boolean;
  readonly match: 'all' | 'any';
  readonly tests: readonly Test[];
  readonly actions: Actions;
  readonly stop: boolean;
}

export interface Rule extends RuleDraft {
  readonly id: number;
}

export interface RulesState {
  /** What the server can do beyond the base (`body`). */
  readonly abilities: readonly string[];
  /** The administrator's maximum number of rules; null: the server names none. */
  readonly maxRules: number | null;
  readonly rules: readonly Rule[];
  /** The id `add` gave, when the reply was to an add. */
  readonly added: number | null;
}

export const MAX_NAME_BYTES = 100;
export const MAX_VALUE_BYTES = 1000;
export const MAX_FOLDER_BYTES = 255;
export const MAX_HEADER_NAME = 76;
export const MAX_TESTS = 20;
export const MAX_ACTIONS = 10;
export const MAX_SIZE = 2147483647;

export type RuleField = 'name' | `tests.${number}` | 'tests' | `actions.${'move' | 'copies' | 'forwards'}.${number}` | 'actions';

export type RuleProblem =
  | 'empty'
  | 'too-long'
  | 'control-characters'
  | 'header-name'
  | 'size-range'
  | 'no-tests'
  | 'too-many-tests'
  | 'no-actions'
  | 'too-many-actions'
  | 'body-unsupported';

export type RulesInputError =
  | { readonly kind: 'invalid-rule'; readonly field: RuleField; readonly problem: RuleProblem; readonly message: string }
  | { readonly kind: 'invalid-address'; readonly field: RuleField; readonly value: string; readonly problem: EntryProblem; readonly message: string }
  | { readonly kind: 'invalid-id'; readonly message: string };

const encoder = new TextEncoder();
const byteLength = (text: string) => encoder.encode(text).length;
// C0, DEL and C1: none may reach the module's line-based rule text (§6.7).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

function textProblem(text: string, max: number): RuleProblem | null {
  if (text === '') return 'empty';
  if (CONTROL.test(text)) return 'control-characters';
  if (byteLength(text) > max) return 'too-long';
  return null;
}

function problem(field: RuleField, kind: RuleProblem, what: string): RulesInputError {
  return { kind: 'invalid-rule', field, problem: kind, message: `${field}: ${what} (${kind})` };
}

/** How many `do` lines a rule's actions are. */
export function actionCount(actions: Actions): number {
  const flags = (actions.read ? 1 : 0) + (actions.flag ? 1 : 0);
  if (actions.kind === 'delete') return 1 + flags;
  return (actions.move === null ? 0 : 1) + actions.copies.length + actions.forwards.length + flags;
}

function conditionLine(c: Condition): string {
  switch (c.kind) {
    case 'field':
    case 'domain':
      return `${c.field} ${c.op} ${c.value}`;
    case 'header':
      return `header ${c.name} ${c.op} ${c.value}`;
    case 'size':
      return `size ${c.over ? 'over' : 'under'} ${c.bytes}`;
    case 'attachment':
      return 'attachment';
    case 'body':
      return `body contains ${c.value}`;
  }
}

function actionLines(a: Actions): string[] {
  const lines: string[] = [];
  if (a.kind === 'delete') lines.push('delete');
  else {
    if (a.move !== null) lines.push(`move ${a.move}`);
    for (const folder of a.copies) lines.push(`copy ${folder}`);
    for (const address of a.forwards) lines.push(`forward ${address}`);
  }
  if (a.read) lines.push('read');
  if (a.flag) lines.push('flag');
  return lines;
}

/**
 * The rule as §6.7's one argument, every value checked as the module checks it; forward
 * addresses normalised as forwardmail's. `abilities`: what the server said it can do.
 */
export function ruleText(rule: RuleDraft, abilities: readonly string[] = ['body']): Result<string, RulesInputError> {
  // Kept as given (the module keeps spaces too), so a listed rule goes back unchanged.
  const name = rule.name;
  const nameProblem = name.trim() === '' ? 'empty' : textProblem(name, MAX_NAME_BYTES);
  if (nameProblem !== null) return err(problem('name', nameProblem, 'the name'));
  if (rule.tests.length === 0) return err(problem('tests', 'no-tests', 'a rule needs a condition'));
  if (rule.tests.length > MAX_TESTS) return err(problem('tests', 'too-many-tests', `at most ${MAX_TESTS} conditions`));
  const lines = [`name ${name}`, `enabled ${rule.enabled ? 'yes' : 'no'}`, `match ${rule.match}`];
  for (const [i, test] of rule.tests.entries()) {
    const c = test.condition;
    const field: RuleField = `tests.${i}`;
    if (c.kind === 'header' && (c.name.length > MAX_HEADER_NAME || !HEADER_NAME.test(c.name))) return err(problem(field, 'header-name', 'a header name'));
    if (c.kind === 'size' && (!Number.isInteger(c.bytes) || c.bytes < 1 || c.bytes > MAX_SIZE)) return err(problem(field, 'size-range', 'a size'));
    if (c.kind === 'body' && !abilities.includes('body')) return err(problem(field, 'body-unsupported', 'the server cannot test the body'));
    if (c.kind === 'field' || c.kind === 'header' || c.kind === 'domain' || c.kind === 'body') {
      const p = textProblem(c.value, MAX_VALUE_BYTES);
      if (p !== null) return err(problem(field, p, 'the value'));
    }
    lines.push(`if ${test.not ? 'not ' : ''}${conditionLine(c)}`);
  }
  let actions = rule.actions;
  if (actions.kind === 'deliver') {
    const folders = [...(actions.move === null ? [] : [['move', 0, actions.move] as const]), ...actions.copies.map((f, i) => ['copies', i, f] as const)];
    for (const [kind, i, folder] of folders) {
      const p = textProblem(folder, MAX_FOLDER_BYTES);
      if (p !== null) return err(problem(`actions.${kind}.${i}`, p, 'the folder'));
    }
    const forwards: string[] = [];
    for (const [i, raw] of actions.forwards.entries()) {
      const address = normalizeAddress(raw);
      if (!address.ok) {
        return err({ kind: 'invalid-address', field: `actions.forwards.${i}`, value: raw, problem: address.error, message: `${JSON.stringify(raw)} is not a valid e-mail address` });
      }
      forwards.push(address.value);
    }
    actions = { ...actions, forwards };
  }
  const count = actionCount(actions);
  if (count === 0) return err(problem('actions', 'no-actions', 'a rule needs an action'));
  if (count > MAX_ACTIONS) return err(problem('actions', 'too-many-actions', `at most ${MAX_ACTIONS} actions`));
  for (const line of actionLines(actions)) lines.push(`do ${line}`);
  lines.push(`stop ${rule.stop ? 'yes' : 'no'}`);
  return ok(lines.join('\n'));
}

function idArg(id: number): Result<string, RulesInputError> {
  return Number.isSafeInteger(id) && id > 0 ? ok(String(id)) : err({ kind: 'invalid-id', message: `${id} is not a rule id` });
}

export function rulesListRequest(module: string = RULES): XexecRequest {
  return { module, args: ['list'] };
}

export function rulesAddRequest(rule: RuleDraft, abilities?: readonly string[], module: string = RULES): Result<XexecRequest, RulesInputError> {
  const text = ruleText(rule, abilities);
  return text.ok ? ok({ module, args: ['add', text.value] }) : text;
}

export function rulesCheckRequest(rule: RuleDraft, abilities?: readonly string[], module: string = RULES): Result<XexecRequest, RulesInputError> {
  const text = ruleText(rule, abilities);
  return text.ok ? ok({ module, args: ['check', text.value] }) : text;
}

export function rulesReplaceRequest(id: number, rule: RuleDraft, abilities?: readonly string[], module: string = RULES): Result<XexecRequest, RulesInputError> {
  const arg = idArg(id);
  if (!arg.ok) return arg;
  const text = ruleText(rule, abilities);
  return text.ok ? ok({ module, args: ['replace', arg.value, text.value] }) : text;
}

export type RuleCommand = 'delete' | 'enable' | 'disable';

export function rulesIdRequest(command: RuleCommand, id: number, module: string = RULES): Result<XexecRequest, RulesInputError> {
  const arg = idArg(id);
  return arg.ok ? ok({ module, args: [command, arg.value] }) : arg;
}

/** `to`: up, down or a position (1 is the first rule). */
export function rulesMoveRequest(id: number, to: 'up' | 'down' | number, module: string = RULES): Result<XexecRequest, RulesInputError> {
  const arg = idArg(id);
  if (!arg.ok) return arg;
  if (typeof to === 'number' && !(Number.isSafeInteger(to) && to > 0)) return err({ kind: 'invalid-id', message: `${to} is not a position` });
  return ok({ module, args: ['move', arg.value, String(to)] });
}

const isOp = (s: string): s is TextOp => (TEXT_OPS as readonly string[]).includes(s);

/** One condition as a `list` line has it after `if [not] `; null: not one §6.7 knows. */
export function parseCondition(text: string): Condition | null {
  const [first = '', second = '', ...rest] = text.split(' ');
  const value = rest.join(' ');
  if ((HEADER_FIELDS as readonly string[]).includes(first) && isOp(second) && value !== '') {
    return { kind: 'field', field: first as HeaderField, op: second, value };
  }
  if ((DOMAIN_FIELDS as readonly string[]).includes(first) && isOp(second) && value !== '') {
    return { kind: 'domain', field: first as DomainField, op: second, value };
  }
  if (first === 'header') {
    const [op = '', ...words] = rest;
    const headerValue = words.join(' ');
    return HEADER_NAME.test(second) && isOp(op) && headerValue !== '' ? { kind: 'header', name: second, op, value: headerValue } : null;
  }
  if (first === 'size' && (second === 'over' || second === 'under') && /^[1-9]\d{0,9}$/.test(value) && Number(value) <= MAX_SIZE) {
    return { kind: 'size', over: second === 'over', bytes: Number(value) };
  }
  if (text === 'attachment') return { kind: 'attachment' };
  if (first === 'body' && second === 'contains' && value !== '') return { kind: 'body', value };
  return null;
}

interface Building {
  id: number;
  name: string | null;
  enabled: boolean;
  match: 'all' | 'any';
  tests: Test[];
  move: string | null;
  copies: string[];
  forwards: string[];
  read: boolean;
  flag: boolean;
  del: boolean;
  stop: boolean;
  line: number;
}

function finish(b: Building): Result<Rule, ReplyError> {
  const at: KeyValue = { key: 'rule', value: String(b.id), line: b.line };
  if (b.name === null) return badValue(at, 'has no name');
  if (b.tests.length === 0) return badValue(at, 'has no condition');
  if (b.del && (b.move !== null || b.copies.length > 0 || b.forwards.length > 0)) return badValue(at, 'deletes and files or forwards');
  const actions: Actions = b.del
    ? { kind: 'delete', read: b.read, flag: b.flag }
    : { kind: 'deliver', move: b.move, copies: b.copies, forwards: b.forwards, read: b.read, flag: b.flag };
  if (actionCount(actions) === 0) return badValue(at, 'has no action');
  return ok({ id: b.id, name: b.name, enabled: b.enabled, match: b.match, tests: b.tests, actions, stop: b.stop });
}

/**
 * The reply to list and to every change (an add's begins with `added <id>`). Lines outside a
 * rule whose key is unknown are skipped, so the module can grow; inside a rule an unknown line
 * is an error, since giving the rule back to `replace` would lose it.
 */
export function parseRulesState(reply: XexecReply, module: string = RULES): Result<RulesState, ReplyError> {
  const lines = checkModule(reply, module);
  if (!lines.ok) return lines;
  const abilities: string[] = [];
  const rules: Rule[] = [];
  const ids = new Set<number>();
  let maxRules: number | null = null;
  let added: number | null = null;
  let current: Building | null = null;
  for (const [i, line] of lines.value.entries()) {
    if (typeof line !== 'string') return err({ kind: 'not-text', line: i, message: `Line ${i + 1} is not valid UTF-8` });
    if (line === '') continue;
    const space = line.indexOf(' ');
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space + 1);
    const pair: KeyValue = { key, value, line: i };
    if (key === 'rule') {
      if (current !== null) {
        const done = finish(current);
        if (!done.ok) return done;
        rules.push(done.value);
      }
      if (!/^[1-9]\d{0,15}$/.test(value) || ids.has(Number(value))) return badValue(pair, 'is not a new rule id');
      ids.add(Number(value));
      current = { id: Number(value), name: null, enabled: true, match: 'all', tests: [], move: null, copies: [], forwards: [], read: false, flag: false, del: false, stop: false, line: i };
      continue;
    }
    if (current === null) {
      if (key === 'ability' && value !== '') abilities.push(value);
      else if (key === 'limit' && value.startsWith('rules ')) {
        const n = value.slice(6);
        if (!/^\d{1,9}$/.test(n)) return badValue(pair, 'is not a number of rules');
        maxRules = Number(n);
      } else if (key === 'added') {
        if (!/^[1-9]\d{0,15}$/.test(value)) return badValue(pair, 'is not a rule id');
        added = Number(value);
      }
      continue;
    }
    const b: Building = current;
    switch (key) {
      case 'name':
        if (value === '') return badValue(pair, 'is empty');
        b.name = value;
        break;
      case 'enabled':
      case 'stop':
        if (value !== 'yes' && value !== 'no') return badValue(pair, 'is not yes or no');
        if (key === 'enabled') b.enabled = value === 'yes';
        else b.stop = value === 'yes';
        break;
      case 'match':
        if (value !== 'all' && value !== 'any') return badValue(pair, 'is not all or any');
        b.match = value;
        break;
      case 'if': {
        const not = value.startsWith('not ');
        const condition = parseCondition(not ? value.slice(4) : value);
        if (condition === null) return badValue(pair, 'is not a condition');
        b.tests.push({ not, condition });
        break;
      }
      case 'do': {
        const [verb = '', ...words] = value.split(' ');
        const arg = words.join(' ');
        if (verb === 'move' && arg !== '' && b.move === null) b.move = arg;
        else if (verb === 'copy' && arg !== '') b.copies.push(arg);
        else if (verb === 'forward' && arg !== '') b.forwards.push(arg);
        else if (value === 'read') b.read = true;
        else if (value === 'flag') b.flag = true;
        else if (value === 'delete') b.del = true;
        else return badValue(pair, 'is not an action');
        break;
      }
      default:
        return badValue(pair, 'is not a line of a rule');
    }
  }
  if (current !== null) {
    const done = finish(current);
    if (!done.ok) return done;
    rules.push(done.value);
  }
  return ok({ abilities, maxRules, rules, added });
}

/** A stored rule as the editor starts from it (the id left out). */
export function draftOf(rule: Rule): RuleDraft {
  const { id: _id, ...draft } = rule;
  return draft;
}

/** `check`: the module answers `ok` when the rule compiles with the stored ones. */
export function parseRulesCheck(reply: XexecReply, module: string = RULES): Result<true, ReplyError> {
  const lines = checkModule(reply, module);
  if (!lines.ok) return lines;
  const text = lines.value.filter((line) => line !== '');
  if (text.length === 1 && text[0] === 'ok') return ok(true);
  return err({ kind: 'missing-key', key: 'ok', message: 'The reply to check is not "ok"' });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

function isCondition(v: unknown): v is Condition {
  if (!isObject(v)) return false;
  const textual = isString(v.value) && isString(v.op) && (TEXT_OPS as readonly string[]).includes(v.op);
  switch (v.kind) {
    case 'field':
      return textual && (HEADER_FIELDS as readonly unknown[]).includes(v.field);
    case 'domain':
      return textual && (DOMAIN_FIELDS as readonly unknown[]).includes(v.field);
    case 'header':
      return textual && isString(v.name);
    case 'size':
      return isBool(v.over) && typeof v.bytes === 'number';
    case 'attachment':
      return true;
    case 'body':
      return isString(v.value);
    default:
      return false;
  }
}

/** Whether a value (from a page's message) has a rule's shape; its values are checked by ruleText. */
export function isRuleDraft(v: unknown): v is RuleDraft {
  if (!isObject(v) || !isString(v.name) || !isBool(v.enabled) || (v.match !== 'all' && v.match !== 'any') || !isBool(v.stop)) return false;
  if (!Array.isArray(v.tests) || !v.tests.every((test: unknown) => isObject(test) && isBool(test.not) && isCondition(test.condition))) return false;
  const a = v.actions;
  if (!isObject(a) || !isBool(a.read) || !isBool(a.flag)) return false;
  if (a.kind === 'delete') return true;
  const strings = (x: unknown) => Array.isArray(x) && x.every(isString);
  return a.kind === 'deliver' && (a.move === null || isString(a.move)) && strings(a.copies) && strings(a.forwards);
}
