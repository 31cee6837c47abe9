/**
 * The alerts panel's input errors (PROTOCOL.md §6.6) in the user's language, for the page's
 * own checks and the background's alike, so both say the same words (as errors.ts does for
 * the other modules).
 */

import { CODE_LENGTH, MAX_SENDERS, MAX_WORD_BYTES, MAX_WORDS, type AlertsInputError } from '../modules/alerts.js';
import { entryProblemMessage, userError, type MessageKey, type Translate, type UserError } from './errors.js';

export function alertsInputError(t: Translate, error: AlertsInputError): UserError {
  const input = (message: string, field: string) => userError('input', message, { field });
  switch (error.kind) {
    case 'nothing-to-set':
      return input(t('alertsNoCondition'), 'conditions');
    case 'invalid-target':
      return input(entryProblemMessage(t, error.problem, error.value), 'target');
    case 'target-domain':
      return input(t('alertsTargetDomainRefused', [error.domains.join(', ')]), 'target');
    case 'invalid-sender':
      return input(entryProblemMessage(t, error.problem, error.value), `${error.field}.${error.index}`);
    case 'contacts-too-long':
      // The same list as spam's, refused for the same reason: the same sentence.
      return input(t('spamContactsTooMany', [String(error.count)]), error.field);
    case 'invalid-field': {
      const [key, subs]: [MessageKey, string[]] = ((): [MessageKey, string[]] => {
        switch (error.problem) {
          case 'too-many':
            return error.field === 'senders' ? ['alertsTooManySenders', [String(MAX_SENDERS)]] : ['alertsTooManyWords', [String(MAX_WORDS)]];
          case 'word-empty':
            return ['alertsWordEmpty', []];
          case 'word-too-long':
            return ['alertsWordTooLong', [error.value.trim(), String(MAX_WORD_BYTES)]];
          case 'word-control':
            return ['alertsWordControl', [error.value.trim()]];
          case 'word-comma':
            return ['alertsWordComma', [error.value.trim()]];
          case 'code-format':
            return ['alertsCodeFormat', [String(CODE_LENGTH)]];
        }
      })();
      return input(t(key, subs), error.field);
    }
  }
}
