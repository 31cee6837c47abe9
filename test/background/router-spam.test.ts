// The router's spam messages (PROTOCOL.md §6.5) and the address books for "trust my contacts":
// commands as the server receives them through Thunderbird's models, replies parsed, input
// checked before anything is sent, the policy's name and hidden panel applied.
import { describe, expect, it, vi } from 'vitest';
import { createRouter } from '../../src/background/router.js';
import type { BackgroundResponse, RequestType } from '../../src/messages/messages.js';
import { DEFAULT_POLICY } from '../../src/messages/policy.js';
import { failed, fakeXexec, okLines, translate, type Script } from './fakes.js';

const ACCOUNT = 'account1';
const STATE = ['level strict', 'action junk', 'tld ru', 'charset koi8-r', 'contacts 2'];

function setup(script: Script, extra: Partial<Parameters<typeof createRouter>[0]> = {}) {
  const xexec = fakeXexec(script);
  const router = createRouter({ xexec: xexec.typed, translate, ...extra });
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

const PARSED = { level: 'strict', action: 'junk', deleteDays: null, virusCheck: false, tlds: ['ru'], charsets: ['koi8-r'], contacts: 2 };

describe('spam', () => {
  it('show, off, set: one command each, the state parsed', async () => {
    const { router, xexec } = setup(() => okLines(...STATE));
    expect(value(await router.handle({ type: 'spam.show', accountId: ACCOUNT }), 'spam.show')).toEqual(PARSED);
    expect(value(await router.handle({ type: 'spam.off', accountId: ACCOUNT }), 'spam.off')).toEqual(PARSED);
    expect(value(await router.handle({ type: 'spam.set', accountId: ACCOUNT, update: { level: 'strict', tlds: ['RU', 'рф'], charsets: [] } }), 'spam.set')).toEqual(PARSED);
    expect(xexec.execute.mock.calls.map((c) => [c[1], c[2]])).toEqual([
      ['spam', ['show']], ['spam', ['off']], ['spam', ['set', 'level=strict', 'tlds=ru,xn--p1ai', 'charsets=']],
    ]);
  });

  it('a bad TLD is refused before anything is sent', async () => {
    const { router, xexec } = setup(() => okLines(...STATE));
    expect(error(await router.handle({ type: 'spam.set', accountId: ACCOUNT, update: { tlds: ['mail.ru'] } }))).toMatchObject({
      kind: 'input', field: 'tlds', message: '“mail.ru” is not a top-level domain (such as ru or com).',
    });
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('a level the server refuses: the module\'s reason', async () => {
    const { router } = setup(() => failed('XEXEC-EXIT', 'This server\'s spam scanner is not connected to Sieve (spamtest)', 1));
    const e = error(await router.handle({ type: 'spam.set', accountId: ACCOUNT, update: { level: 'standard' } }));
    expect(e).toMatchObject({ kind: 'server', code: 'XEXEC-EXIT', serverMessage: 'This server\'s spam scanner is not connected to Sieve (spamtest)' });
  });

  it('contacts list, set, clear', async () => {
    const { router, xexec } = setup((_m, args) => (args[1] === 'list' ? okLines('a@example.org', 'b@example.org') : okLines(...STATE)));
    expect(value(await router.handle({ type: 'spam.contacts.list', accountId: ACCOUNT }), 'spam.contacts.list')).toEqual({ addresses: 'a@example.org\nb@example.org' });
    expect(value(await router.handle({ type: 'spam.contacts.set', accountId: ACCOUNT, addresses: ['B@example.org', 'a@example.org'] }), 'spam.contacts.set')).toEqual(PARSED);
    expect(value(await router.handle({ type: 'spam.contacts.clear', accountId: ACCOUNT }), 'spam.contacts.clear')).toEqual(PARSED);
    expect(xexec.execute.mock.calls.map((c) => c[2])).toEqual([['contacts', 'list'], ['contacts', 'set', 'a@example.org', 'b@example.org'], ['contacts', 'clear']]);
    expect(error(await router.handle({ type: 'spam.contacts.set', accountId: ACCOUNT, addresses: ['nope'] }))).toMatchObject({ kind: 'input', field: 'addresses.0' });
    expect(xexec.execute).toHaveBeenCalledTimes(3);
  });

  it('contacts set: a list too long for one command is refused before sending (the sentence alerts uses too)', async () => {
    const { router, xexec } = setup(() => okLines(...STATE));
    const many = Array.from({ length: 3000 }, (_, i) => `contact-number-${i}@example.org`);
    expect(error(await router.handle({ type: 'spam.contacts.set', accountId: ACCOUNT, addresses: many }))).toMatchObject({
      kind: 'input', field: 'addresses', message: translate('spamContactsTooMany', ['3000']),
    });
    expect(error(await router.handle({ type: 'spam.contacts.set', accountId: ACCOUNT, addresses: [] }))).toMatchObject({ kind: 'input', field: 'update' });
    expect(xexec.execute).not.toHaveBeenCalled();
  });

  it('the policy\'s name for the module, and a hidden panel refused', async () => {
    const renamed = setup(() => okLines(...STATE), { policy: async () => ({ ...DEFAULT_POLICY, modules: { ...DEFAULT_POLICY.modules, spam: 'junkfilter' } }) });
    value(await renamed.router.handle({ type: 'spam.show', accountId: ACCOUNT }), 'spam.show');
    expect(renamed.xexec.execute.mock.calls[0]?.[1]).toBe('junkfilter');
    const hidden = setup(() => okLines(...STATE), { policy: async () => ({ ...DEFAULT_POLICY, hiddenPanels: ['spam'] }) });
    expect(error(await hidden.router.handle({ type: 'spam.contacts.clear', accountId: ACCOUNT }))).toMatchObject({ kind: 'input', message: 'Your administrator has turned this off.' });
    expect(hidden.xexec.execute).not.toHaveBeenCalled();
  });

  it('values the administrator fixed are sent in place of the page\'s; off is refused with a fixed level', async () => {
    const policy = async () => ({ ...DEFAULT_POLICY, spam: { level: 'standard' as const, tlds: ['cn'] } });
    const { router, xexec } = setup(() => okLines(...STATE), { policy });
    value(await router.handle({ type: 'spam.set', accountId: ACCOUNT, update: { level: 'off', tlds: [], charsets: ['gbk'] } }), 'spam.set');
    expect(xexec.execute.mock.calls[0]?.[2]).toEqual(['set', 'level=standard', 'tlds=cn', 'charsets=gbk']);
    expect(error(await router.handle({ type: 'spam.off', accountId: ACCOUNT }))).toMatchObject({ kind: 'input', message: 'Set by your administrator.' });
    expect(xexec.execute).toHaveBeenCalledTimes(1);
  });

  it('malformed spam requests are refused', async () => {
    const { router } = setup(() => okLines(...STATE));
    for (const message of [
      { type: 'spam.set', accountId: ACCOUNT, update: { tlds: 'ru' } }, { type: 'spam.set', accountId: ACCOUNT, update: { level: 3 } },
      { type: 'spam.contacts.set', accountId: ACCOUNT, addresses: 'a@example.org' }, { type: 'spam.show' },
      { type: 'contacts.addresses', books: 'book1' },
    ]) {
      expect(error(await router.handle(message)), JSON.stringify(message)).toMatchObject({ kind: 'internal' });
    }
  });
});

describe('address books for trust my contacts', () => {
  const VCARD = (email: string) => `BEGIN:VCARD\r\nVERSION:4.0\r\nEMAIL:${email}\r\nEND:VCARD\r\n`;

  it('lists the local books by name, and reads the addresses of the chosen ones', async () => {
    const readContacts = vi.fn(async (books?: readonly string[]) => (books ?? ['b1', 'b2']).map((b) => VCARD(`${b}@example.org`)));
    const listBooks = async () => [
      { id: 'b2', name: 'Work' }, { id: 'b1', name: 'Personal' }, { id: 'ldap', name: 'Directory', remote: true },
    ];
    const { router } = setup(() => okLines(), { readContacts, listBooks });
    expect(value(await router.handle({ type: 'contacts.books' }), 'contacts.books')).toEqual({ books: [{ id: 'b1', name: 'Personal' }, { id: 'b2', name: 'Work' }] });
    expect(value(await router.handle({ type: 'contacts.addresses', books: ['b2'] }), 'contacts.addresses')).toEqual({ addresses: 'b2@example.org', skipped: 0 });
    expect(readContacts).toHaveBeenLastCalledWith(['b2']);
    expect(value(await router.handle({ type: 'contacts.addresses' }), 'contacts.addresses')).toEqual({ addresses: 'b1@example.org\nb2@example.org', skipped: 0 });
    expect(readContacts).toHaveBeenLastCalledWith(undefined);
  });
});
