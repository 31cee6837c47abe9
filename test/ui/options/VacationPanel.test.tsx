// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VacationState } from '../../../src/modules/vacation.js';
import { describeVacation, VacationPanel } from '../../../ui/options/VacationPanel.js';
import { resetBackground, serverError, type FakeBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

let server: FakeBackground;
beforeEach(() => {
  server = resetBackground();
});
afterEach(cleanup);

const STORED: VacationState = {
  status: 'on',
  subject: 'Away',
  days: 3,
  start: '2030-07-01' as VacationState['start'],
  end: '2030-07-15' as VacationState['end'],
  body: 'I am away.\nBack on the 16th.',
  only: [],
};

async function open(email: string | null = 'jane@example.com') {
  const user = userEvent.setup();
  render(<VacationPanel accountId="account1" email={email} />);
  await screen.findByRole('checkbox', { name: 'Send an automatic reply' });
  const get = {
    enabled: () => screen.getByRole('checkbox', { name: 'Send an automatic reply' }) as HTMLInputElement,
    subject: () => screen.getByRole('textbox', { name: 'Subject' }) as HTMLInputElement,
    body: () => screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement,
    start: () => screen.getByLabelText('First day') as HTMLInputElement,
    end: () => screen.getByLabelText('Last day') as HTMLInputElement,
    days: () => screen.getByRole('spinbutton', { name: 'Days before the same sender is answered again' }) as HTMLInputElement,
    preview: () => screen.getByRole('region', { name: 'Preview' }),
  };
  return { user, ...get };
}

describe('the automatic reply', () => {
  it('shows what is stored, in words and in the form', async () => {
    server.vacation = STORED;
    const f = await open();
    expect(screen.getByText('The automatic reply is on and waits for its first day: it is sent from Monday, July 1, 2030 to Monday, July 15, 2030.')).toBeTruthy();
    expect(f.enabled().checked).toBe(true);
    expect(f.subject().value).toBe('Away');
    expect(f.body().value).toBe('I am away.\nBack on the 16th.');
    expect(f.start().value).toBe('2030-07-01');
    expect(f.end().value).toBe('2030-07-15');
    expect(f.days().value).toBe('3');
    // Nothing changed yet.
    expect(screen.getByRole('button', { name: 'Save' }).getAttribute('aria-disabled')).toBe('true');
  });

  it('the preview follows the form: sender, subject (or the server\'s default), dates, interval and text', async () => {
    const f = await open();
    const preview = f.preview();
    expect(within(preview).getByText('jane@example.com')).toBeTruthy();
    expect(within(preview).getByText('Auto: (the sender\'s subject)')).toBeTruthy();
    expect(within(preview).getByText('never (the reply is off)')).toBeTruthy();
    await f.user.click(f.enabled());
    await f.user.type(f.subject(), 'Out of office');
    await f.user.type(f.body(), 'Hello,{Enter}I am away.');
    fireEvent.input(f.start(), { target: { value: '2030-12-24' } });
    fireEvent.input(f.end(), { target: { value: '2031-01-02' } });
    expect(within(preview).getByText('Out of office')).toBeTruthy();
    expect(within(preview).getByText('from Tuesday, December 24, 2030 to Thursday, January 2, 2031')).toBeTruthy();
    expect(within(preview).getByText('7')).toBeTruthy();
    expect(within(preview).getByTestId('vacation-preview-body').textContent).toBe('Hello,\nI am away.');
  });

  it('turns it on with every field, and says what is now set', async () => {
    const f = await open();
    await f.user.click(f.enabled());
    await f.user.type(f.body(), 'Back soon.');
    fireEvent.input(f.end(), { target: { value: '2030-01-31' } });
    await f.user.clear(f.days());
    await f.user.type(f.days(), '14');
    await f.user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await within(screen.getByRole('status')).findByText('The automatic reply is on, until Thursday, January 31, 2030.')).toBeTruthy();
    expect(server.callsOf('vacation.set').map((c) => c.update)).toEqual([{ subject: '', body: 'Back soon.', days: 14, start: null, end: '2030-01-31' }]);
    expect(screen.getByRole('button', { name: 'Save' }).getAttribute('aria-disabled')).toBe('true');
  });

  it('checks fields before sending: empty text, interval, end before start', async () => {
    const f = await open();
    await f.user.click(f.enabled());
    await f.user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('Enter the text of the reply.')).toBeTruthy();
    expect(f.body().getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(f.body());

    await f.user.type(f.body(), 'Away.');
    await f.user.clear(f.days());
    await f.user.type(f.days(), '0');
    await f.user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('The interval must be a whole number of days from 1 to 60.')).toBeTruthy();
    expect(f.days().getAttribute('aria-invalid')).toBe('true');

    await f.user.clear(f.days());
    await f.user.type(f.days(), '7');
    fireEvent.input(f.start(), { target: { value: '2030-05-10' } });
    fireEvent.input(f.end(), { target: { value: '2030-05-01' } });
    await f.user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByText('The end date is before the start date.')).toBeTruthy();
    expect(f.end().getAttribute('aria-invalid')).toBe('true');
    expect(server.callsOf('vacation.set')).toEqual([]);
  });

  it('turning it off sends off, keeps the text, and says so', async () => {
    server.vacation = { ...STORED, start: null, end: null };
    const f = await open();
    expect(screen.getByText('The automatic reply is on, every day until you turn it off.')).toBeTruthy();
    await f.user.click(f.enabled());
    await f.user.click(screen.getByRole('button', { name: 'Turn off' }));
    expect(await within(screen.getByRole('status')).findByText('No automatic reply is sent.')).toBeTruthy();
    expect(server.callsOf('vacation.off')).toHaveLength(1);
    expect(f.body().value).toBe(STORED.body);
  });

  it('while off, changed text cannot be saved on its own, and the page says why', async () => {
    server.vacation = { ...STORED, status: 'off' };
    const f = await open();
    await f.user.type(f.subject(), '!');
    expect(screen.getByText('The reply is off: changed text is saved on the server when you turn the reply on.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save' }).getAttribute('aria-disabled')).toBe('true');
    await f.user.click(screen.getByRole('button', { name: 'Discard changes' }));
    expect(f.subject().value).toBe('Away');
  });

  it('a refusal keeps everything typed; a timeout offers Retry; sent once while busy', async () => {
    const f = await open();
    await f.user.click(f.enabled());
    await f.user.type(f.body(), 'Away.');
    server.failNext('vacation.set', serverError('XEXEC-EXIT', 'Sieve script does not compile', 'vacation', 1));
    await f.user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('The server refused: Sieve script does not compile')).toBeTruthy();
    expect(f.body().value).toBe('Away.');
    expect(f.enabled().checked).toBe(true);

    const held = server.holdNext('vacation.set');
    server.failNext('vacation.set', serverError('timeout', '', 'vacation'));
    await f.user.click(screen.getByRole('button', { name: 'Save' }));
    await f.user.click(screen.getByRole('button', { name: 'Saving…' }));
    held.release();
    expect(await screen.findByText(/did not answer in time/)).toBeTruthy();
    expect(server.callsOf('vacation.set')).toHaveLength(2);
    await f.user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await within(screen.getByRole('status')).findByText(/The automatic reply is on/)).toBeTruthy();
    expect(server.vacation.body).toBe('Away.');
  });

  it('a state that cannot be read: the reason and Retry', async () => {
    server.failNext('vacation.show', serverError('disconnected', 'no connection', 'vacation'));
    const user = userEvent.setup();
    render(<VacationPanel accountId="account1" email={null} />);
    expect((await screen.findByRole('alert')).textContent).toBe('Thunderbird could not reach the server: no connection');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('No automatic reply is sent.')).toBeTruthy();
  });
});

