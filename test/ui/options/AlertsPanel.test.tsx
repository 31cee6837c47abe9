// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UserError } from '../../../src/messages/errors.js';
import type { BackgroundRequest, BackgroundResponse } from '../../../src/messages/messages.js';
import { normalizeCode, normalizeTarget, type AlertsState } from '../../../src/modules/alerts.js';
import { AlertsPanel } from '../../../ui/options/AlertsPanel.js';
import { background, resetBackground, serverError, storage } from '../fakes.js';
import { FakeAddressBooks } from './fakeContacts.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => {
  const fakes = await import('../fakes.js');
  return {
    callBackground: vi.fn(async (request: BackgroundRequest) =>
      request.type.startsWith('alerts.') || request.type.startsWith('contacts.') ? alerts.handle(request) : fakes.background.current.handle(request)),
  };
});

const FRESH: AlertsState = { status: 'off', target: null, confirmed: false, senders: [], words: [], urgent: false, contacts: false, maxPerHour: 10, targetDomains: [] };

/** The alerts module as the router would answer for it: a code per new target, checked on confirm. */
class AlertsServer {
  state: AlertsState = FRESH;
  code = '';
  readonly codesSent: string[] = [];
  trusted: string[] = [];
  readonly addressBooks = new FakeAddressBooks();
  readonly calls: BackgroundRequest[] = [];
  private failure: { type: string; error: UserError } | null = null;
  private gate: { type: string; wait: Promise<void> } | null = null;

  failNext(type: string, error: UserError) {
    this.failure = { type, error };
  }

  holdNext(type: string): () => void {
    let open!: () => void;
    this.gate = { type, wait: new Promise((resolve) => (open = resolve)) };
    return () => open();
  }

  callsOf(type: string) {
    return this.calls.filter((c) => c.type === type);
  }

  private sendCode() {
    this.code = String(100000 + this.codesSent.length * 111);
    this.codesSent.push(`${this.state.target} ${this.code}`);
  }

  async handle(r: BackgroundRequest): Promise<BackgroundResponse> {
    this.calls.push(r);
    if (this.gate?.type === r.type) {
      const { wait } = this.gate;
      this.gate = null;
      await wait;
    }
    if (this.failure?.type === r.type) {
      const { error } = this.failure;
      this.failure = null;
      return { ok: false, error };
    }
    const books = this.addressBooks.handle(r);
    if (books) return books;
    const s = this.state;
    switch (r.type) {
      case 'alerts.show':
        break;
      case 'alerts.set': {
        const u = r.update;
        const target = u.target === undefined ? s.target : (normalizeTarget(u.target) as { value: string }).value;
        this.state = {
          ...s,
          status: 'on',
          target,
          confirmed: target === s.target ? s.confirmed : false,
          senders: u.senders === undefined ? s.senders : [...new Set(u.senders.map((x) => x.toLowerCase()))].sort(),
          words: u.words === undefined ? s.words : [...new Set(u.words.map((x) => x.trim()))],
          urgent: u.urgent ?? s.urgent,
          contacts: u.contacts ?? s.contacts,
        };
        if (target !== s.target) this.sendCode();
        break;
      }
      case 'alerts.off':
        this.state = { ...s, status: 'off' };
        break;
      case 'alerts.confirm':
        if (normalizeCode(r.code) !== this.code) {
          return { ok: false, error: serverError('XEXEC-EXIT', 'That is not the code that was sent', 'alerts', 2) };
        }
        this.state = { ...s, confirmed: true };
        break;
      case 'alerts.resend':
        this.sendCode();
        break;
      case 'alerts.contacts.set':
        this.trusted = [...r.addresses];
        break;
      case 'alerts.contacts.list':
        return { ok: true, value: { addresses: this.trusted.join('\n') } };
      default:
        throw new Error(`not an alerts request: ${r.type}`);
    }
    return { ok: true, value: this.state } as BackgroundResponse;
  }
}

let alerts: AlertsServer;
beforeEach(() => {
  resetBackground();
  alerts = new AlertsServer();
});
afterEach(cleanup);

