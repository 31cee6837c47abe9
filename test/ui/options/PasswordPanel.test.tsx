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

function open() {
  const user = userEvent.setup();
  render(<PasswordPanel accountId="account1" avoid={['jane@example.com']} />);
  return {
    user,
    password: () => screen.getByLabelText('New password') as HTMLInputElement,
    confirm: () => screen.getByLabelText('Repeat the new password') as HTMLInputElement,
    submit: () => screen.getByRole('button', { name: 'Change password' }),
  };
}

describe('checks before anything is sent', () => {
  it('an empty password, then two that differ', async () => {
    const { user, password, confirm, submit } = open();
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
    const { user, password, confirm, submit } = open();
    fireEvent.input(password(), { target: { value: 'abc\tdefgh' } });
    fireEvent.input(confirm(), { target: { value: 'abc\tdefgh' } });
    await user.click(submit());
    expect(screen.getByText('The new password must not contain control characters.')).toBeTruthy();
    expect(server.callsOf('password.change')).toEqual([]);
  });

  it('does not ask for the current password (the session is already authenticated)', () => {
    open();
    expect(screen.queryByLabelText('Current password')).toBeNull();
  });
});

describe('typing', () => {
  it('show/hide turns both fields into text and back', async () => {
    const { user, password, confirm } = open();
    expect(password().type).toBe('password');
    expect(password().getAttribute('autocomplete')).toBe('new-password');
    await user.click(screen.getByRole('checkbox', { name: 'Show passwords' }));
    expect(password().type).toBe('text');
    expect(confirm().type).toBe('text');
    await user.click(screen.getByRole('checkbox', { name: 'Show passwords' }));
    expect(password().type).toBe('password');
  });

  it('a strength hint that follows the typing', async () => {
    const { user, password } = open();
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
  async function fill(f: ReturnType<typeof open>, value = SECRET) {
    await f.user.type(f.password(), value);
    await f.user.type(f.confirm(), value);
  }

  it('success: says so, says what Thunderbird\'s saved passwords got, clears the fields', async () => {
    server.passwordResult = { updated: { incomingSaved: true, incomingSession: true, outgoingSaved: true, outgoingSession: true }, updateError: null };
    const f = open();
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
    const f = open();
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
    const f = open();
    await fill(f);
    await f.user.click(f.submit());
    const status = screen.getByRole('status');
    await within(status).findByText(/could not be updated: locked/);
    expect(status.className).toContain('warning');
  });

  it('refused: the server\'s reason, and what was typed stays', async () => {
    server.failNext('password.change', serverError('XEXEC-EXIT', 'The new password must be at least 12 characters long', 'changepassword', 2));
    const f = open();
    await fill(f, 'short-ish');
    await f.user.click(f.submit());
    expect(await screen.findByText('The server refused: The new password must be at least 12 characters long')).toBeTruthy();
    expect(f.password().value).toBe('short-ish');
    expect(f.confirm().value).toBe('short-ish');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('a timeout: a clear message and Retry, which sends again', async () => {
    server.failNext('password.change', serverError('timeout', '', 'changepassword'));
    const f = open();
    await fill(f);
    await f.user.click(f.submit());
    expect(await screen.findByText(/did not answer in time/)).toBeTruthy();
    await f.user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('The password was changed on the server.')).toBeTruthy();
    expect(server.callsOf('password.change')).toHaveLength(2);
  });

  it('busy while in flight, sent once', async () => {
    const f = open();
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
    const f = open();
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
