// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ForwardPanel } from '../../../ui/options/ForwardPanel.js';
import { resetBackground, serverError, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;
beforeEach(() => {
  server = resetBackground();
});
afterEach(cleanup);

async function open() {
  const user = userEvent.setup();
  render(<ForwardPanel accountId="account1" />);
  const address = (await screen.findByRole('textbox', { name: 'Forward to' })) as HTMLInputElement;
  return { user, address, keep: () => screen.getByRole('checkbox', { name: 'Keep a copy in this mailbox' }) as HTMLInputElement };
}

describe('forwarding', () => {
  it('shows that it is off, turns it on with a copy kept, and says so', async () => {
    const { user, address, keep } = await open();
    expect(screen.getByText('Mail is not forwarded.')).toBeTruthy();
    expect(keep().checked).toBe(true);
    await user.type(address, ' Me@Example.ORG ');
    await user.click(screen.getByRole('button', { name: 'Turn on forwarding' }));
    expect(await screen.findByRole('status')).toBeTruthy();
    expect((await screen.findAllByText('Mail is forwarded to me@example.org, and a copy stays in this mailbox.')).length).toBe(2);
    // (an email field drops the blanks at its ends itself; the background lower-cases)
    expect(server.callsOf('forward.set')).toEqual([{ type: 'forward.set', accountId: 'account1', address: 'Me@Example.ORG', keepCopy: true }]);
    expect(address.value).toBe('me@example.org');
    expect(screen.getByRole('button', { name: 'Turn off forwarding' })).toBeTruthy();
  });

  it('without a copy: warns under the checkbox and sends keepCopy false', async () => {
    const { user, address, keep } = await open();
    await user.type(address, 'me@example.org');
    await user.click(keep());
    expect(screen.getByText('Forwarded messages will not arrive in this mailbox.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Turn on forwarding' }));
    expect((await screen.findAllByText('Mail is forwarded to me@example.org and not kept in this mailbox.')).length).toBeGreaterThan(0);
    expect(server.forward).toEqual({ status: 'on', address: 'me@example.org', keepCopy: false });
  });

  it('an invalid address is refused before sending', async () => {
    const { user, address } = await open();
    await user.type(address, '@example.org{Enter}');
    expect(screen.getByText('“@example.org” has an invalid part before the @.')).toBeTruthy();
    expect(address.getAttribute('aria-invalid')).toBe('true');
    expect(server.callsOf('forward.set')).toEqual([]);
  });

  it('shows what is set, and turns it off keeping the address for next time', async () => {
    server.forward = { status: 'on', address: 'me@example.org', keepCopy: false };
    const { user, address, keep } = await open();
    expect(screen.getByText('Mail is forwarded to me@example.org and not kept in this mailbox.')).toBeTruthy();
    expect(address.value).toBe('me@example.org');
    expect(keep().checked).toBe(false);
    // Nothing changed: Save has nothing to do.
    expect(screen.getByRole('button', { name: 'Save' }).getAttribute('aria-disabled')).toBe('true');
    await user.click(screen.getByRole('button', { name: 'Turn off forwarding' }));
    expect((await screen.findAllByText('Mail is not forwarded.')).length).toBe(2);
    expect(address.value).toBe('me@example.org');
    expect(screen.getByRole('button', { name: 'Turn on forwarding' })).toBeTruthy();
  });

  it('the server refuses (its own address): its reason, typed text kept', async () => {
    server.failNext('forward.set', serverError('XEXEC-EXIT', 'Forwarding to your own address is not possible', 'forwardmail', 2));
    const { user, address } = await open();
    await user.type(address, 'jane@example.com{Enter}');
    expect(await screen.findByText('The server refused: Forwarding to your own address is not possible')).toBeTruthy();
    expect(address.value).toBe('jane@example.com');
  });

  it('busy while in flight and sent once; a lost connection offers Retry', async () => {
    const { user, address } = await open();
    await user.type(address, 'me@example.org');
    const held = server.holdNext('forward.set');
    server.failNext('forward.set', serverError('disconnected', 'gone', 'forwardmail'));
    await user.click(screen.getByRole('button', { name: 'Turn on forwarding' }));
    const busy = screen.getByRole('button', { name: 'Saving…' });
    await user.click(busy);
    expect(server.callsOf('forward.set')).toHaveLength(1);
    held.release();
    expect(await screen.findByText('Thunderbird could not reach the server: gone')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect((await screen.findAllByText(/Mail is forwarded to me@example.org/)).length).toBeGreaterThan(0);
    expect(server.callsOf('forward.set')).toHaveLength(2);
  });

  it('a state that cannot be read: the reason and Retry', async () => {
    server.failNext('forward.show', serverError('XEXEC-TIMEOUT', 'slow', 'forwardmail', 30));
    const user = userEvent.setup();
    render(<ForwardPanel accountId="account1" />);
    expect((await screen.findByRole('alert')).textContent).toBe('The server stopped “forwardmail” after 30 seconds.');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Mail is not forwarded.')).toBeTruthy();
  });
});
