// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SendingState } from '../../../experiments/xexec/outgoing-api.js';
import type { BackgroundRequest, BackgroundResponse } from '../../../src/messages/messages.js';
import { SendingPanel } from '../../../ui/options/SendingPanel.js';
import { resetBackground, serverError, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;
let state: SendingState;
let refuse: boolean;
const calls: BackgroundRequest[] = [];

beforeEach(() => {
  server = resetBackground();
  state = { enabled: false, serverKey: '' };
  refuse = false;
  calls.length = 0;
  // The fake background knows the shared requests; the Sending panel's two are answered here.
  const handle = server.handle.bind(server);
  vi.spyOn(server, 'handle').mockImplementation(async (r: BackgroundRequest): Promise<BackgroundResponse> => {
    if (r.type !== 'sending.state' && r.type !== 'sending.set') return handle(r);
    calls.push(r);
    if (r.type === 'sending.set') {
      if (refuse) return { ok: false, error: serverError('disconnected', 'The server closed the connection.', 'submit') };
      state = r.on ? { enabled: true, serverKey: 'xexec1' } : { enabled: false, serverKey: '' };
    }
    return { ok: true, value: state } as BackgroundResponse;
  });
});
afterEach(cleanup);

async function open(fixed: 'on' | 'off' | null = null) {
  const user = userEvent.setup();
  render(<SendingPanel accountId="account1" fixed={fixed} />);
  const box = (await screen.findByRole('checkbox', { name: "Send through this account's IMAP connection" })) as HTMLInputElement;
  return { user, box };
}

describe('sending panel', () => {
  it('shows that the account sends with SMTP, turns sending through IMAP on and off', async () => {
    const { user, box } = await open();
    expect(box.checked).toBe(false);
    expect(screen.getByText('This account sends with its outgoing (SMTP) server.')).toBeTruthy();
    await user.click(box);
    expect((await screen.findAllByText("This account's identities send through its IMAP connection.")).length).toBe(2);
    expect(box.checked).toBe(true);
    await user.click(box);
    expect((await screen.findAllByText('This account sends with its outgoing (SMTP) server.')).length).toBe(2);
    expect(calls).toEqual([
      { type: 'sending.state', accountId: 'account1' },
      { type: 'sending.set', accountId: 'account1', on: true },
      { type: 'sending.set', accountId: 'account1', on: false },
    ]);
    expect(screen.getByText('Turning it off gives each identity its previous outgoing server back.')).toBeTruthy();
  });

  it('a failure is shown with Retry, and the switch stays off', async () => {
    refuse = true;
    const { user, box } = await open();
    await user.click(box);
    expect(await screen.findByText(/closed the connection/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(box.checked).toBe(false);
  });
});

describe('sending panel with the administrator\'s policy (sending)', () => {
  it('"on": the switch is shown on and read-only, with the administrator\'s hint instead of the off hint', async () => {
    state = { enabled: true, serverKey: 'xexec1' };
    const { user, box } = await open('on');
    expect(box.checked).toBe(true);
    expect(box.disabled).toBe(true);
    expect(screen.getByText("This account's identities send through its IMAP connection.")).toBeTruthy();
    expect(screen.getByText('Set by your administrator.').id).toBe(box.getAttribute('aria-describedby'));
    expect(screen.queryByText('Turning it off gives each identity its previous outgoing server back.')).toBeNull();
    await user.click(box);
    expect(box.checked).toBe(true);
    expect(calls).toEqual([{ type: 'sending.state', accountId: 'account1' }]);
  });

  it('"off": the switch is shown off and read-only', async () => {
    const { user, box } = await open('off');
    expect(box.checked).toBe(false);
    expect(box.disabled).toBe(true);
    expect(screen.getByText('Set by your administrator.')).toBeTruthy();
    await user.click(box);
    expect(calls).toEqual([{ type: 'sending.state', accountId: 'account1' }]);
  });
});
