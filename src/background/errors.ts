/**
 * Failures as people read them: every error the background reports becomes a sentence from
 * _locales (through `i18n.getMessage`), with the server's own text kept inside it and beside it.
 */

import type { EntryProblem } from '../modules/address.js';
import type { AddressInputError } from '../modules/forwarding.js';
import type { EntryInputError } from '../modules/lists.js';
import type { PasswordInputError } from '../modules/password.js';
import type { ReplyError } from '../modules/reply.js';
import type { VacationInputError } from '../modules/vacation.js';
import type { CommandError } from '../protocol/command.js';
import type { ExecuteResult } from '../protocol/execute-result.js';
import type { UserError } from './messages.js';

/** The keys of _locales/en/messages.json: a missing key is a compile error. */
export type MessageKey = keyof typeof import('../../_locales/en/messages.json');

/** `browser.i18n.getMessage`, typed. */
export type Translate = (key: MessageKey, substitutions?: readonly string[]) => string;

type Failure = Extract<ExecuteResult, { ok: false }>;

function serverError(failure: Failure, message: string): UserError {
  return { kind: 'server', code: failure.code, message, serverMessage: failure.message, field: null };
}

/** A failed command to `module`, as readReport gave it. */
export function executeFailureError(t: Translate, failure: Failure, module: string): UserError {
  const text = failure.message;
  const detail = failure.detail === null ? '' : String(failure.detail);
  switch (failure.code) {
    case 'unsupported':
      return serverError(failure, t('errorUnsupported', [text]));
    case 'disconnected':
      return serverError(failure, t('errorDisconnected', [text]));
    case 'timeout':
      return serverError(failure, t('errorTimeout'));
    case 'XEXEC-EXIT':
      return serverError(failure, t('errorModuleExit', [text]));
    case 'XEXEC-SIGNAL':
      return serverError(failure, t('errorModuleSignal', [module, text]));
    case 'XEXEC-UNKNOWN':
      return serverError(failure, t('errorUnknownModule', [module]));
    case 'XEXEC-BADARGS':
      return serverError(failure, t('errorBadArgs', [text]));
    case 'XEXEC-TIMEOUT':
      return serverError(failure, t('errorServerTimeout', [module, detail]));
    case 'XEXEC-LIMIT':
      return serverError(failure, t('errorOutputLimit', [module, detail]));
    case 'XEXEC-UNAVAILABLE':
      return serverError(failure, t('errorUnavailable', [module]));
    case 'XEXEC-BUSY':
      return serverError(failure, t('errorBusy', [module]));
    case 'failed':
      return serverError(failure, t('errorFailed', [text]));
    case 'bad-reply':
      return serverError(failure, t('errorBadReply', [text]));
  }
}

/** The module answered OK, but not in its documented form (PROTOCOL.md §6). */
export function replyError(t: Translate, error: ReplyError, module: string): UserError {
  return { kind: 'reply', code: null, message: t('errorReply', [module, error.message]), serverMessage: null, field: null };
}

export function internalError(t: Translate, cause: unknown): UserError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return { kind: 'internal', code: null, message: t('errorInternal', [detail]), serverMessage: null, field: null };
}

export function badRequestError(t: Translate): UserError {
  return { kind: 'internal', code: null, message: t('errorBadRequest'), serverMessage: null, field: null };
}

function inputError(message: string, field: string): UserError {
  return { kind: 'input', code: null, message, serverMessage: null, field };
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

/** The raw console: a module name or argument that cannot be sent. */
export function commandInputError(t: Translate, error: CommandError): UserError {
  if (error.kind === 'invalid-module-name') return inputError(t('consoleModuleInvalid', [error.module]), 'module');
  const key = error.kind === 'nul-in-argument' ? 'consoleArgumentNul' : 'consoleArgumentSurrogate';
  return inputError(t(key, [String(error.position)]), `args.${error.position - 1}`);
}
