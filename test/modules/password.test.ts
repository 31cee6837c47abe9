import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  changePasswordRequest,
  parseChangePasswordReply,
  parsePasswordInfo,
  passwordInfoRequest,
  readPasswordInfo,
  type PasswordProblem,
  type PasswordRequirements,
} from '../../src/modules/password.js';
import { buildCommandText } from '../../src/protocol/command.js';
import type { ExecuteResult } from '../../src/protocol/execute-result.js';
import { replyOf } from './replies.js';

/** test/vectors/password.json: the server's module tests read the same file. */
interface Input { readonly name: string; readonly user: string; readonly address: string; readonly minLength: number; readonly current?: string; readonly new: string; readonly clientOnly?: boolean }
interface Vectors {
  readonly info: readonly { readonly name: string; readonly lines: readonly string[]; readonly expect?: PasswordRequirements; readonly error?: string }[];
  readonly olderServer: { readonly exit: number; readonly stderr: string; readonly expect: PasswordRequirements };
  readonly refused: readonly (Input & { readonly problem: PasswordProblem })[];
  readonly accepted: readonly Input[];
}
const vectors = JSON.parse(fs.readFileSync(new URL('../vectors/password.json', import.meta.url), 'utf8')) as Vectors;

const failure = (code: Extract<ExecuteResult, { ok: false }>['code'], detail: number | null, message: string): ExecuteResult =>
  ({ ok: false, code, detail, message, lines: [] });

describe('changePasswordRequest', () => {
  it('sends the password as one argument, untrimmed', () => {
    expect(changePasswordRequest(' correct horse ')).toEqual({
      ok: true,
      value: { module: 'changepassword', args: [' correct horse '] },
    });
  });

  it('encodes a password Thunderbird could not carry', () => {
    const request = changePasswordRequest('what?>%pass');
    if (!request.ok) throw new Error(request.error.message);
    expect(buildCommandText(request.value)).toEqual({ ok: true, value: 'changepassword ~d2hhdD8-JXBhc3M' });
  });

  it('uses a renamed module', () => {
    expect(changePasswordRequest('long enough', { module: 'passwd' })).toMatchObject({ ok: true, value: { module: 'passwd' } });
  });

  it('refuses what the module refuses', () => {
    expect(changePasswordRequest('')).toMatchObject({ ok: false, error: { kind: 'empty' } });
    expect(changePasswordRequest('tab\there')).toMatchObject({ ok: false, error: { kind: 'control-characters' } });
    expect(changePasswordRequest('nul\0')).toMatchObject({ ok: false, error: { kind: 'control-characters' } });
    expect(changePasswordRequest('del\x7f')).toMatchObject({ ok: false, error: { kind: 'control-characters' } });
    expect(changePasswordRequest('x'.repeat(1024)).ok).toBe(true);
    expect(changePasswordRequest('x'.repeat(1025))).toMatchObject({ ok: false, error: { kind: 'too-long' } });
    expect(changePasswordRequest('ü'.repeat(513))).toMatchObject({ ok: false, error: { kind: 'too-long' } });
    expect(changePasswordRequest('short', { minLength: 8 })).toMatchObject({ ok: false, error: { kind: 'too-short' } });
    expect(changePasswordRequest('📬📬📬📬📬📬📬📬', { minLength: 8 }).ok).toBe(true);
    expect(changePasswordRequest('alice@example.com', { username: 'alice@example.com' })).toMatchObject({
      ok: false,
      error: { kind: 'equals-username' },
    });
  });
});

describe('parseChangePasswordReply', () => {
  it('reads the confirmation', () => {
    expect(parseChangePasswordReply(replyOf('changepassword', ['Password changed']))).toEqual({
      ok: true,
      value: { confirmation: 'Password changed' },
    });
  });

  it('ignores other lines', () => {
    expect(parseChangePasswordReply(replyOf('changepassword', ['note hashed with SHA512-CRYPT', 'Password changed'])).ok).toBe(true);
  });

  it('refuses a reply without the confirmation or from another module', () => {
    expect(parseChangePasswordReply(replyOf('changepassword', []))).toMatchObject({ ok: false, error: { kind: 'missing-key' } });
    expect(parseChangePasswordReply(replyOf('blacklist', ['Password changed']))).toMatchObject({
      ok: false,
      error: { kind: 'wrong-module' },
    });
  });
});

describe('the two-argument form (current, new)', () => {
  it('sends the current password first, both untrimmed', () => {
    expect(changePasswordRequest(' new one here ', { currentPassword: ' old one ' })).toEqual({
      ok: true,
      value: { module: 'changepassword', args: [' old one ', ' new one here '] },
    });
  });

  it('refuses an empty current password, and a new one equal to it', () => {
    expect(changePasswordRequest('new and long', { currentPassword: '' })).toMatchObject({ ok: false, error: { kind: 'current-empty' } });
    expect(changePasswordRequest('same and long', { currentPassword: 'same and long' })).toMatchObject({ ok: false, error: { kind: 'equals-current' } });
    // Passwords are compared exactly: another case is another password.
    expect(changePasswordRequest('Same and long', { currentPassword: 'same and long' }).ok).toBe(true);
  });
});

