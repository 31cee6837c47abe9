/** `changepassword` (PROTOCOL.md §6.2). */

import { utf8Encode } from '../protocol/bytes.js';
import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import type { ExecuteResult } from '../protocol/execute-result.js';
import { err, ok, type Result } from '../protocol/result.js';
import { badValue, checkModule, missingKey, readState, type ReplyError } from './reply.js';

export const CHANGEPASSWORD = 'changepassword';

const MAX_PASSWORD_BYTES = 1024;

export type PasswordProblem =
  | 'empty'
  | 'too-short'
  | 'too-long'
  | 'control-characters'
  | 'equals-username'
  | 'equals-address'
  | 'equals-current'
  | 'current-empty';

export interface PasswordInputError {
  readonly kind: PasswordProblem;
  readonly message: string;
}

export interface PasswordOptions {
  readonly module?: string;
  /**
   * The server's minimum is the administrator's choice (8 unless changed), so the client
   * only checks one when the server (passwordInfo) or policy tells it the value; otherwise
   * the module's refusal says it.
   */
  readonly minLength?: number;
  /** The login name; the module refuses a password equal to it. */
  readonly username?: string;
  /** The account's address; the module refuses it and its local part as a password. */
  readonly address?: string;
  /** Given: the two-argument form (current, new), which a server that needs it requires. */
  readonly currentPassword?: string;
}

function problem(kind: PasswordProblem, message: string): { ok: false; error: PasswordInputError } {
  return err({ kind, message });
}

/**
 * The module compares names without regard to case (changepassword.sh lower-cases both), so
 * `Alice` for the user alice is refused there: refusing it here saves a round trip.
 */
function sameName(password: string, name: string | undefined): boolean {
  return name !== undefined && name !== '' && password.toLowerCase() === name.toLowerCase();
}

/**
 * Checks what the module would refuse anyway, so the user gets the answer before sending.
 * The password is never trimmed: spaces at its ends are part of it.
 */
export function changePasswordRequest(newPassword: string, options: PasswordOptions = {}): Result<XexecRequest, PasswordInputError> {
  const current = options.currentPassword;
  if (current === '') return problem('current-empty', 'The current password is empty');
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
  if (sameName(newPassword, options.username)) {
    return problem('equals-username', 'The new password must not be your user name');
  }
  const address = options.address;
  if (address !== undefined && (sameName(newPassword, address) || sameName(newPassword, localPart(address)))) {
    return problem('equals-address', 'The new password must not be your address or the part before the @');
  }
  if (current !== undefined && newPassword === current) {
    return problem('equals-current', 'The new password must differ from the current one');
  }
  const module = options.module ?? CHANGEPASSWORD;
  return ok({ module, args: current === undefined ? [newPassword] : [current, newPassword] });
}

/** The part before the last @ (a quoted local part may hold an @ of its own). */
function localPart(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(0, at) : undefined;
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

/** What the server wants before the user is asked (the no-argument form). */
export interface PasswordRequirements {
  /** `required`: only the two-argument form is accepted; `optional`: both forms work. */
  readonly currentPassword: 'required' | 'optional';
  /** The administrator's minimum in characters; absent when the server does not say. */
  readonly minLength?: number;
}

/** What an older server's answer means (PROTOCOL.md §6.2): no current password, minimum unknown. */
export const OLDER_SERVER_REQUIREMENTS: PasswordRequirements = { currentPassword: 'optional' };

/** The no-argument form: it changes nothing and prints what the module needs. */
export function passwordInfoRequest(module: string = CHANGEPASSWORD): XexecRequest {
  return { module, args: [] };
}

const INFO_KEYS: ReadonlySet<string> = new Set(['current-password', 'min-length']);
/** Far above what a module could accept (1024 bytes hold at most 1024 characters). */
const MAX_MIN_LENGTH = 1024;

/** The reply of the no-argument form; keys it does not know are skipped (PROTOCOL.md §6). */
export function parsePasswordInfo(reply: XexecReply, module: string = CHANGEPASSWORD): Result<PasswordRequirements, ReplyError> {
  const state = readState(reply, module, INFO_KEYS, INFO_KEYS);
  if (!state.ok) return state;
  const { values } = state.value;

  const current = values.get('current-password');
  if (current === undefined) return missingKey('current-password');
  if (current.value !== 'required' && current.value !== 'optional') return badValue(current, 'is not required or optional');

  const min = values.get('min-length');
  if (min === undefined) return ok({ currentPassword: current.value });
  if (!/^[1-9][0-9]{0,3}$/.test(min.value) || Number(min.value) > MAX_MIN_LENGTH) {
    return badValue(min, `is not a number from 1 to ${MAX_MIN_LENGTH}`);
  }
  return ok({ currentPassword: current.value, minLength: Number(min.value) });
}

export type PasswordInfoError =
  | { readonly kind: 'failed'; readonly result: Extract<ExecuteResult, { ok: false }> }
  | { readonly kind: 'reply'; readonly error: ReplyError };

/** An older module's refusal of a call without the new password (PROTOCOL.md §6.2). */
const OLDER_SERVER_REFUSAL = /^Give the new password\.?$/;

/**
 * The no-argument form's outcome. A module older than that form knows only the one-argument
 * one and refuses a bare call as bad input (exit 2, "Give the new password"): that is an
 * answer, not a failure. Any other failure stays one, exit 2 with another sentence too: a
 * current module says so for a configuration error, which the user should see before typing.
 */
export function readPasswordInfo(result: ExecuteResult, module: string = CHANGEPASSWORD): Result<PasswordRequirements, PasswordInfoError> {
  if (!result.ok) {
    const older = result.code === 'XEXEC-EXIT' && result.detail === 2 && OLDER_SERVER_REFUSAL.test(result.message.trim());
    return older ? ok(OLDER_SERVER_REQUIREMENTS) : err({ kind: 'failed', result });
  }
  const parsed = parsePasswordInfo({ module, lines: result.lines }, module);
  return parsed.ok ? parsed : err({ kind: 'reply', error: parsed.error });
}
