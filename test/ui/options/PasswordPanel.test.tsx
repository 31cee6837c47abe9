// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PasswordPanel } from '../../../ui/options/PasswordPanel.js';
import { resetBackground, serverError, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;
const SECRET = 'correct horse battery staple';

beforeEach(() => {
  server = resetBackground();
});
afterEach(cleanup);

/** The panel, once it has asked the server what it needs (password.info). */
async function open() {
  const user = userEvent.setup();
  render(<PasswordPanel accountId="account1" avoid={['jane@example.com']} />);
  await screen.findByLabelText('New password');
  return {
    user,
    current: () => screen.getByLabelText('Current password') as HTMLInputElement,
    password: () => screen.getByLabelText('New password') as HTMLInputElement,
    confirm: () => screen.getByLabelText('Repeat the new password') as HTMLInputElement,
    submit: () => screen.getByRole('button', { name: 'Change password' }),
  };
}

describe('checks before anything is sent', () => {
  it('an empty password, then two that differ', async () => {
    const { user, password, confirm, submit } = await open();
    await user.click(submit());
    expect(screen.getByText('Enter the new password.')).toBeTruthy();
    expect(password().getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(password());
    await user.type(password(), SECRET);
    await user.type(confirm(), SECRET + 'x');
    await user.click(submit());
    expect(screen.getByText('The two passwords do not match.')).toBeTruthy();
    expect(confirm().getAttribute('aria-invalid')).toBe('true');
    expect(password().getAttribute('aria-invalid')).toBeNull();
    expect(server.callsOf('password.change')).toEqual([]);
  });

  it('control characters are refused with the module\'s rule', async () => {
    const { user, password, confirm, submit } = await open();
    fireEvent.input(password(), { target: { value: 'abc\tdefgh' } });
    fireEvent.input(confirm(), { target: { value: 'abc\tdefgh' } });
    await user.click(submit());
    expect(screen.getByText('The new password must not contain control characters.')).toBeTruthy();
    expect(server.callsOf('password.change')).toEqual([]);
  });

  it('does not ask for the current password when the server does not need it (the session is already authenticated)', async () => {
    await open();
    expect(screen.queryByLabelText('Current password')).toBeNull();
  });
});

describe('typing', () => {
  it('show/hide turns both fields into text and back', async () => {
    const { user, password, confirm } = await open();
    expect(password().type).toBe('password');
    expect(password().getAttribute('autocomplete')).toBe('new-password');
    await user.click(screen.getByRole('checkbox', { name: 'Show passwords' }));
    expect(password().type).toBe('text');
    expect(confirm().type).toBe('text');
    await user.click(screen.getByRole('checkbox', { name: 'Show passwords' }));
    expect(password().type).toBe('password');
  });

  it('a strength hint that follows the typing', async () => {
    const { user, password } = await open();
    const meter = screen.getByLabelText('Strength');
    expect(meter.tagName).toBe('METER');
    expect(meter.parentElement!.textContent).toContain('nothing typed yet');
    await user.type(password(), 'password');
    expect(meter.parentElement!.textContent).toContain('Very weak');
    await user.clear(password());
    await user.type(password(), 'jane1234567890');
    expect(meter.parentElement!.textContent).toMatch(/Very weak|Weak/);
    await user.clear(password());
    await user.type(password(), 'Tr0mbone-Velvet-Quasar-91');
    expect(meter.parentElement!.textContent).toContain('Strong');
    expect(Number(meter.getAttribute('value'))).toBe(4);
  });
});

describe('sending', () => {
  async function fill(f: Awaited<ReturnType<typeof open>>, value = SECRET) {
    await f.user.type(f.password(), value);
    await f.user.type(f.confirm(), value);
  }

  it('success: says so, says what Thunderbird\'s saved passwords got, clears the fields', async () => {
    server.passwordResult = { updated: { incomingSaved: true, incomingSession: true, outgoingSaved: true, outgoingSession: true }, updateError: null };
    const f = await open();
    await fill(f);
    await f.user.click(f.submit());
    const status = await screen.findByRole('status');
    await within(status).findByText('The password was changed on the server.');
    expect(status.textContent).toContain('Thunderbird\'s saved password for this account was updated too.');
    expect(status.textContent).toContain('The outgoing server (SMTP), which used the same password, was updated too.');
    expect(server.password).toBe(SECRET);
    expect(f.password().value).toBe('');
    expect(f.confirm().value).toBe('');
  });

  it('success without a saved password: says Thunderbird will ask, and nothing about SMTP', async () => {
    server.passwordResult = { updated: { incomingSaved: false, incomingSession: true, outgoingSaved: false, outgoingSession: false }, updateError: null };
    const f = await open();
    await fill(f);
    await f.user.click(f.submit());
    const status = screen.getByRole('status');
    await within(status).findByText(/Thunderbird had not saved this password/);
    expect(status.textContent).not.toContain('SMTP');
  });

  it('changed on the server, but Thunderbird\'s copy could not be updated: a warning with the reason', async () => {
    server.passwordResult = {
      updated: null,
      updateError: { kind: 'internal', code: null, message: 'The password was changed on the server, but Thunderbird\'s saved password could not be updated: locked', serverMessage: null, field: null },
    };
    const f = await open();
    await fill(f);
    await f.user.click(f.submit());
    const status = screen.getByRole('status');
    await within(status).findByText(/could not be updated: locked/);
    expect(status.className).toContain('warning');
  });

  it('refused: the server\'s reason, and what was typed stays', async () => {
    server.failNext('password.change', serverError('XEXEC-EXIT', 'The new password must be at least 12 characters long', 'changepassword', 2));
    const f = await open();
    await fill(f, 'short-ish');
    await f.user.click(f.submit());
    expect(await screen.findByText('The server refused: The new password must be at least 12 characters long')).toBeTruthy();
    expect(f.password().value).toBe('short-ish');
    expect(f.confirm().value).toBe('short-ish');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('a timeout: a clear message and Retry, which sends again', async () => {
    server.failNext('password.change', serverError('timeout', '', 'changepassword'));
    const f = await open();
    await fill(f);
    await f.user.click(f.submit());
    expect(await screen.findByText(/did not answer in time/)).toBeTruthy();
    await f.user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('The password was changed on the server.')).toBeTruthy();
    expect(server.callsOf('password.change')).toHaveLength(2);
  });

  it('busy while in flight, sent once', async () => {
    const f = await open();
    await fill(f);
    const held = server.holdNext('password.change');
    await f.user.click(f.submit());
    const busy = screen.getByRole('button', { name: 'Changing…' });
    expect(busy.getAttribute('aria-disabled')).toBe('true');
    await f.user.click(busy);
    await f.user.type(f.confirm(), '{Enter}');
    held.release();
    expect(await screen.findByText('The password was changed on the server.')).toBeTruthy();
    expect(server.callsOf('password.change')).toHaveLength(1);
  });

  it('never logs the password', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((name) => vi.spyOn(console, name));
    server.failNext('password.change', serverError('XEXEC-EXIT', 'no', 'changepassword', 2));
    const f = await open();
    await fill(f);
    await f.user.click(f.submit());
    await screen.findByText('The server refused: no');
    await f.user.click(f.submit());
    await screen.findByText('The password was changed on the server.');
    for (const spy of spies) {
      expect(JSON.stringify(spy.mock.calls)).not.toContain('battery');
      spy.mockRestore();
    }
    expect(document.body.innerHTML).not.toContain('battery');
  });
});

describe('what the server needs, asked first', () => {
  it('asks once at mount, says so meanwhile, then shows the form', async () => {
    const held = server.holdNext('password.info');
    render(<PasswordPanel accountId="account1" />);
    expect(screen.getByRole('status').textContent).toContain('Asking the server what it needs');
    expect(screen.queryByLabelText('New password')).toBeNull();
    held.release();
    expect(await screen.findByLabelText('New password')).toBeTruthy();
    expect(server.callsOf('password.info')).toEqual([{ type: 'password.info', accountId: 'account1' }]);
  });

  it('a failed question: the reason and Retry, which asks again', async () => {
    server.failNext('password.info', serverError('timeout', '', 'changepassword'));
    const user = userEvent.setup();
    render(<PasswordPanel accountId="account1" />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/did not answer in time/);
    expect(screen.queryByLabelText('New password')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByLabelText('New password')).toBeTruthy();
    expect(server.callsOf('password.info')).toHaveLength(2);
  });

  it('the server\'s minimum is the hint, and checked before sending', async () => {
    server.passwordInfo = { currentPassword: 'optional', minLength: 12 };
    const f = await open();
    expect(f.password().getAttribute('aria-describedby')).toBeTruthy();
    expect(screen.getByText(/At least 12 characters, as the server asks/)).toBeTruthy();
    await f.user.type(f.password(), 'eleven-char');
    await f.user.type(f.confirm(), 'eleven-char');
    await f.user.click(f.submit());
    expect(screen.getByText('The new password must be at least 12 characters long.')).toBeTruthy();
    expect(document.activeElement).toBe(f.password());
    expect(server.callsOf('password.change')).toEqual([]);
  });

  it('no minimum said (an older server): the general hint, and the server decides', async () => {
    server.passwordInfo = { currentPassword: 'optional' };
    const f = await open();
    expect(screen.getByText(/The server sets the minimum length/)).toBeTruthy();
    await f.user.type(f.password(), 'short');
    await f.user.type(f.confirm(), 'short');
    await f.user.click(f.submit());
    await screen.findByText('The password was changed on the server.');
    expect(server.callsOf('password.change')).toEqual([{ type: 'password.change', accountId: 'account1', newPassword: 'short' }]);
  });

  it('the address and its local part are refused like the server does', async () => {
    // No minimum known, so the short local part reaches this check.
    server.passwordInfo = { currentPassword: 'optional' };
    const f = await open();
    for (const value of ['Jane@Example.com', 'jane']) {
      await f.user.clear(f.password());
      await f.user.clear(f.confirm());
      await f.user.type(f.password(), value);
      await f.user.type(f.confirm(), value);
      await f.user.click(f.submit());
      expect(screen.getByText(/must not be your address or the part before the @/)).toBeTruthy();
    }
    expect(server.callsOf('password.change')).toEqual([]);
  });
});

describe('a server that requires the current password', () => {
  beforeEach(() => {
    server.passwordInfo = { currentPassword: 'required', minLength: 8 };
  });

  it('shows a Current password field first, hidden, for the password manager', async () => {
    const f = await open();
    expect(f.current().type).toBe('password');
    expect(f.current().getAttribute('autocomplete')).toBe('current-password');
    const inputs = Array.from(document.querySelectorAll('input:not([type=checkbox])'));
    expect(inputs.indexOf(f.current())).toBe(0);
    await f.user.click(screen.getByRole('checkbox', { name: 'Show passwords' }));
    expect(f.current().type).toBe('text');
  });

  it('an empty current password is caught in the page and focused', async () => {
    const f = await open();
    await f.user.type(f.password(), SECRET);
    await f.user.type(f.confirm(), SECRET);
    await f.user.click(f.submit());
    expect(screen.getByText('Enter your current password.')).toBeTruthy();
    expect(f.current().getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(f.current());
    expect(server.callsOf('password.change')).toEqual([]);
  });

  it('a new password equal to the current one is caught in the page', async () => {
    const f = await open();
    await f.user.type(f.current(), SECRET);
    await f.user.type(f.password(), SECRET);
    await f.user.type(f.confirm(), SECRET);
    await f.user.click(f.submit());
    expect(screen.getByText('The new password must differ from the current one.')).toBeTruthy();
    expect(document.activeElement).toBe(f.password());
    expect(server.callsOf('password.change')).toEqual([]);
  });

  it('sends the two-argument form; on success every field is emptied', async () => {
    const f = await open();
    await f.user.type(f.current(), 'the old one, long');
    await f.user.type(f.password(), SECRET);
    await f.user.type(f.confirm(), SECRET);
    await f.user.click(f.submit());
    await screen.findByText('The password was changed on the server.');
    expect(server.callsOf('password.change')).toEqual([
      { type: 'password.change', accountId: 'account1', currentPassword: 'the old one, long', newPassword: SECRET },
    ]);
    expect([f.current().value, f.password().value, f.confirm().value]).toEqual(['', '', '']);
  });

  it('a wrong current password: the server\'s sentence, and what was typed stays', async () => {
    server.failNext('password.change', serverError('XEXEC-EXIT', 'The current password is wrong', 'changepassword', 2));
    const f = await open();
    await f.user.type(f.current(), 'not it at all');
    await f.user.type(f.password(), SECRET);
    await f.user.type(f.confirm(), SECRET);
    await f.user.click(f.submit());
    expect(await screen.findByText('The server refused: The current password is wrong')).toBeTruthy();
    expect([f.current().value, f.password().value]).toEqual(['not it at all', SECRET]);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('never logs the current password', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((name) => vi.spyOn(console, name));
    const f = await open();
    await f.user.type(f.current(), 'old-pony-ranch');
    await f.user.type(f.password(), SECRET);
    await f.user.type(f.confirm(), SECRET);
    await f.user.click(f.submit());
    await screen.findByText('The password was changed on the server.');
    for (const spy of spies) {
      expect(JSON.stringify(spy.mock.calls)).not.toContain('pony');
      spy.mockRestore();
    }
    expect(document.body.innerHTML).not.toContain('pony');
  });
});
