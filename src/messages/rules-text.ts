/**
 * Server rules (PROTOCOL.md §6.7) in the user's language: a rule in one plain sentence
 * ("Mail from anyone at @example.com: move to Clients/Example, mark as read") and the input
 * errors, said alike by the page's own checks and the background's (as errors.ts does).
 */

import { MAX_ACTIONS, MAX_FOLDER_BYTES, MAX_NAME_BYTES, MAX_TESTS, MAX_VALUE_BYTES, type Actions, type Condition, type RuleDraft, type RulesInputError, type TextOp, type Test } from '../modules/rules.js';
import { entryProblemMessage, userError, type MessageKey, type Translate, type UserError } from './errors.js';

const FIELD_LABEL: Readonly<Record<string, MessageKey>> = {
  'from': 'rulesFieldFrom',
  'to': 'rulesFieldTo',
  'cc': 'rulesFieldCc',
  'to-or-cc': 'rulesFieldToOrCc',
  'subject': 'rulesFieldSubject',
  'sender-domain': 'rulesFieldSenderDomain',
  'recipient-domain': 'rulesFieldRecipientDomain',
};

const OP_TEXT: Readonly<Record<TextOp, readonly [MessageKey, MessageKey]>> = {
  contains: ['rulesOpContains', 'rulesOpNotContains'],
  is: ['rulesOpIs', 'rulesOpNotIs'],
  begins: ['rulesOpBegins', 'rulesOpNotBegins'],
  ends: ['rulesOpEnds', 'rulesOpNotEnds'],
  matches: ['rulesOpMatches', 'rulesOpNotMatches'],
};

export function fieldLabel(t: Translate, field: string): string {
  const key = FIELD_LABEL[field];
  return key === undefined ? field : t(key);
}

/** One condition as a phrase. */
export function describeTest(t: Translate, test: Test, formatNumber: (n: number) => string = String): string {
  const c: Condition = test.condition;
  const n = test.not ? 1 : 0;
  switch (c.kind) {
    case 'field':
    case 'domain':
      return t(OP_TEXT[c.op][n], [fieldLabel(t, c.field), c.value]);
    case 'header':
      return t(OP_TEXT[c.op][n], [c.name, c.value]);
    case 'size':
      return t(c.over ? (test.not ? 'rulesSizeNotOver' : 'rulesSizeOver') : test.not ? 'rulesSizeNotUnder' : 'rulesSizeUnder', [formatNumber(c.bytes)]);
    case 'attachment':
      return t(test.not ? 'rulesNoAttachment' : 'rulesAttachment');
    case 'body':
      return t(test.not ? 'rulesBodyNotContains' : 'rulesBodyContains', [c.value]);
  }
}

export function describeActions(t: Translate, actions: Actions): string[] {
  const out: string[] = [];
  if (actions.kind === 'delete') out.push(t('rulesDoDelete'));
  else {
    if (actions.move !== null) out.push(t('rulesDoMove', [actions.move]));
    for (const folder of actions.copies) out.push(t('rulesDoCopy', [folder]));
    for (const address of actions.forwards) out.push(t('rulesDoForward', [address]));
  }
  if (actions.read) out.push(t('rulesDoRead'));
  if (actions.flag) out.push(t('rulesDoFlag'));
  return out;
}

/** The rule in one sentence; a rule that tests only the sender's domain reads as people say it. */
export function summarizeRule(t: Translate, rule: RuleDraft, formatNumber: (n: number) => string = String): string {
  const actions = describeActions(t, rule.actions);
  if (rule.stop) actions.push(t('rulesDoStop'));
  const what = actions.join(', ');
  const only = rule.tests.length === 1 ? rule.tests[0] : undefined;
  if (only !== undefined && !only.not && only.condition.kind === 'domain' && only.condition.field === 'sender-domain' && only.condition.op === 'is') {
    return t('rulesSummaryFromDomain', [only.condition.value.replace(/^@/, ''), what]);
  }
  const joiner = ` ${t(rule.match === 'all' ? 'rulesAnd' : 'rulesOr')} `;
  return t('rulesSummary', [rule.tests.map((test) => describeTest(t, test, formatNumber)).join(joiner), what]);
}

const PROBLEM_KEY: Readonly<Record<string, MessageKey>> = {
  'no-tests': 'rulesNoTests',
  'no-actions': 'rulesNoActions',
  'header-name': 'rulesHeaderName',
  'size-range': 'rulesSizeRange',
  'body-unsupported': 'rulesBodyUnsupported',
};

export function rulesInputError(t: Translate, error: RulesInputError): UserError {
  const input = (message: string, field: string) => userError('input', message, { field });
  if (error.kind === 'invalid-id') return input(t('rulesIdInvalid'), 'id');
  if (error.kind === 'invalid-address') return input(entryProblemMessage(t, error.problem, error.value), error.field);
  const key = PROBLEM_KEY[error.problem];
  if (error.problem === 'too-many-tests') return input(t('rulesTooManyTests', [String(MAX_TESTS)]), error.field);
  if (error.problem === 'too-many-actions') return input(t('rulesTooManyActions', [String(MAX_ACTIONS)]), error.field);
  if (key !== undefined) return input(t(key), error.field);
  const what = error.field === 'name' ? 'name' : error.field.startsWith('actions.') ? 'folder' : 'value';
  const max = what === 'name' ? MAX_NAME_BYTES : what === 'folder' ? MAX_FOLDER_BYTES : MAX_VALUE_BYTES;
  const keys: Readonly<Record<typeof what, readonly [MessageKey, MessageKey, MessageKey]>> = {
    name: ['rulesNameEmpty', 'rulesNameTooLong', 'rulesNameControl'],
    folder: ['rulesFolderEmpty', 'rulesFolderTooLong', 'rulesFolderControl'],
    value: ['rulesValueEmpty', 'rulesValueTooLong', 'rulesValueControl'],
  };
  const [empty, long, control] = keys[what];
  if (error.problem === 'empty') return input(t(empty), error.field);
  if (error.problem === 'too-long') return input(t(long, [String(max)]), error.field);
  return input(t(control), error.field);
}