describe('reply to', () => {
  const replyTo = () => screen.getByRole('group', { name: 'Reply to' });
  const radio = (name: string | RegExp) => within(replyTo()).getByRole('radio', { name }) as HTMLInputElement;
  const save = () => screen.getByRole('button', { name: 'Save' });

  it('everyone at first; "only my domain" sends the account\'s @domain and shows it stored', async () => {
    server.vacation = STORED;
    const f = await open('Jane@Example.com');
    expect(within(replyTo()).getAllByRole('radio').map((r) => r.parentElement?.textContent)).toEqual([
      'Everyone', 'Only people in my address books', 'Only people at @example.com',
    ]);
    expect(radio('Everyone').checked).toBe(true);
    await f.user.click(radio('Only people at @example.com'));
    await f.user.click(save());
    expect(await within(screen.getByRole('status')).findByText(/The automatic reply is on/)).toBeTruthy();
    expect(server.callsOf('vacation.set').map((c) => c.update.only)).toEqual([['@example.com']]);
    expect(server.vacation.only).toEqual(['@example.com']);
    expect(radio('Only people at @example.com').checked).toBe(true);
    expect(save().getAttribute('aria-disabled')).toBe('true');

    await f.user.click(radio('Everyone'));
    await f.user.click(save());
    await screen.findByText('Everyone');
    expect(server.callsOf('vacation.set').map((c) => c.update.only)).toEqual([['@example.com'], []]);
  });

  it('a stored list that is neither is shown, and kept when only the text changes', async () => {
    server.vacation = { ...STORED, only: ['@partner.example', 'boss@example.com'] };
    const f = await open();
    expect(radio('Only the senders saved on the server now (2)').checked).toBe(true);
    await f.user.type(f.subject(), '!');
    await f.user.click(save());
    expect(await within(screen.getByRole('status')).findByText(/The automatic reply is on/)).toBeTruthy();
    expect(server.callsOf('vacation.set')[0]?.update).not.toHaveProperty('only');
    expect(server.vacation.only).toEqual(['@partner.example', 'boss@example.com']);
  });

  it('the domain the account has stored already reads as "only my domain"', async () => {
    server.vacation = { ...STORED, only: ['@example.com'] };
    await open();
    expect(radio('Only people at @example.com').checked).toBe(true);
    expect(within(replyTo()).queryByRole('radio', { name: /saved on the server/ })).toBeNull();
  });

  it('"my contacts" sends the primary addresses the background read, and says how many', async () => {
    server.vacation = STORED;
    server.contacts = ['amy@example.org', 'bob@example.net'];
    server.contactsSkipped = 1;
    const f = await open();
    await f.user.click(radio('Only people in my address books'));
    expect((await screen.findByTestId('vacation-contacts')).textContent).toBe(
      'Addresses from your address books to save on the server: 2. Contacts left out because the server would refuse their address: 1.',
    );
    await f.user.click(save());
    expect(await within(screen.getByRole('status')).findByText(/The automatic reply is on/)).toBeTruthy();
    expect(server.callsOf('vacation.set').map((c) => c.update.only)).toEqual([['amy@example.org', 'bob@example.net']]);
    // What is stored now is a list of senders: shown as such.
    expect(radio('Only the senders saved on the server now (2)').checked).toBe(true);
  });

  it('no contacts with addresses: said, and nothing to save', async () => {
    server.vacation = STORED;
    const f = await open();
    await f.user.click(radio('Only people in my address books'));
    expect((await screen.findByRole('alert')).textContent).toBe('Your address books have no e-mail addresses: choose another option.');
    expect(save().getAttribute('aria-disabled')).toBe('true');
    await f.user.click(save());
    expect(server.callsOf('vacation.set')).toEqual([]);
  });

  it('too many contacts for one command: said plainly, nothing cut off or sent; "my domain" still works', async () => {
    server.vacation = STORED;
    server.contacts = Array.from({ length: 4000 }, (_, i) => `person${String(i).padStart(4, '0')}@example.org`);
    const f = await open();
    await f.user.click(radio('Only people in my address books'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Too many addresses for one command to the server .*Nothing was left out/);
    expect(save().getAttribute('aria-disabled')).toBe('true');
    await f.user.click(save());
    expect(server.callsOf('vacation.set')).toEqual([]);
    await f.user.click(radio('Only people at @example.com'));
    expect(screen.queryByRole('alert')).toBeNull();
    await f.user.click(save());
    expect(await within(screen.getByRole('status')).findByText(/The automatic reply is on/)).toBeTruthy();
    expect(server.callsOf('vacation.set').map((c) => c.update.only)).toEqual([['@example.com']]);
  });

  it('an account without an address has no "my domain"', async () => {
    await open(null);
    expect(within(replyTo()).getAllByRole('radio')).toHaveLength(2);
  });
});

describe('describeVacation', () => {
  it('tells a reply that has ended or not begun from one that answers today', () => {
    expect(describeVacation({ ...STORED, end: '2030-01-01' as VacationState['end'], start: null }, '2030-02-01'))
      .toBe('The automatic reply is on, but its last day (Tuesday, January 1, 2030) has passed: no replies are sent.');
    expect(describeVacation(STORED, '2030-07-02')).toBe('The automatic reply is on, from Monday, July 1, 2030 to Monday, July 15, 2030.');
    expect(describeVacation({ ...STORED, end: null }, '2030-06-30')).toMatch(/waits for its first day: it is sent from Monday, July 1, 2030 on\.$/);
    expect(describeVacation({ ...STORED, status: 'off' }, '2030-07-02')).toBe('No automatic reply is sent.');
  });
});
