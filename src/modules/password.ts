/** `changepassword` (PROTOCOL.md §6.2). */

import { utf8Encode } from '../protocol/bytes.js';
import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { err, ok, type Result } from '../protocol/result.js';
import { checkModule, type ReplyError } from './reply.js';

export const CHANGEPASSWORD = 'changepassword';

const MAX_PASSWORD_BYTES = 1024;

export type PasswordProblem = 'empty' | 'too-short' | 'too-long' | 'control-characters' | 'equals-username';

export interface PasswordInputError {
  readonly kind: PasswordProblem;
  readonly message: string;
}

export interface PasswordOptions {
  readonly module?: string;
  /**
   * The server's minimum is the administrator's choice (8 unless changed), so the client
   * only checks one when policy tells it the value; otherwise the module's refusal says it.
   */
  readonly minLength?: number;
  /** The login name; the module refuses a password equal to it. */
  readonly username?: string;
}

function problem(kind: PasswordProblem, message: string): { ok: false; error: PasswordInputError } {
  return err({ kind, message });
}

/**
 * Checks what the module would refuse anyway, so the user gets the answer before sending.
 * The password is never trimmed: spaces at its ends are part of it.
 */
export function changePasswordRequest(newPassword: string, options: PasswordOptions = {}): Result<XexecRequest, PasswordInputError> {
  if (newPassword === '') return problem('empty', 'The new password is empty');
  if (/[\x00-\x1f\x7f]/.test(newPassword)) {
    return problem('control-characters', 'The new password must not contain control characters');
  }
  if (utf8Encode(newPassword).length > MAX_PASSWORD_BYTES) {
    return problem('too-long', `The new password must not be longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
  if (options.minLength !== undefined && [...newPassword].length < options.minLength) {
    return problem('too-short', `The new password must be at least ${options.minLength} characters long`);
  }
  if (options.username !== undefined && newPassword === options.username) {
    return problem('equals-username', 'The new password must not be your user name');
  }
  return ok({ module: options.module ?? CHANGEPASSWORD, args: [newPassword] });
}

const CONFIRMATION = 'Password changed';

export interface PasswordChanged {
  readonly confirmation: string;
}

/** The tagged OK is what says it worked; the line is checked so a wrong program is noticed. */
export function parseChangePasswordReply(reply: XexecReply, module: string = CHANGEPASSWORD): Result<PasswordChanged, ReplyError> {
  const lines = checkModule(reply, module);
  if (!lines.ok) return lines;
  const found = lines.value.includes(CONFIRMATION);
  if (!found) return err({ kind: 'missing-key', key: CONFIRMATION, message: `The reply does not say "${CONFIRMATION}"` });
  return ok({ confirmation: CONFIRMATION });
}
