import { describe, expect, it } from 'vitest';
import { changePasswordRequest, parseChangePasswordReply } from '../../src/modules/password.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { replyOf } from './replies.js';

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
