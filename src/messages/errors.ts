/**
 * The error half of the page–background contract: `UserError`, made by `userError` only, the
 * typed message keys, and the sentences for input that both ends check (the pages before they
 * send, the background before it runs a module), so both say the same words.
 */

import type { EntryProblem } from '../modules/address.js';
import type { AddressInputError } from '../modules/forwarding.js';
import type { EntryInputError } from '../modules/lists.js';
import type { PasswordInputError } from '../modules/password.js';
import type { SpamInputError } from '../modules/spam.js';
import type { VacationInputError } from '../modules/vacation.js';
import type { CommandError } from '../protocol/command.js';
import type { ExecuteFailureCode } from '../protocol/execute-result.js';

/** The keys of _locales/en/messages.json: a missing key is a compile error. */
export type MessageKey = keyof typeof import('../../_locales/en/messages.json');

/** `browser.i18n.getMessage`, typed. */
export type Translate = (key: MessageKey, substitutions?: readonly string[]) => string;

/**
 * server: the command failed (see `code`); input: the request was refused before anything was
 * sent (also when the administrator's policy turned the panel off); reply: the server's answer
 * is not what the module should say; internal: a bug or an unexpected state of Thunderbird.
 */
export type UserErrorKind = 'server' | 'input' | 'reply' | 'internal';

/** Why a request failed, for the page to show. */
export interface UserError {
  readonly kind: UserErrorKind;
  /** For kind server (and a background the page cannot reach: `disconnected`). */
  readonly code: ExecuteFailureCode | null;
  /** A sentence in the user's language; it contains the server's text where there is one. */
  readonly message: string;
  /** The server's (module's) own text, unchanged, when there is one. */
  readonly serverMessage: string | null;
  /** For kind input: the field at fault ("entries.2", "address", "newPassword", "subject", ...). */
  readonly field: string | null;
}

/** The one way to make a UserError: what is not given is null. */
export function userError(
  kind: UserErrorKind,
  message: string,
  detail: { readonly code?: ExecuteFailureCode; readonly serverMessage?: string; readonly field?: string } = {},
): UserError {
  return { kind, code: detail.code ?? null, message, serverMessage: detail.serverMessage ?? null, field: detail.field ?? null };
}

function inputError(message: string, field: string): UserError {
  return userError('input', message, { field });
}

const ENTRY_PROBLEM_KEYS: Readonly<Record<EntryProblem, MessageKey>> = {
  'empty': 'entryEmpty',
  'too-long': 'entryTooLong',
  'missing-at': 'entryMissingAt',
  'local-part': 'entryLocalPart',
  'domain': 'entryDomain',
};

/** Why `value` is not a list entry or address, in a sentence (for the pages' own checks too). */
export function entryProblemMessage(t: Translate, problem: EntryProblem, value: string): string {
  return t(ENTRY_PROBLEM_KEYS[problem], [value]);
}

export function entryInputError(t: Translate, error: EntryInputError): UserError {
  if (error.kind === 'no-entries') return inputError(t('inputNoEntries'), 'entries');
  return inputError(entryProblemMessage(t, error.problem, error.value), `entries.${error.index}`);
}

export function addressInputError(t: Translate, error: AddressInputError): UserError {
  return inputError(entryProblemMessage(t, error.problem, error.value), 'address');
}

/** `minLength` is what the client checked against, when it knew the server's minimum. */
export function passwordInputError(t: Translate, error: PasswordInputError, minLength?: number): UserError {
  switch (error.kind) {
    case 'empty':
      return inputError(t('passwordEmpty'), 'newPassword');
    case 'too-short':
      return inputError(t('passwordTooShort', [String(minLength ?? '')]), 'newPassword');
    case 'too-long':
      return inputError(t('passwordTooLong'), 'newPassword');
    case 'control-characters':
      return inputError(t('passwordControlCharacters'), 'newPassword');
    case 'equals-username':
      return inputError(t('passwordEqualsUsername'), 'newPassword');
    case 'equals-address':
      return inputError(t('passwordEqualsAddress'), 'newPassword');
    case 'equals-current':
      return inputError(t('passwordEqualsCurrent'), 'newPassword');
    case 'current-empty':
      return inputError(t('passwordCurrentEmpty'), 'currentPassword');
  }
}

export function vacationInputError(t: Translate, error: VacationInputError): UserError {
  if (error.kind === 'nothing-to-set') return inputError(t('vacationNothingToSet'), 'update');
  if (error.kind === 'invalid-entry') return inputError(entryProblemMessage(t, error.problem, error.value), `only.${error.index}`);
  const key = ((): MessageKey => {
    switch (error.problem) {
      case 'control-characters':
        return error.field === 'subject' ? 'vacationSubjectControl' : 'vacationBodyControl';
      case 'too-long':
        return error.field === 'subject' ? 'vacationSubjectTooLong' : error.field === 'only' ? 'vacationOnlyTooLong' : 'vacationBodyTooLong';
      case 'empty':
        return 'vacationBodyEmpty';
      case 'out-of-range':
        return 'vacationDaysRange';
      case 'not-a-date':
        return error.field === 'start' ? 'vacationStartDate' : 'vacationEndDate';
      case 'end-before-start':
        return 'vacationEndBeforeStart';
    }
  })();
  return inputError(t(key), error.field);
}

export function spamInputError(t: Translate, error: SpamInputError): UserError {
  switch (error.kind) {
    case 'invalid-tld':
      return inputError(t('spamTldInvalid', [error.value]), 'tlds');
    case 'invalid-charset':
      return inputError(t('spamCharsetInvalid', [error.value]), 'charsets');
    case 'too-many':
      return inputError(t(error.field === 'tlds' ? 'spamTooManyTlds' : 'spamTooManyCharsets', [String(error.max)]), error.field);
    case 'invalid-level':
      return inputError(t('spamLevelInvalid'), 'level');
    case 'invalid-address':
      return inputError(entryProblemMessage(t, error.problem, error.value), `addresses.${error.index}`);
    case 'contacts-too-long':
      return inputError(t('spamContactsTooMany', [String(error.count)]), 'addresses');
    case 'nothing-to-set':
      return inputError(t('spamNothingToSet'), 'update');
  }
}

/** The raw console: a module name or argument that cannot be sent. */
export function commandInputError(t: Translate, error: CommandError): UserError {
  if (error.kind === 'invalid-module-name') return inputError(t('consoleModuleInvalid', [error.module]), 'module');
  const key = error.kind === 'nul-in-argument' ? 'consoleArgumentNul' : 'consoleArgumentSurrogate';
  return inputError(t(key, [String(error.position)]), `args.${error.position - 1}`);
}
