import { describe, expect, it, vi } from 'vitest';
import type { BackgroundResponse, RequestType } from '../../src/messages/messages.js';
import { createRouter } from '../../src/background/router.js';
import { failed, fakeXexec, okLines, translate, UPDATED, type Script } from './fakes.js';

const ACCOUNT = 'account1';

function setup(script: Script) {
  const xexec = fakeXexec(script);
  const router = createRouter({ xexec: xexec.typed, translate });
  return { xexec, router };
}

function value<T extends RequestType>(response: BackgroundResponse, _type: T) {
  if (!response.ok) throw new Error(`expected ok, got ${JSON.stringify(response.error)}`);
  return response.value as Extract<BackgroundResponse<T>, { ok: true }>['value'];
}

function error(response: BackgroundResponse) {
  if (response.ok) throw new Error(`expected an error, got ${JSON.stringify(response.value)}`);
  return response.error;
}

describe('requests that are not requests', () => {
  it('answers with a localized error, never throws', async () => {
    const { router, xexec } = setup(() => okLines());
    for (const message of [
      null, 'discover', {}, { type: 'nope', accountId: ACCOUNT }, { type: 'discover' }, { type: 'discover', accountId: '' },
      { type: 'list.show', accountId: ACCOUNT, list: 'greylist' }, { type: 'list.add', accountId: ACCOUNT, list: 'blacklist', entries: 'a@b.c' },
      { type: 'list.add', accountId: ACCOUNT, list: 'blacklist', entries: [1] }, { type: 'forward.set', accountId: ACCOUNT, address: 'a@b.c' },
      { type: 'vacation.set', accountId: ACCOUNT, update: { subject: null } }, { type: 'vacation.set', accountId: ACCOUNT, update: { days: '7' } },
      { type: 'console', accountId: ACCOUNT, module: 'm', args: [new Uint8Array(1)] }, { type: 'password.change', accountId: ACCOUNT },
    ]) {
      const e = error(await router.handle(message));
      expect(e, JSON.stringify(message)).toMatchObject({ kind: 'internal', message: 'The add-on sent itself a request it does not understand.' });
    }
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('a rejected execute() (a programmer error) becomes an internal error', async () => {
    const { router } = setup(() => {
      throw new Error('xexec: unknown account "account9"');
    });
    const e = error(await router.handle({ type: 'list.show', accountId: 'account9', list: 'blacklist' }));
    expect(e).toEqual({
      kind: 'internal', code: null, serverMessage: null, field: null,
      message: 'Something went wrong inside the add-on: xexec: unknown account "account9"',
    });
  });
});

describe('discover', () => {
  it('runs .modules once per account and keeps the answer until a refresh', async () => {
    const { router, xexec } = setup((module, _args, accountId) => okLines(...(accountId === ACCOUNT ? ['blacklist', 'vacation'] : ['whitelist'])));
    expect(value(await router.handle({ type: 'discover', accountId: ACCOUNT }), 'discover')).toEqual({ modules: ['blacklist', 'vacation'] });
    expect(value(await router.handle({ type: 'discover', accountId: ACCOUNT }), 'discover')).toEqual({ modules: ['blacklist', 'vacation'] });
    expect(value(await router.handle({ type: 'discover', accountId: 'account2' }), 'discover')).toEqual({ modules: ['whitelist'] });
    expect(xexec.execute.mock.calls).toEqual([[ACCOUNT, '.modules', []], ['account2', '.modules', []]]);
    await router.handle({ type: 'discover', accountId: ACCOUNT, refresh: true });
    expect(xexec.execute).toHaveBeenCalledTimes(3);
  });

  it('a server without XEXEC: a localized error with the server\'s text', async () => {
    const { router } = setup(() => failed('unsupported', 'Error in IMAP command UID XEXEC: Unknown command'));
    expect(error(await router.handle({ type: 'discover', accountId: ACCOUNT }))).toEqual({
      kind: 'server',
      code: 'unsupported',
      message: "This account's server cannot be managed from Thunderbird: Error in IMAP command UID XEXEC: Unknown command",
      serverMessage: 'Error in IMAP command UID XEXEC: Unknown command',
      field: null,
    });
  });

  it('a reply that is no module list is a reply error', async () => {
    const { router } = setup(() => okLines('not a module name'));
    expect(error(await router.handle({ type: 'discover', accountId: ACCOUNT }))).toMatchObject({
      kind: 'reply', message: expect.stringContaining('“.modules”'),
    });
  });
});

describe('block and allow lists', () => {
  it('list.show', async () => {
    const { router, xexec } = setup(() => okLines('@spam.example', 'spam@example.com', 'future key value'));
    expect(value(await router.handle({ type: 'list.show', accountId: ACCOUNT, list: 'whitelist' }), 'list.show')).toEqual({
      entries: '@spam.example\nspam@example.com',
    });
    expect(xexec.execute).toHaveBeenCalledWith(ACCOUNT, 'whitelist', ['list']);
  });

  it('list.add normalises the entries and reports each outcome', async () => {
    const { router, xexec } = setup(() => okLines('added spam@example.com', 'exists @spam.example'));
    const r = await router.handle({ type: 'list.add', accountId: ACCOUNT, list: 'blacklist', entries: [' Spam@Example.COM', '@spam.example'] });
    expect(value(r, 'list.add')).toEqual({ changes: [{ entry: 'spam@example.com', outcome: 'added' }, { entry: '@spam.example', outcome: 'exists' }] });
    expect(xexec.execute).toHaveBeenCalledWith(ACCOUNT, 'blacklist', ['add', 'spam@example.com', '@spam.example']);
  });

  it('list.del', async () => {
    const { router, xexec } = setup(() => okLines('removed a@example.com', 'absent b@example.com'));
    const r = await router.handle({ type: 'list.del', accountId: ACCOUNT, list: 'blacklist', entries: ['a@example.com', 'b@example.com'] });
    expect(value(r, 'list.del').changes.map((c) => c.outcome)).toEqual(['removed', 'absent']);
    expect(xexec.execute).toHaveBeenCalledWith(ACCOUNT, 'blacklist', ['del', 'a@example.com', 'b@example.com']);
  });

  it('an invalid entry is refused before anything is sent, naming it', async () => {
    const { router, xexec } = setup(() => okLines());
    expect(error(await router.handle({ type: 'list.add', accountId: ACCOUNT, list: 'blacklist', entries: ['ok@example.com', 'spam@'] }))).toEqual({
      kind: 'input', code: null, serverMessage: null, field: 'entries.1', message: '“spam@” has an invalid domain.',
    });
    expect(error(await router.handle({ type: 'list.del', accountId: ACCOUNT, list: 'blacklist', entries: [] }))).toMatchObject({
      kind: 'input', field: 'entries', message: 'Enter at least one address or @domain.',
    });
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('a reply to add that says "removed" is a reply error', async () => {
    const { router } = setup(() => okLines('removed a@example.com'));
    expect(error(await router.handle({ type: 'list.add', accountId: ACCOUNT, list: 'blacklist', entries: ['a@example.com'] }))).toMatchObject({
      kind: 'reply', code: null,
    });
  });

  it('the module refuses: its own text, inside a sentence', async () => {
    const { router } = setup(() => failed('XEXEC-EXIT', '"x@y" has an invalid domain', 2));
    expect(error(await router.handle({ type: 'list.add', accountId: ACCOUNT, list: 'blacklist', entries: ['x@y.example'] }))).toEqual({
      kind: 'server', code: 'XEXEC-EXIT', field: null,
      message: 'The server refused: "x@y" has an invalid domain',
      serverMessage: '"x@y" has an invalid domain',
    });
  });
});

describe('password.change', () => {
  it('changes the password on the server, then Thunderbird\'s copies', async () => {
    const { router, xexec } = setup(() => okLines('Password changed'));
    const r = await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword: ' new secret ' });
    expect(value(r, 'password.change')).toEqual({ updated: UPDATED, updateError: null });
    expect(xexec.execute).toHaveBeenCalledWith(ACCOUNT, 'changepassword', [' new secret ']);
    expect(xexec.updateSavedPassword).toHaveBeenCalledWith(ACCOUNT, ' new secret ');
  });

  it('a refused change leaves Thunderbird\'s password alone', async () => {
    const { router, xexec } = setup(() => failed('XEXEC-EXIT', 'The new password must be at least 8 characters long', 2));
    const e = error(await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword: 'short' }));
    expect(e).toMatchObject({ code: 'XEXEC-EXIT', message: 'The server refused: The new password must be at least 8 characters long' });
    expect(xexec.updateSavedPassword).not.toHaveBeenCalled();
  });

  it('the server changed it but Thunderbird\'s copy could not be updated: said so, not hidden', async () => {
    const { router, xexec } = setup(() => okLines('Password changed'));
    xexec.updateSavedPassword.mockRejectedValueOnce(new Error('login manager locked'));
    const r = value(await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword: 'new secret' }), 'password.change');
    expect(r.updated).toBeNull();
    expect(r.updateError?.message).toBe("The password was changed on the server, but Thunderbird's saved password could not be updated: login manager locked");
  });

  it('input the module would refuse anyway is refused first', async () => {
    const { router, xexec } = setup(() => okLines());
    for (const [newPassword, message] of [
      ['', 'Enter the new password.'],
      ['tab\there', 'The new password must not contain control characters.'],
      ['x'.repeat(1025), 'The new password must not be longer than 1024 bytes.'],
    ] as const) {
      expect(error(await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword }))).toMatchObject({
        kind: 'input', field: 'newPassword', message,
      });
    }
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('a reply without the confirmation is a reply error, and nothing is updated', async () => {
    const { router, xexec } = setup(() => okLines('something else'));
    expect(error(await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword: 'new secret' }))).toMatchObject({ kind: 'reply' });
    expect(xexec.updateSavedPassword).not.toHaveBeenCalled();
  });
});

