/**
 * Failures as people read them: every failure of a command becomes a sentence from _locales
 * (through `i18n.getMessage`), with the server's own text kept inside it and beside it. The
 * input sentences both ends share are in src/messages/errors.ts.
 */

import { userError, type Translate, type UserError } from '../messages/errors.js';
import type { ReplyError } from '../modules/reply.js';
import type { ExecuteResult } from '../protocol/execute-result.js';

type Failure = Extract<ExecuteResult, { ok: false }>;

function serverError(failure: Failure, message: string): UserError {
  return userError('server', message, { code: failure.code, serverMessage: failure.message });
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
  return userError('reply', t('errorReply', [module, error.message]));
}

export function internalError(t: Translate, cause: unknown): UserError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return userError('internal', t('errorInternal', [detail]));
}

export function badRequestError(t: Translate): UserError {
  return userError('internal', t('errorBadRequest'));
}
