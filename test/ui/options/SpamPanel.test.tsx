// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UserError } from '../../../src/messages/errors.js';
import type { BackgroundRequest, BackgroundResponse } from '../../../src/messages/messages.js';
import type { SpamState } from '../../../src/modules/spam.js';
import { SpamPanel } from '../../../ui/options/SpamPanel.js';
import { background, FakeBackground, resetBackground, serverError, storage } from '../fakes.js';
import { FakeAddressBooks } from './fakeContacts.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

/** The shared fake background with the spam module and the address books (as router.ts answers them). */
class SpamBackground extends FakeBackground {
  spam: SpamState = { level: 'off', action: 'junk', deleteDays: null, virusCheck: false, tlds: [], charsets: [], contacts: 0 };
  readonly addressBooks = new FakeAddressBooks();
  trusted: string[] = [];
  private spamFailures: { type: string; error: UserError }[] = [];

  failSpam(type: string, error: UserError): void {
    this.spamFailures.push({ type, error });
  }

  override async handle(request: BackgroundRequest): Promise<BackgroundResponse> {
    if (!request.type.startsWith('spam.') && request.type !== 'contacts.books' && request.type !== 'contacts.addresses') return super.handle(request);
    this.calls.push(request);
    const failure = this.spamFailures.findIndex((f) => f.type === request.type);
    if (failure >= 0) return { ok: false, error: this.spamFailures.splice(failure, 1)[0]!.error };
    const r = request;
    const state = () => ({ ok: true as const, value: { ...this.spam, contacts: this.trusted.length } });
    const books = this.addressBooks.handle(r);
    if (books) return books;
    switch (r.type) {
      case 'spam.show':
        return state();
      case 'spam.set':
        this.spam = { ...this.spam, ...r.update };
        return state();
      case 'spam.contacts.set':
        this.trusted = [...r.addresses];
        return state();
      case 'spam.contacts.clear':
        this.trusted = [];
        return state();
      case 'spam.contacts.list':
        return { ok: true, value: { addresses: this.trusted.join('\n') } };
      default:
        throw new Error(`unexpected ${r.type}`);
    }
  }
}

let server: SpamBackground;
beforeEach(() => {
  resetBackground();
  server = new SpamBackground();
  background.current = server;
});
afterEach(cleanup);

async function open(props: Partial<Parameters<typeof SpamPanel>[0]> = {}) {
  const user = userEvent.setup();
  render(<SpamPanel accountId="account1" {...props} />);
  await screen.findByRole('group', { name: 'Filter level' });
  return { user, save: () => screen.getByRole('button', { name: 'Save' }) };
}