describe('forwarding', () => {
  const state = okLines('status on', 'address boss@example.com', 'keepcopy yes');

  it('show, set and off', async () => {
    const { router, xexec } = setup(() => state);
    const expected = { status: 'on', address: 'boss@example.com', keepCopy: true };
    expect(value(await router.handle({ type: 'forward.show', accountId: ACCOUNT }), 'forward.show')).toEqual(expected);
    expect(value(await router.handle({ type: 'forward.set', accountId: ACCOUNT, address: ' Boss@Example.com', keepCopy: true }), 'forward.set')).toEqual(expected);
    await router.handle({ type: 'forward.off', accountId: ACCOUNT });
    expect(xexec.execute.mock.calls.map((c) => c[2])).toEqual([['show'], ['set', 'boss@example.com', 'keep'], ['off']]);
  });

  it('an invalid address is refused before anything is sent', async () => {
    const { router, xexec } = setup(() => state);
    expect(error(await router.handle({ type: 'forward.set', accountId: ACCOUNT, address: 'boss', keepCopy: false }))).toMatchObject({
      kind: 'input', field: 'address', message: '“boss” has no @.',
    });
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('a state without status is a reply error', async () => {
    const { router } = setup(() => okLines('keepcopy no'));
    expect(error(await router.handle({ type: 'forward.show', accountId: ACCOUNT }))).toMatchObject({ kind: 'reply' });
  });
});

describe('vacation', () => {
  const state = okLines('status on', 'subject ', 'days 7', 'body Away.', 'body Back on Monday.');

  it('show, set and off', async () => {
    const { router, xexec } = setup(() => state);
    const expected = { status: 'on', subject: '', days: 7, start: null, end: null, body: 'Away.\nBack on Monday.', only: [] };
    expect(value(await router.handle({ type: 'vacation.show', accountId: ACCOUNT }), 'vacation.show')).toEqual(expected);
    const set = await router.handle({ type: 'vacation.set', accountId: ACCOUNT, update: { body: 'Away.\r\nBack on Monday.\n', days: 7, start: null } });
    expect(value(set, 'vacation.set')).toEqual(expected);
    await router.handle({ type: 'vacation.off', accountId: ACCOUNT });
    expect(xexec.execute.mock.calls.map((c) => c[2])).toEqual([['show'], ['set', 'body=Away.\nBack on Monday.', 'days=7', 'start='], ['off']]);
  });

  it('refused fields, in words', async () => {
    const { router, xexec } = setup(() => state);
    const cases = [
      [{}, 'update', 'Give at least one of subject, text, interval, start or end.'],
      [{ days: 61 }, 'days', 'The interval must be a whole number of days from 1 to 60.'],
      [{ start: '2025-02-30' }, 'start', 'The start date must be a real day, written YYYY-MM-DD.'],
      [{ start: '2025-03-02', end: '2025-03-01' }, 'end', 'The end date is before the start date.'],
      [{ subject: 'a\tb' }, 'subject', 'The subject must not contain control characters.'],
      [{ body: '\n' }, 'body', 'Enter the text of the reply.'],
    ] as const;
    for (const [update, field, message] of cases) {
      expect(error(await router.handle({ type: 'vacation.set', accountId: ACCOUNT, update })), JSON.stringify(update)).toMatchObject({
        kind: 'input', field, message,
      });
    }
    expect(xexec.execute).not.toHaveBeenCalled();
  });
});

describe('console', () => {
  it('passes module and arguments as they are and returns the raw result', async () => {
    const { router, xexec } = setup(() => okLines('a', 'b'));
    expect(value(await router.handle({ type: 'console', accountId: ACCOUNT, module: 'echoargs', args: ['x y', 'é'] }), 'console')).toEqual({
      result: { ok: true, lines: ['a', 'b'] }, error: null,
    });
    expect(xexec.execute).toHaveBeenCalledWith(ACCOUNT, 'echoargs', ['x y', 'é']);
  });

  it('a failure is a result too, with its explanation', async () => {
    const { router } = setup(() => failed('XEXEC-UNKNOWN', 'Unknown module nosuch'));
    const r = value(await router.handle({ type: 'console', accountId: ACCOUNT, module: 'nosuch', args: [] }), 'console');
    expect(r.result).toMatchObject({ ok: false, code: 'XEXEC-UNKNOWN' });
    expect(r.error?.message).toBe('The server does not offer “nosuch” to this account.');
  });

  it('a name outside the grammar or a NUL is an input error, not a rejected call', async () => {
    const { router, xexec } = setup(() => okLines());
    expect(error(await router.handle({ type: 'console', accountId: ACCOUNT, module: '../x', args: [] }))).toMatchObject({
      kind: 'input', field: 'module', message: '“../x” is not a module name.',
    });
    expect(error(await router.handle({ type: 'console', accountId: ACCOUNT, module: 'm', args: ['ok', 'a\0b'] }))).toMatchObject({
      kind: 'input', field: 'args.1', message: 'Argument 2 contains a NUL character, which no module can receive.',
    });
    expect(xexec.execute).not.toHaveBeenCalled();
  });
});

describe('keep-alive', () => {
  it('every command runs inside keepAlive', async () => {
    const xexec = fakeXexec(() => okLines('Password changed'));
    let inside = 0;
    const keepAlive = vi.fn(async <T>(work: () => Promise<T>) => {
      inside++;
      try {
        return await work();
      } finally {
        inside--;
      }
    });
    xexec.execute.mockImplementation(async () => {
      expect(inside).toBe(1);
      return okLines('Password changed');
    });
    const router = createRouter({ xexec: xexec.typed, translate, keepAlive: keepAlive as <T>(work: () => Promise<T>) => Promise<T> });
    await router.handle({ type: 'password.change', accountId: ACCOUNT, newPassword: 'new secret' });
    await router.handle({ type: 'console', accountId: ACCOUNT, module: 'x', args: [] });
    // changepassword, updateSavedPassword, console
    expect(keepAlive).toHaveBeenCalledTimes(3);
  });
});
