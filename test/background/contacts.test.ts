import { describe, expect, it } from 'vitest';
import { contactAddresses, primaryEmail } from '../../src/background/contacts.js';
import { createRouter } from '../../src/background/router.js';
import { fakeXexec, okLines, translate } from './fakes.js';

const card = (...lines: string[]) => ['BEGIN:VCARD', 'VERSION:4.0', ...lines, 'END:VCARD'].join('\r\n');

describe('primaryEmail', () => {
  it('takes the preferred address (PREF, lowest first), else the first', () => {
    expect(primaryEmail(card('FN:Jane', 'EMAIL:first@example.org', 'EMAIL;PREF=1:main@example.org'))).toBe('main@example.org');
    expect(primaryEmail(card('EMAIL;TYPE=work;PREF=2:b@example.org', 'EMAIL;PREF=1;TYPE=home:a@example.org'))).toBe('a@example.org');
    expect(primaryEmail(card('EMAIL:first@example.org', 'EMAIL:second@example.org'))).toBe('first@example.org');
    // vCard 3 marks the preferred one with TYPE=pref.
    expect(primaryEmail(['BEGIN:VCARD', 'VERSION:3.0', 'EMAIL;TYPE=INTERNET:x@example.org', 'EMAIL;TYPE=INTERNET,pref:y@example.org', 'END:VCARD'].join('\n')))
      .toBe('y@example.org');
  });

  it('reads folded lines, group prefixes and lower-case names; none without an address', () => {
    expect(primaryEmail(card('EMAIL;PREF=1:very.long.address@exam', ' ple.org'))).toBe('very.long.address@example.org');
    expect(primaryEmail(card('item1.email:grouped@example.org'))).toBe('grouped@example.org');
    expect(primaryEmail(card('FN:No mail', 'NOTE:EMAIL:not@this.example'))).toBeNull();
    expect(primaryEmail(card('EMAIL:'))).toBeNull();
  });
});

describe('contactAddresses', () => {
  it('normal form, sorted, unique; addresses the module would refuse are counted, not sent', () => {
    const vCards = [card('EMAIL:Zed@Example.org'), card('EMAIL:amy@example.org'), card('EMAIL:AMY@example.org'), card('EMAIL:not an address'), card('FN:none')];
    expect(contactAddresses(vCards)).toEqual({ addresses: ['amy@example.org', 'zed@example.org'], skipped: 1 });
  });
});

describe('the contacts.addresses request', () => {
  it('answers the addresses of the vCards the background reads, one a line, without sending anything', async () => {
    const xexec = fakeXexec(() => okLines());
    const router = createRouter({ xexec: xexec.typed, translate, readContacts: async () => [card('EMAIL:b@example.org'), card('EMAIL:a@example.org')] });
    expect(await router.handle({ type: 'contacts.addresses' })).toEqual({ ok: true, value: { addresses: 'a@example.org\nb@example.org', skipped: 0 } });
    expect(xexec.send).not.toHaveBeenCalled();
  });

  it('without an address book reader: none', async () => {
    const router = createRouter({ xexec: fakeXexec(() => okLines()).typed, translate });
    expect(await router.handle({ type: 'contacts.addresses' })).toEqual({ ok: true, value: { addresses: '', skipped: 0 } });
  });

  it('a vacation set with only entries: sent, and a bad entry is named without sending', async () => {
    const xexec = fakeXexec(() => okLines('status on', 'subject ', 'days 7', 'only @example.com', 'body x'));
    const router = createRouter({ xexec: xexec.typed, translate });
    const set = await router.handle({ type: 'vacation.set', accountId: 'account1', update: { only: ['@Example.com'] } });
    expect(set).toMatchObject({ ok: true, value: { only: ['@example.com'] } });
    const bad = await router.handle({ type: 'vacation.set', accountId: 'account1', update: { only: ['@example.com', 'nobody'] } });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'input', field: 'only.1' } });
    expect(await router.handle({ type: 'vacation.set', accountId: 'account1', update: { only: 'a@b.example' } })).toMatchObject({ ok: false });
    expect(xexec.execute.mock.calls.map((c) => c[2])).toEqual([['set', 'only=@example.com']]);
  });
});
