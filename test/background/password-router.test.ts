// The background's password requests (PROTOCOL.md §6.2): password.info asks the module what it
// needs (an older module's refusal of the bare form is an answer), password.change sends the
// two-argument form when the page gives the current password.
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../src/background/router.js';
import type { PolicySource } from '../../src/background/policy.js';
import { DEFAULT_POLICY } from '../../src/messages/policy.js';
import { failed, fakeXexec, okLines, translate, UPDATED, type Script } from './fakes.js';

const ACCOUNT = 'account1';

function setup(script: Script, modules: { changepassword?: string } = {}, hidden: 'changepassword'[] = []) {
  const xexec = fakeXexec(script);
  const policy: PolicySource = async () => ({
    ...DEFAULT_POLICY, modules: { ...DEFAULT_POLICY.modules, ...modules }, hiddenPanels: [...DEFAULT_POLICY.hiddenPanels, ...hidden],
  });
  return { xexec, router: createRouter({ xexec: xexec.typed, translate, policy }) };
}

describe('password.info', () => {
  it('runs the module without arguments and answers what it needs', async () => {
    const { router, xexec } = setup(() => okLines('current-password required', 'min-length 10', 'driver ldap'));
    expect(await router.handle({ type: 'password.info', accountId: ACCOUNT })).toEqual({ ok: true, value: { currentPassword: 'required', minLength: 10 } });
    expect(xexec.execute.mock.calls).toEqual([[ACCOUNT, 'changepassword', []]]);
  });

  it('under the name the policy gives the module', async () => {
    const { router, xexec } = setup(() => okLines('current-password optional'), { changepassword: 'passwd' });
    expect(await router.handle({ type: 'password.info', accountId: ACCOUNT })).toEqual({ ok: true, value: { currentPassword: 'optional' } });
    expect(xexec.execute.mock.calls).toEqual([[ACCOUNT, 'passwd', []]]);
  });

  it('an older module (exit 2 "Give the new password"): optional, minimum unknown', async () => {
    const { router } = setup(() => failed('XEXEC-EXIT', 'Give the new password', 2));
    expect(await router.handle({ type: 'password.info', accountId: ACCOUNT })).toEqual({ ok: true, value: { currentPassword: 'optional' } });
  });

  it('other failures are errors in words', async () => {
    const timeout = setup(() => failed('timeout', ''));
    expect(await timeout.router.handle({ type: 'password.info', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'server', code: 'timeout' } });
    const broken = setup(() => failed('XEXEC-EXIT', 'Unknown key in the configuration file: bogus-key (server configuration error)', 2));
    expect(await broken.router.handle({ type: 'password.info', accountId: ACCOUNT })).toMatchObject({
      ok: false, error: { code: 'XEXEC-EXIT', message: 'The server refused: Unknown key in the configuration file: bogus-key (server configuration error)' },
    });
    const wrong = setup(() => okLines('Password changed'));
    expect(await wrong.router.handle({ type: 'password.info', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'reply' } });
  });

  it('nothing is sent when the policy hides the panel', async () => {
    const { router, xexec } = setup(() => okLines('current-password optional'), {}, ['changepassword']);
    expect(await router.handle({ type: 'password.info', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'input' } });
    expect(xexec.execute).not.toHaveBeenCalled();
  });
});

describe('password.change with the current password', () => {
  it('sends current then new, and updates Thunderbird\'s copies with the new one', async () => {
    const { router, xexec } = setup(() => okLines('Password changed'));
    const r = await router.handle({ type: 'password.change', accountId: ACCOUNT, currentPassword: 'old secret', newPassword: 'new secret' });
    expect(r).toEqual({ ok: true, value: { updated: UPDATED, updateError: null } });
    expect(xexec.execute).toHaveBeenCalledWith(ACCOUNT, 'changepassword', ['old secret', 'new secret']);
    expect(xexec.updateSavedPassword).toHaveBeenCalledWith(ACCOUNT, 'new secret');
  });

  it('a wrong current password: the server\'s sentence, Thunderbird\'s copy left alone', async () => {
    const { router, xexec } = setup(() => failed('XEXEC-EXIT', 'The current password is wrong', 2));
    const r = await router.handle({ type: 'password.change', accountId: ACCOUNT, currentPassword: 'wrong one', newPassword: 'new secret' });
    expect(r).toMatchObject({ ok: false, error: { code: 'XEXEC-EXIT', serverMessage: 'The current password is wrong' } });
    expect(xexec.updateSavedPassword).not.toHaveBeenCalled();
  });

  it('refuses before sending: an empty current one, a new one equal to it', async () => {
    const { router, xexec } = setup(() => okLines('Password changed'));
    expect(await router.handle({ type: 'password.change', accountId: ACCOUNT, currentPassword: '', newPassword: 'new secret' })).toMatchObject({
      ok: false, error: { kind: 'input', field: 'currentPassword', message: 'Enter your current password.' },
    });
    expect(await router.handle({ type: 'password.change', accountId: ACCOUNT, currentPassword: 'same secret', newPassword: 'same secret' })).toMatchObject({
      ok: false, error: { kind: 'input', field: 'newPassword', message: 'The new password must differ from the current one.' },
    });
    expect(await router.handle({ type: 'password.change', accountId: ACCOUNT, currentPassword: 7, newPassword: 'x' } as never)).toMatchObject({
      ok: false, error: { kind: 'internal' },
    });
    expect(xexec.execute).not.toHaveBeenCalled();
  });
});