describe('the spam panel', () => {
  it('shows the stored state: level, junk only, blocked lists, contacts count', async () => {
    server.spam = { level: 'standard', action: 'junk', deleteDays: null, virusCheck: false, tlds: ['ru'], charsets: ['koi8-r'], contacts: 0 };
    server.trusted = ['a@example.org', 'b@example.org'];
    await open();
    expect(screen.getByTestId('spam-state').textContent).toContain('Filter level: Standard. Blocked top-level domains: 1, blocked character sets: 1.');
    expect((screen.getByRole('radio', { name: 'Standard' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('To Junk when the server’s spam scanner scores a message at 50 % of its maximum or more.')).toBeTruthy();
    expect(screen.getByTestId('spam-junk-only').textContent).toContain('only moves spam to the Junk folder');
    expect(within(screen.getByTestId('spam-tlds-chosen')).getByText('.ru (Russia)')).toBeTruthy();
    const cyrillic = screen.getByRole('checkbox', { name: 'Cyrillic (Russian, Ukrainian, …)' }) as HTMLInputElement;
    expect(cyrillic.checked).toBe(false);
    expect(cyrillic.indeterminate).toBe(true);
    expect(screen.getByTestId('trusted-contacts-count').textContent).toBe('Trusted contacts stored on the server: 2.');
    expect(screen.getByRole('heading', { name: 'What this cannot catch' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save' }).getAttribute('aria-disabled')).toBe('true');
  });

  it('says when the server also checks for viruses, and only then', async () => {
    await open();
    expect(screen.queryByTestId('spam-virus-check')).toBeNull();
    cleanup();
    server.spam = { ...server.spam, virusCheck: true };
    await open();
    expect(screen.getByTestId('spam-virus-check').textContent).toBe('This server also checks mail for viruses: infected mail goes to Junk at every level but Off.');
  });

  it('offers delete after N days only when the server does', async () => {
    server.spam = { ...server.spam, deleteDays: 30 };
    const f = await open();
    await f.user.click(screen.getByRole('radio', { name: 'Move it to the folder the server empties after 30 days' }));
    await f.user.click(f.save());
    await screen.findByText(/Filter level: Off/, { selector: '.status-text' });
    expect(server.callsOf('spam.set')[0]?.update).toEqual({ level: 'off', action: 'delete', tlds: [], charsets: [] });
  });

  it('saves level, a TLD picked by its country name, a typed IDN and a charset group in one set', async () => {
    const f = await open();
    await f.user.click(screen.getByRole('radio', { name: 'Strict' }));
    await f.user.type(screen.getByRole('searchbox', { name: 'Find a country or domain' }), 'russ');
    const list = screen.getByRole('list', { name: 'Top-level domains to choose from' });
    await f.user.click(within(list).getByRole('checkbox', { name: '.ru Russia' }));
    await f.user.type(screen.getByRole('textbox', { name: 'Another top-level domain' }), 'рф{Enter}');
    await f.user.click(screen.getByRole('checkbox', { name: 'Chinese' }));
    expect(screen.getByTestId('spam-unsaved')).toBeTruthy();
    await f.user.click(f.save());
    await screen.findByText('Filter level: Strict. Blocked top-level domains: 2, blocked character sets: 6.', { selector: '.status-text' });
    expect(server.callsOf('spam.set')).toEqual([{
      type: 'spam.set', accountId: 'account1',
      update: { level: 'strict', action: 'junk', tlds: ['ru', 'xn--p1ai'], charsets: ['gb2312', 'gbk', 'gb18030', 'big5', 'big5-hkscs', 'hz-gb-2312'] },
    }]);
    // A chip removes its TLD.
    await f.user.click(screen.getByRole('button', { name: 'Remove .ru' }));
    expect(screen.getByTestId('spam-unsaved')).toBeTruthy();
  });

  it('refuses a typed TLD that is none, without sending', async () => {
    const f = await open();
    await f.user.type(screen.getByRole('textbox', { name: 'Another top-level domain' }), 'mail.ru{Enter}');
    expect(screen.getByText('“mail.ru” is not a top-level domain (such as ru or com).')).toBeTruthy();
    expect(screen.getByTestId('spam-tlds-none')).toBeTruthy();
    expect(server.callsOf('spam.set')).toEqual([]);
  });

  it('a level the server refuses: its message is shown and the choice stays unsaved', async () => {
    const f = await open();
    server.failSpam('spam.set', serverError('XEXEC-EXIT', 'This server has no spam scanner; only off and allowed-only are possible', 'spam', 1));
    await f.user.click(screen.getByRole('radio', { name: 'Lenient' }));
    await f.user.click(f.save());
    const status = await screen.findByText(/Not saved: .*This server has no spam scanner/);
    expect(status).toBeTruthy();
    expect((screen.getByRole('radio', { name: 'Lenient' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('spam-unsaved')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('a lost connection offers Retry, which saves', async () => {
    const f = await open();
    server.failSpam('spam.set', serverError('timeout', 'no answer', 'spam'));
    await f.user.click(screen.getByRole('radio', { name: 'Only allowed senders' }));
    await f.user.click(f.save());
    await f.user.click(await screen.findByRole('button', { name: 'Retry' }));
    await screen.findByText(/Filter level: Only allowed senders/, { selector: '.status-text' });
    expect(server.spam.level).toBe('allowed-only');
  });

  it('values fixed by the administrator are read-only and always sent', async () => {
    server.spam = { ...server.spam, level: 'lenient' };
    const f = await open({ fixed: { level: 'strict', tlds: ['cn'] } });
    expect((screen.getByRole('radio', { name: 'Strict' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('radio', { name: 'Off' }) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getAllByText('Set by your administrator.')).toHaveLength(2);
    expect(screen.queryByRole('searchbox')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Remove .cn' })).toBeNull();
    await f.user.click(screen.getByRole('checkbox', { name: 'Greek' }));
    await f.user.click(f.save());
    await screen.findByText(/Filter level: Strict/, { selector: '.status-text' });
    expect(server.callsOf('spam.set')[0]?.update).toMatchObject({ level: 'strict', tlds: ['cn'], charsets: ['iso-8859-7', 'windows-1253'] });
  });

  it('a load failure offers Retry', async () => {
    server.failSpam('spam.show', serverError('timeout', 'no answer', 'spam'));
    const user = userEvent.setup();
    render(<SpamPanel accountId="account1" />);
    await user.click(await screen.findByRole('button', { name: 'Retry' }));
    await screen.findByRole('group', { name: 'Filter level' });
  });
});

/** The addresses a shown list of trusted contacts holds (each row also has its Remove). */
const shownAddresses = (list: HTMLElement) => within(list).getAllByRole('listitem').map((li) => li.querySelector('.contact-address')?.textContent);

describe('trust my contacts', () => {
  it('sends the addresses of the chosen books, shows the count, lists and removes them', async () => {
    const f = await open();
    const trust = screen.getByRole('button', { name: 'Trust these contacts' });
    expect(trust.getAttribute('aria-disabled')).toBe('true');
    await f.user.click(await screen.findByRole('checkbox', { name: 'Personal' }));
    await f.user.click(trust);
    await screen.findByText('The server now trusts 2 contacts. 1 invalid addresses were left out.');
    expect(server.callsOf('contacts.addresses')[0]?.books).toEqual(['book1']);
    expect(server.callsOf('spam.contacts.set')[0]?.addresses).toEqual(['ann@example.org', 'bob@example.org']);
    expect(screen.getByTestId('trusted-contacts-count').textContent).toBe('Trusted contacts stored on the server: 2.');

    await f.user.click(screen.getByRole('button', { name: 'Show' }));
    const list = await screen.findByRole('list', { name: 'Trusted contacts on the server' });
    expect(shownAddresses(list)).toEqual(['ann@example.org', 'bob@example.org']);

    await f.user.click(screen.getByRole('button', { name: 'Remove all' }));
    await screen.findByText('The trusted contacts were removed from the server.');
    expect(screen.getByTestId('trusted-contacts-count').textContent).toBe('No trusted contacts are stored on the server.');
    expect(server.trusted).toEqual([]);
  });

  it('contacts changes keep unsaved filter edits', async () => {
    const f = await open();
    await f.user.click(screen.getByRole('radio', { name: 'Strict' }));
    await f.user.click(await screen.findByRole('checkbox', { name: 'Work' }));
    await f.user.click(screen.getByRole('button', { name: 'Trust these contacts' }));
    await screen.findByText(/The server now trusts 1 contacts/);
    expect((screen.getByRole('radio', { name: 'Strict' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('spam-unsaved')).toBeTruthy();
  });
  it('remembers the chosen books per account: after a reload one click re-reads them and sends what they hold now', async () => {
    const f = await open();
    await f.user.click(await screen.findByRole('checkbox', { name: 'Personal' }));
    expect(screen.queryByRole('button', { name: 'Refresh from the same address books' })).toBeNull();
    await f.user.click(screen.getByRole('button', { name: 'Trust these contacts' }));
    await screen.findByText(/The server now trusts 2 contacts/);
    expect(storage['trustedBooks.account1']).toEqual([{ id: 'book1', name: 'Personal' }]);

    // The user adds a contact to the book; the page is opened again later.
    server.addressBooks.bookAddresses.book1 = ['ann@example.org', 'bob@example.org', 'dan@example.org'];
    cleanup();
    const again = await open();
    expect((await screen.findByRole('checkbox', { name: 'Personal' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'Work' }) as HTMLInputElement).checked).toBe(false);
    const refresh = screen.getByRole('button', { name: 'Refresh from the same address books' });
    expect(refresh.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(refresh.getAttribute('aria-describedby')!)?.textContent).toBe('Refresh reads these address books again: Personal.');
    await again.user.click(refresh);
    await screen.findByText('The server now trusts 3 contacts. 1 invalid addresses were left out.');
    expect(server.callsOf('contacts.addresses').at(-1)?.books).toEqual(['book1']);
    expect(server.callsOf('spam.contacts.set').at(-1)?.addresses).toEqual(['ann@example.org', 'bob@example.org', 'dan@example.org']);
    expect(server.trusted).toContain('dan@example.org');
  });

  it('refresh drops a remembered book that is gone and says so; the others are sent', async () => {
    storage['trustedBooks.account1'] = [{ id: 'book1', name: 'Personal' }, { id: 'book9', name: 'Old club' }];
    const f = await open();
    await f.user.click(await screen.findByRole('button', { name: 'Refresh from the same address books' }));
    await screen.findByText('The server now trusts 2 contacts. 1 invalid addresses were left out.');
    expect(screen.getByText('No longer in Thunderbird, so dropped from your choice: Old club.')).toBeTruthy();
    expect(server.callsOf('contacts.addresses').at(-1)?.books).toEqual(['book1']);
    expect(storage['trustedBooks.account1']).toEqual([{ id: 'book1', name: 'Personal' }]);
    expect(screen.getByTestId('trusted-remembered').textContent).toBe('Refresh reads these address books again: Personal.');
  });

  it('refresh when every remembered book is gone: nothing is sent, the choice is cleared, the user is told', async () => {
    storage['trustedBooks.account1'] = [{ id: 'book9', name: 'Old club' }];
    server.trusted = ['ann@example.org'];
    const f = await open();
    await f.user.click(await screen.findByRole('button', { name: 'Refresh from the same address books' }));
    await screen.findByText('The address books you chose are no longer in Thunderbird (Old club); nothing was changed. Choose address books again.');
    expect(server.callsOf('contacts.addresses')).toEqual([]);
    expect(server.callsOf('spam.contacts.set')).toEqual([]);
    expect(server.trusted).toEqual(['ann@example.org']);
    expect(storage['trustedBooks.account1']).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Refresh from the same address books' })).toBeNull();
  });

  it('removes one address: the list without it is sent; the last one clears them', async () => {
    server.trusted = ['ann@example.org', 'bob@example.org', 'carl@example.com'];
    const f = await open();
    await f.user.click(screen.getByRole('button', { name: 'Show' }));
    const list = await screen.findByRole('list', { name: 'Trusted contacts on the server' });
    await f.user.click(within(list).getByRole('button', { name: 'Remove bob@example.org' }));
    await screen.findByText('bob@example.org is no longer a trusted contact.');
    expect(server.callsOf('spam.contacts.set').map((c) => c.addresses)).toEqual([['ann@example.org', 'carl@example.com']]);
    expect(shownAddresses(list)).toEqual(['ann@example.org', 'carl@example.com']);
    expect(screen.getByTestId('trusted-contacts-count').textContent).toBe('Trusted contacts stored on the server: 2.');
    // The focus stays in the list, on the next address's Remove (moved once the list re-rendered,
    // which a loaded machine can show after the status: a full run once asked too early).
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Remove carl@example.com'));

    await f.user.click(within(list).getByRole('button', { name: 'Remove carl@example.com' }));
    await screen.findByText('carl@example.com is no longer a trusted contact.');
    await f.user.click(within(list).getByRole('button', { name: 'Remove ann@example.org' }));
    await screen.findByText('ann@example.org is no longer a trusted contact.');
    expect(server.callsOf('spam.contacts.clear')).toHaveLength(1);
    expect(server.trusted).toEqual([]);
    expect(screen.getByTestId('trusted-contacts-count').textContent).toBe('No trusted contacts are stored on the server.');
  });

  it('a removal that fails on a lost connection keeps the address and offers Retry', async () => {
    server.trusted = ['ann@example.org', 'bob@example.org'];
    const f = await open();
    await f.user.click(screen.getByRole('button', { name: 'Show' }));
    const list = await screen.findByRole('list', { name: 'Trusted contacts on the server' });
    server.failSpam('spam.contacts.set', serverError('disconnected', 'gone', 'spam'));
    await f.user.click(within(list).getByRole('button', { name: 'Remove ann@example.org' }));
    await screen.findByText('Thunderbird could not reach the server: gone');
    expect(shownAddresses(list)).toEqual(['ann@example.org', 'bob@example.org']);
    await f.user.click(screen.getByRole('button', { name: 'Retry' }));
    await screen.findByText('ann@example.org is no longer a trusted contact.');
    expect(server.trusted).toEqual(['bob@example.org']);
  });
});
