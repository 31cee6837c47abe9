// @vitest-environment happy-dom
// The trusted-contacts picker's remembered choice (TrustedContacts.tsx): what is read back from
// storage, which remembered books still exist, and that both panels' pickers (kept mounted side
// by side) show one choice. The picker's actions are tested through the Spam and Alerts panels.
import { cleanup, render, screen, within } from '@testing-library/preact';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackgroundRequest, BackgroundResponse } from '../../../src/messages/messages.js';
import type { AlertsState } from '../../../src/modules/alerts.js';
import type { SpamState } from '../../../src/modules/spam.js';
import { bookChoiceKey, readBookChoice, splitChoice, TrustedContacts } from '../../../ui/options/TrustedContacts.js';
import { background, browserFake, FakeBackground, resetBackground, storage } from '../fakes.js';
import { FakeAddressBooks } from './fakeContacts.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => (await import('../fakes.js')).clientModule());

describe('the remembered address books', () => {
  it('one key per account', () => {
    expect(bookChoiceKey('account1')).toBe('trustedBooks.account1');
    expect(bookChoiceKey('account2')).not.toBe(bookChoiceKey('account1'));
  });

  it('reads back only well-formed books; anything else is no choice', () => {
    expect(readBookChoice([{ id: 'b1', name: 'Personal', extra: 1 }, { id: 2, name: 'x' }, null, 'b3', { id: 'b4' }])).toEqual([{ id: 'b1', name: 'Personal' }]);
    expect(readBookChoice(undefined)).toEqual([]);
    expect(readBookChoice({ id: 'b1', name: 'Personal' })).toEqual([]);
  });

  it('splits into the books that exist (under their names now) and those that are gone', () => {
    const remembered = [{ id: 'b1', name: 'Personal' }, { id: 'b2', name: 'Club' }];
    expect(splitChoice(remembered, [{ id: 'b1', name: 'Family' }, { id: 'b3', name: 'Work' }])).toEqual({
      present: [{ id: 'b1', name: 'Family' }], gone: [{ id: 'b2', name: 'Club' }],
    });
    expect(splitChoice([], [{ id: 'b1', name: 'Personal' }])).toEqual({ present: [], gone: [] });
  });
});

const SPAM: SpamState = { level: 'off', action: 'junk', deleteDays: null, virusCheck: false, tlds: [], charsets: [], contacts: 0 };
const ALERTS: AlertsState = { status: 'off', target: null, confirmed: false, senders: [], words: [], urgent: false, contacts: false, maxPerHour: null, targetDomains: [] };

/** One server file behind both modules' contacts requests, and the address books. */
class ContactsBackground extends FakeBackground {
  readonly addressBooks = new FakeAddressBooks();
  trusted: string[] = [];

  override async handle(r: BackgroundRequest): Promise<BackgroundResponse> {
    const books = this.addressBooks.handle(r);
    if (books) return books;
    this.calls.push(r);
    if (r.type === 'spam.contacts.set' || r.type === 'alerts.contacts.set') this.trusted = [...r.addresses];
    if (r.type === 'spam.contacts.set') return { ok: true, value: { ...SPAM, contacts: this.trusted.length } };
    if (r.type === 'alerts.contacts.set') return { ok: true, value: ALERTS };
    return super.handle(r);
  }
}

/** storage.onChanged as Thunderbird fires it: after every storage.local.set, in every page. */
const listeners = new Set<(changes: Record<string, { newValue?: unknown }>, area: string) => void>();
const storageApi = browserFake.storage as typeof browserFake.storage & { onChanged?: unknown };

let server: ContactsBackground;
beforeEach(() => {
  resetBackground();
  server = new ContactsBackground();
  background.current = server;
  storageApi.onChanged = { addListener: (l: never) => listeners.add(l), removeListener: (l: never) => listeners.delete(l) };
  browserFake.storage.local.set.mockImplementation(async (values: Record<string, unknown>) => {
    Object.assign(storage, values);
    for (const l of listeners) l(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { newValue: v }])), 'local');
  });
});
afterEach(() => {
  cleanup();
  delete storageApi.onChanged;
  listeners.clear();
});

describe('both panels\' pickers', () => {
  it('a choice sent from one is shown and refreshed by the other, already open', async () => {
    const user = userEvent.setup();
    render(
      <>
        <div data-testid="spam"><TrustedContacts module="spam" accountId="account1" count={0} onState={() => undefined} setStatus={() => undefined} /></div>
        <div data-testid="alerts"><TrustedContacts module="alerts" accountId="account1" onState={() => undefined} setStatus={() => undefined} /></div>
      </>,
    );
    const spam = within(screen.getByTestId('spam'));
    const alerts = within(screen.getByTestId('alerts'));
    await user.click(await spam.findByRole('checkbox', { name: 'Work' }));
    await user.click(spam.getByRole('button', { name: 'Trust these contacts' }));
    expect(await alerts.findByText('Refresh reads these address books again: Work.')).toBeTruthy();
    expect((alerts.getByRole('checkbox', { name: 'Work' }) as HTMLInputElement).checked).toBe(true);
    expect((alerts.getByRole('checkbox', { name: 'Personal' }) as HTMLInputElement).checked).toBe(false);

    server.addressBooks.bookAddresses.book2 = ['carl@example.com', 'dora@example.com'];
    await user.click(alerts.getByRole('button', { name: 'Refresh from the same address books' }));
    await alerts.findByText('Trusted contacts stored on the server: 2.');
    expect(server.callsOf('alerts.contacts.set').map((c) => c.addresses)).toEqual([['carl@example.com', 'dora@example.com']]);
  });
});