describe('the user\'s names', () => {
  it('refuses the address and its local part, in any case, but not what merely contains them', () => {
    const address = 'jane.doe@example.com';
    expect(changePasswordRequest('Jane.Doe@Example.com', { address })).toMatchObject({ ok: false, error: { kind: 'equals-address' } });
    expect(changePasswordRequest('JANE.DOE', { address })).toMatchObject({ ok: false, error: { kind: 'equals-address' } });
    expect(changePasswordRequest('jane.doe!', { address }).ok).toBe(true);
    expect(changePasswordRequest('example.com', { address }).ok).toBe(true);
    expect(changePasswordRequest('ALICE', { username: 'alice' })).toMatchObject({ ok: false, error: { kind: 'equals-username' } });
  });

  it('an address without a local part refuses only itself', () => {
    expect(changePasswordRequest('@example.com', { address: '@example.com' })).toMatchObject({ ok: false, error: { kind: 'equals-address' } });
    expect(changePasswordRequest('anything long', { address: '@example.com' }).ok).toBe(true);
  });
});

describe('the vectors (test/vectors/password.json)', () => {
  const options = (v: Input) => ({ username: v.user, address: v.address, minLength: v.minLength, currentPassword: v.current });

  it('refuses each refused input with its problem, before sending', () => {
    expect(vectors.refused.length).toBeGreaterThan(8);
    for (const v of vectors.refused) {
      expect(changePasswordRequest(v.new, options(v)), v.name).toMatchObject({ ok: false, error: { kind: v.problem } });
    }
  });

  it('lets each accepted input through, as one or two arguments', () => {
    for (const v of vectors.accepted) {
      const args = v.current === undefined ? [v.new] : [v.current, v.new];
      expect(changePasswordRequest(v.new, options(v)), v.name).toEqual({ ok: true, value: { module: 'changepassword', args } });
    }
  });

  it('reads each no-argument reply as the vector says', () => {
    for (const v of vectors.info) {
      const parsed = parsePasswordInfo(replyOf('changepassword', v.lines));
      if (v.expect !== undefined) expect(parsed, v.name).toEqual({ ok: true, value: v.expect });
      else expect(parsed, v.name).toMatchObject({ ok: false, error: { kind: v.error } });
    }
  });

  it('an older server\'s answer to the no-argument form', () => {
    const older = vectors.olderServer;
    expect(readPasswordInfo(failure('XEXEC-EXIT', older.exit, older.stderr))).toEqual({ ok: true, value: older.expect });
  });
});

describe('what the module needs (the no-argument form)', () => {
  it('sends no arguments, under a renamed module too', () => {
    expect(passwordInfoRequest()).toEqual({ module: 'changepassword', args: [] });
    expect(buildCommandText(passwordInfoRequest('passwd'))).toEqual({ ok: true, value: 'passwd' });
  });

  it('reads required and optional, with and without a minimum', () => {
    expect(parsePasswordInfo(replyOf('changepassword', ['current-password required', 'min-length 8']))).toEqual({
      ok: true, value: { currentPassword: 'required', minLength: 8 },
    });
    expect(parsePasswordInfo(replyOf('changepassword', ['current-password optional']))).toEqual({ ok: true, value: { currentPassword: 'optional' } });
  });

  it('ignores keys it does not know, also ones that are not UTF-8', () => {
    const reply = replyOf('changepassword', ['policy strict', new Uint8Array([0x78, 0x20, 0xff]), 'current-password optional', 'min-length 1024']);
    expect(parsePasswordInfo(reply)).toEqual({ ok: true, value: { currentPassword: 'optional', minLength: 1024 } });
  });

  it('a reply from another module, or a known key that is not UTF-8, is an error', () => {
    expect(parsePasswordInfo(replyOf('vacation', ['current-password optional']))).toMatchObject({ ok: false, error: { kind: 'wrong-module' } });
    const bad = replyOf('changepassword', [new Uint8Array([...Buffer.from('min-length '), 0xff])]);
    expect(parsePasswordInfo(bad)).toMatchObject({ ok: false, error: { kind: 'not-text' } });
  });

  it('a renamed module\'s reply is read under its name', () => {
    expect(readPasswordInfo({ ok: true, lines: ['current-password required'] }, 'passwd')).toEqual({ ok: true, value: { currentPassword: 'required' } });
  });

  it('an older server (exit 2 "Give the new password") means optional, minimum unknown', () => {
    expect(readPasswordInfo(failure('XEXEC-EXIT', 2, 'Give the new password'))).toEqual({ ok: true, value: { currentPassword: 'optional' } });
    expect(readPasswordInfo(failure('XEXEC-EXIT', 2, 'Give the new password.'))).toEqual({ ok: true, value: { currentPassword: 'optional' } });
  });

  it('every other failure stays one, with what the server said', () => {
    for (const result of [
      failure('XEXEC-EXIT', 2, 'Unknown key in the configuration file: bogus-key (server configuration error)'),
      failure('XEXEC-EXIT', 2, 'Give the new password as one argument'),
      failure('XEXEC-EXIT', 1, 'Give the new password'),
      failure('XEXEC-EXIT', 1, 'The password file could not be found (server configuration error)'),
      failure('XEXEC-UNKNOWN', null, 'No such module'),
      failure('XEXEC-TIMEOUT', 30, 'Timed out'),
      failure('timeout', null, ''),
      failure('disconnected', null, 'The server closed the connection.'),
    ]) {
      expect(readPasswordInfo(result)).toEqual({ ok: false, error: { kind: 'failed', result } });
    }
    expect(readPasswordInfo({ ok: true, lines: ['Password changed'] })).toMatchObject({ ok: false, error: { kind: 'reply', error: { kind: 'missing-key' } } });
  });
});