async function open(policy: { targetDomains: readonly string[]; lockConditions: boolean } | null = null) {
  const user = userEvent.setup();
  render(<AlertsPanel accountId="account1" policy={policy} />);
  await screen.findByRole('textbox', { name: 'Send alerts to' });
  return {
    user,
    target: () => screen.getByRole('textbox', { name: 'Send alerts to' }) as HTMLInputElement,
    senders: () => screen.getByRole('textbox', { name: 'From these senders' }) as HTMLTextAreaElement,
    words: () => screen.getByRole('textbox', { name: 'With these words in the subject' }) as HTMLTextAreaElement,
    urgent: () => screen.getByRole('checkbox', { name: 'Marked urgent (high priority)' }) as HTMLInputElement,
    contacts: () => screen.getByRole('checkbox', { name: 'From my trusted contacts' }) as HTMLInputElement,
    code: () => screen.getByRole('textbox', { name: 'Code' }) as HTMLInputElement,
  };
}

const PENDING: AlertsState = { ...FRESH, status: 'on', target: 'pager@sms.example', confirmed: false, words: ['server down'] };

describe('alerts', () => {
  it('fresh: off, the cap, the conditions in a group; no confirmation step without a target', async () => {
    const f = await open();
    expect(screen.getByText('No alerts are sent.')).toBeTruthy();
    expect(screen.getByTestId('alerts-cap').textContent).toBe('At most 10 alerts an hour are sent (set by your administrator).');
    expect(screen.queryByTestId('alerts-confirmation')).toBeNull();
    const group = screen.getByRole('group', { name: 'Alert me about mail' });
    expect(within(group).getByRole('checkbox', { name: 'Marked urgent (high priority)' })).toBeTruthy();
    expect(f.contacts().getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(f.contacts().getAttribute('aria-describedby')!)?.textContent).toMatch(/under “Trust my contacts” \(here or in the Spam panel: it is one list\)/);
    expect(screen.queryByRole('button', { name: 'Turn off alerts' })).toBeNull();
  });

  it('sets a target and conditions, then shows the code step: nothing is sent there until it is confirmed', async () => {
    const f = await open();
    await f.user.type(f.target(), 'Pager@SMS.example');
    await f.user.type(f.senders(), 'boss@example.com, @example.org');
    await f.user.type(f.words(), 'server down{Enter}Invoice');
    await f.user.click(f.urgent());
    await f.user.click(screen.getByRole('button', { name: 'Turn on alerts' }));
    expect(await screen.findByText('A code was sent to pager@sms.example — type it here')).toBeTruthy();
    expect(alerts.callsOf('alerts.set')).toEqual([{
      type: 'alerts.set',
      accountId: 'account1',
      update: { target: 'Pager@SMS.example', senders: ['boss@example.com', '@example.org'], words: ['server down', 'Invoice'], urgent: true, contacts: false },
    }]);
    expect(screen.getByRole('status').textContent).toBe('A code was sent to pager@sms.example. Type it above to confirm the address.');
    expect(screen.getByText(/pager@sms.example is not confirmed yet: no alerts are sent/)).toBeTruthy();
    expect(screen.getByText('Not confirmed')).toBeTruthy();
    expect(screen.getByText('No alerts are sent until the address is confirmed.')).toBeTruthy();
    const code = f.code();
    expect(code.getAttribute('inputmode')).toBe('numeric');
    expect(code.getAttribute('autocomplete')).toBe('one-time-code');
    // the form now shows what the server stored
    expect(f.target().value).toBe('pager@sms.example');
    expect(f.senders().value).toBe('@example.org\nboss@example.com');
    expect(screen.getByRole('button', { name: 'Turn off alerts' })).toBeTruthy();
  });

  it('a wrong code: the server\'s reason at the field, the code kept; the right one confirms', async () => {
    alerts.state = PENDING;
    alerts.code = '123456';
    const f = await open();
    await f.user.type(f.code(), '123 465{Enter}');
    expect(await screen.findByText('The server refused: That is not the code that was sent', { selector: '.field-error' })).toBeTruthy();
    expect(f.code().value).toBe('123 465');
    expect(f.code().getAttribute('aria-invalid')).toBe('true');
    await f.user.clear(f.code());
    await f.user.type(f.code(), '123456');
    await f.user.click(screen.getByRole('button', { name: 'Confirm' }));
    expect(await screen.findByText('Confirmed')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('pager@sms.example is confirmed: alerts can be sent there.');
    expect(screen.getByText('Alerts for important mail go to pager@sms.example.')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Code' })).toBeNull();
    expect(alerts.callsOf('alerts.confirm').map((c) => (c as { code: string }).code)).toEqual(['123 465', '123456']);
  });

  it('a code that is not 6 digits is refused before sending', async () => {
    alerts.state = PENDING;
    const f = await open();
    await f.user.type(f.code(), '12a45{Enter}');
    expect(screen.getByText('The code is 6 digits.')).toBeTruthy();
    expect(alerts.callsOf('alerts.confirm')).toEqual([]);
  });

  it('sends a new code', async () => {
    alerts.state = PENDING;
    const f = await open();
    await f.user.click(screen.getByRole('button', { name: 'Send a new code' }));
    expect(await screen.findByText('A code was sent to pager@sms.example. Type it above to confirm the address.')).toBeTruthy();
    expect(alerts.codesSent).toEqual(['pager@sms.example 100000']);
  });

  it('refusals of the server (three codes an hour) keep everything typed', async () => {
    alerts.state = { ...PENDING, confirmed: true };
    alerts.failNext('alerts.set', serverError('XEXEC-EXIT', 'At most 3 codes an hour; try again later', 'alerts', 1));
    const f = await open();
    await f.user.clear(f.target());
    await f.user.type(f.target(), 'other@sms.example');
    expect(screen.getByText('A new address must be confirmed again with a code before alerts go there.')).toBeTruthy();
    await f.user.type(f.words(), '{Enter}outage');
    await f.user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The server refused: At most 3 codes an hour; try again later')).toBeTruthy();
    expect(f.target().value).toBe('other@sms.example');
    expect(f.words().value).toBe('server down\noutage');
    // a refusal is not offered again as Retry
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('checks before sending: a target, a valid sender, at least one condition', async () => {
    const f = await open();
    await f.user.type(f.words(), 'x');
    await f.user.click(screen.getByRole('button', { name: 'Turn on alerts' }));
    expect(screen.getByText('Enter the address alerts should go to.')).toBeTruthy();
    expect(document.activeElement).toBe(f.target());

    await f.user.type(f.target(), 'me@sms.example');
    await f.user.type(f.senders(), 'good@example.com{Enter}not-an-address');
    await f.user.click(screen.getByRole('button', { name: 'Turn on alerts' }));
    expect(screen.getByText('“not-an-address” has no @.')).toBeTruthy();
    expect(f.senders().getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(f.senders());

    await f.user.clear(f.senders());
    await f.user.clear(f.words());
    await f.user.click(screen.getByRole('button', { name: 'Turn on alerts' }));
    expect(screen.getByText('Choose at least one condition for alerts.')).toBeTruthy();
    expect(alerts.callsOf('alerts.set')).toEqual([]);
  });

  it('the server\'s allowed target domains are shown and checked', async () => {
    alerts.state = { ...FRESH, targetDomains: ['sms.example', 'pager.example'] };
    const f = await open();
    expect(screen.getByText('Only addresses at sms.example, pager.example are allowed. A code is sent there first.')).toBeTruthy();
    await f.user.type(f.target(), 'me@elsewhere.example');
    await f.user.click(f.urgent());
    await f.user.click(screen.getByRole('button', { name: 'Turn on alerts' }));
    expect(screen.getByText('Alerts can only go to addresses at sms.example, pager.example.')).toBeTruthy();
    expect(alerts.callsOf('alerts.set')).toEqual([]);
  });

  it('the administrator\'s policy: a domain hint, and conditions locked (shown, not sent)', async () => {
    alerts.state = { ...PENDING, confirmed: true, urgent: true };
    const f = await open({ targetDomains: ['sms.example'], lockConditions: true });
    expect(screen.getByText('Only addresses at sms.example are allowed. A code is sent there first.')).toBeTruthy();
    expect(screen.getByText('Your administrator has set these conditions.')).toBeTruthy();
    expect((screen.getByRole('group', { name: 'Alert me about mail' }) as HTMLFieldSetElement).disabled).toBe(true);
    expect(f.urgent().checked).toBe(true);
    // Trusted contacts are conditions too: no picker, nothing to send them with.
    expect(screen.queryByRole('button', { name: 'Trust these contacts' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Address books to trust' })).toBeNull();
    await f.user.clear(f.target());
    await f.user.type(f.target(), 'new@sms.example{Enter}');
    expect(await screen.findByText('A code was sent to new@sms.example — type it here')).toBeTruthy();
    expect(alerts.callsOf('alerts.set').map((c) => (c as { update: object }).update)).toEqual([{ target: 'new@sms.example' }]);
  });

  it('turns off keeping the target; busy while in flight, sent once; a lost connection offers Retry', async () => {
    alerts.state = { ...PENDING, confirmed: true };
    const f = await open();
    const release = alerts.holdNext('alerts.off');
    alerts.failNext('alerts.off', serverError('disconnected', 'gone', 'alerts'));
    await f.user.click(screen.getByRole('button', { name: 'Turn off alerts' }));
    await f.user.click(screen.getByRole('button', { name: 'Turning off…' }));
    expect(alerts.callsOf('alerts.off')).toHaveLength(1);
    release();
    expect(await screen.findByText('Thunderbird could not reach the server: gone')).toBeTruthy();
    await f.user.click(screen.getByRole('button', { name: 'Retry' }));
    expect((await screen.findAllByText('No alerts are sent.')).length).toBeGreaterThan(0);
    expect(f.target().value).toBe('pager@sms.example');
    expect(screen.getByRole('button', { name: 'Turn on alerts' })).toBeTruthy();
  });

  it('trusted contacts with the Spam panel\'s picker: only the chosen books, sent through alerts, the form kept', async () => {
    const f = await open();
    await f.user.type(f.words(), 'typed, not saved');
    const trust = screen.getByRole('button', { name: 'Trust these contacts' });
    expect(trust.getAttribute('aria-disabled')).toBe('true');
    await f.user.click(await screen.findByRole('checkbox', { name: 'Work' }));
    await f.user.click(trust);
    expect(await screen.findByText('The server now trusts 1 contacts. 1 invalid addresses were left out.')).toBeTruthy();
    expect(alerts.callsOf('contacts.addresses').map((c) => (c as { readonly books?: readonly string[] }).books)).toEqual([['book2']]);
    expect(alerts.trusted).toEqual(['carl@example.com']);
    expect(screen.getByTestId('trusted-contacts-count').textContent).toBe('Trusted contacts stored on the server: 1.');
    // The same remembered choice the Spam panel reads.
    expect(storage['trustedBooks.account1']).toEqual([{ id: 'book2', name: 'Work' }]);
    expect(background.current.calls).toEqual([]);
    expect(f.words().value).toBe('typed, not saved');
  });

  it('the books chosen in the Spam panel are the ones shown and refreshed here, not every book', async () => {
    storage['trustedBooks.account1'] = [{ id: 'book1', name: 'Personal' }];
    const f = await open();
    expect((await screen.findByRole('checkbox', { name: 'Personal' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Work' }) as HTMLInputElement).checked).toBe(false);
    await f.user.click(screen.getByRole('button', { name: 'Refresh from the same address books' }));
    expect(await screen.findByText('The server now trusts 2 contacts. 1 invalid addresses were left out.')).toBeTruthy();
    expect(alerts.callsOf('contacts.addresses').map((c) => (c as { readonly books?: readonly string[] }).books)).toEqual([['book1']]);
    expect(alerts.callsOf('alerts.contacts.set').map((c) => (c as { readonly addresses: readonly string[] }).addresses)).toEqual([['ann@example.org', 'bob@example.org']]);
  });

  it('shows the trusted contacts through alerts and removes one, then all', async () => {
    alerts.trusted = ['anna@example.com', 'tom@partner.example'];
    const f = await open();
    expect(screen.queryByTestId('trusted-contacts-count')).toBeNull();
    await f.user.click(screen.getByRole('button', { name: 'Show' }));
    const list = await screen.findByRole('list', { name: 'Trusted contacts on the server' });
    expect(screen.getByText('The server trusts these 2 contacts:')).toBeTruthy();
    await f.user.click(within(list).getByRole('button', { name: 'Remove anna@example.com' }));
    expect(await screen.findByText('anna@example.com is no longer a trusted contact.')).toBeTruthy();
    expect(alerts.callsOf('alerts.contacts.set').map((c) => (c as { readonly addresses: readonly string[] }).addresses)).toEqual([['tom@partner.example']]);
    expect(screen.getByTestId('trusted-contacts-count').textContent).toBe('Trusted contacts stored on the server: 1.');
    await f.user.click(screen.getByRole('button', { name: 'Remove all' }));
    expect(await screen.findByText('The trusted contacts were removed from the server.')).toBeTruthy();
    expect(alerts.trusted).toEqual([]);
    expect(alerts.calls.filter((c) => c.type.startsWith('spam.'))).toEqual([]);
  });

  it('a state that cannot be read: the reason and Retry', async () => {
    alerts.failNext('alerts.show', serverError('XEXEC-TIMEOUT', 'slow', 'alerts', 30));
    const user = userEvent.setup();
    render(<AlertsPanel accountId="account1" />);
    expect((await screen.findByRole('alert')).textContent).toBe('The server stopped “alerts” after 30 seconds.');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No alerts are sent.')).toBeTruthy();
    expect(background.current.calls).toEqual([]);
    expect(await screen.findByRole('button', { name: 'Trust these contacts' })).toBeTruthy();
  });
});
