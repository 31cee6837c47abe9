/**
 * The rule editor's form (RuleEditor.tsx): flat fields a page can bind, and the two ways
 * between it and a rule (src/modules/rules.ts). Every kind of condition keeps its own fields,
 * so switching a row's kind back and forth loses nothing typed.
 */

import type { Actions, Condition, RuleDraft, Test, TextOp } from '../../src/modules/rules.js';

export const CONDITION_KINDS = ['from', 'to', 'cc', 'to-or-cc', 'subject', 'header', 'sender-domain', 'recipient-domain', 'size', 'attachment', 'body'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export interface ConditionForm {
  /** A stable key for the row. */
  readonly key: number;
  readonly not: boolean;
  readonly kind: ConditionKind;
  readonly op: TextOp;
  readonly header: string;
  readonly value: string;
  readonly over: boolean;
  readonly bytes: string;
}

export interface RuleForm {
  readonly name: string;
  readonly enabled: boolean;
  readonly match: 'all' | 'any';
  readonly conditions: readonly ConditionForm[];
  readonly move: string | null;
  readonly copies: readonly string[];
  readonly forwards: readonly string[];
  readonly read: boolean;
  readonly flag: boolean;
  readonly del: boolean;
  readonly stop: boolean;
}

let nextKey = 1;

export function emptyCondition(kind: ConditionKind = 'from'): ConditionForm {
  return { key: nextKey++, not: false, kind, op: 'contains', header: '', value: '', over: true, bytes: '' };
}

export function emptyForm(): RuleForm {
  return { name: '', enabled: true, match: 'all', conditions: [emptyCondition()], move: null, copies: [], forwards: [], read: false, flag: false, del: false, stop: false };
}

function conditionForm(test: Test): ConditionForm {
  const base = emptyCondition();
  const c = test.condition;
  switch (c.kind) {
    case 'field':
      return { ...base, not: test.not, kind: c.field, op: c.op, value: c.value };
    case 'domain':
      return { ...base, not: test.not, kind: c.field, op: c.op, value: c.value };
    case 'header':
      return { ...base, not: test.not, kind: 'header', header: c.name, op: c.op, value: c.value };
    case 'size':
      return { ...base, not: test.not, kind: 'size', over: c.over, bytes: String(c.bytes) };
    case 'attachment':
      return { ...base, not: test.not, kind: 'attachment' };
    case 'body':
      return { ...base, not: test.not, kind: 'body', value: c.value };
  }
}

export function formOf(rule: RuleDraft): RuleForm {
  const a = rule.actions;
  return {
    name: rule.name,
    enabled: rule.enabled,
    match: rule.match,
    conditions: rule.tests.map(conditionForm),
    move: a.kind === 'deliver' ? a.move : null,
    copies: a.kind === 'deliver' ? a.copies : [],
    forwards: a.kind === 'deliver' ? a.forwards : [],
    read: a.read,
    flag: a.flag,
    del: a.kind === 'delete',
    stop: rule.stop,
  };
}

function condition(f: ConditionForm): Condition {
  switch (f.kind) {
    case 'header':
      return { kind: 'header', name: f.header.trim(), op: f.op, value: f.value };
    case 'sender-domain':
    case 'recipient-domain':
      return { kind: 'domain', field: f.kind, op: f.op, value: f.value.trim() };
    case 'size':
      // Not a number: 0, which the rule's check refuses with its own words.
      return { kind: 'size', over: f.over, bytes: /^\d+$/.test(f.bytes.trim()) ? Number(f.bytes.trim()) : 0 };
    case 'attachment':
      return { kind: 'attachment' };
    case 'body':
      return { kind: 'body', value: f.value };
    default:
      return { kind: 'field', field: f.kind, op: f.op, value: f.value };
  }
}

export function draftOf(form: RuleForm): RuleDraft {
  const actions: Actions = form.del
    ? { kind: 'delete', read: form.read, flag: form.flag }
    : { kind: 'deliver', move: form.move, copies: form.copies, forwards: form.forwards.map((a) => a.trim()), read: form.read, flag: form.flag };
  return {
    name: form.name.trim(),
    enabled: form.enabled,
    match: form.match,
    tests: form.conditions.map((c) => ({ not: c.not, condition: condition(c) })),
    actions,
    stop: form.stop,
  };
}
