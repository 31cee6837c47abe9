// The background's alerts requests (PROTOCOL.md §6.6): what each sends, what comes back, and
// what is refused before anything is sent.
import { describe, expect, it } from 'vitest';
import { createRouter } from '../../src/background/router.js';
import { failed, fakeXexec, okLines, translate } from './fakes.js';

const ACCOUNT = 'account1';
const PENDING = ['status on', 'target pager@sms.example', 'confirmed no', 'word urgent', 'urgent no', 'contacts no', 'max-per-hour 10'];

function setup(lines: string[] = PENDING) {
  const xexec = fakeXexec(() => okLines(...lines));
  return { xexec, router: createRouter({ xexec: xexec.typed, translate }) };
}

describe('alerts requests', () => {
  it('show, off and resend send one word each and answer the state', async () => {
    const { router, xexec } = setup();
    for (const type of ['alerts.show', 'alerts.off', 'alerts.resend'] as const) {
      expect(await router.handle({ type, accountId: ACCOUNT })).toMatchObject({
        ok: true, value: { status: 'on', target: 'pager@sms.example', confirmed: false, words: ['urgent'], maxPerHour: 10 },
      });
    }
    expect(xexec.execute.mock.calls.map((c) => c.slice(1))).toEqual([['alerts', ['show']], ['alerts', ['off']], ['alerts', ['resend']]]);
  });

  it('set sends every given key in the module\'s form', async () => {
    const { router, xexec } = setup();
    const r = await router.handle({ type: 'alerts.set', accountId: ACCOUNT, update: { target: 'Pager@SMS.example', senders: ['@Example.org'], words: ['urgent'], urgent: false, contacts: true } });
    expect(r.ok).toBe(true);
    expect(xexec.execute).toHaveBeenLastCalledWith(ACCOUNT, 'alerts', ['set', 'target=pager@sms.example', 'senders=@example.org', 'words=urgent', 'urgent=no', 'contacts=yes']);
  });

  it('confirm sends the six digits; anything else is refused before sending', async () => {
    const { router, xexec } = setup();
    expect((await router.handle({ type: 'alerts.confirm', accountId: ACCOUNT, code: ' 123 456 ' })).ok).toBe(true);
    expect(xexec.execute).toHaveBeenLastCalledWith(ACCOUNT, 'alerts', ['confirm', '123456']);
    expect(await router.handle({ type: 'alerts.confirm', accountId: ACCOUNT, code: '12345' })).toMatchObject({
      ok: false, error: { kind: 'input', message: 'The code is 6 digits.', field: 'code' },
    });
    expect(await router.handle({ type: 'alerts.set', accountId: ACCOUNT, update: { senders: ['nobody'] } })).toMatchObject({
      ok: false, error: { kind: 'input', message: '“nobody” has no @.', field: 'senders.0' },
    });
    expect(await router.handle({ type: 'alerts.set', accountId: ACCOUNT, update: {} })).toMatchObject({ ok: false, error: { kind: 'input' } });
    expect(xexec.execute).toHaveBeenCalledTimes(1);
  });

  it('contacts.set replaces the trusted contacts; an invalid address is refused before sending', async () => {
    const { router, xexec } = setup();
    expect((await router.handle({ type: 'alerts.contacts.set', accountId: ACCOUNT, addresses: ['b@example.com', 'A@example.com'] })).ok).toBe(true);
    expect(xexec.execute).toHaveBeenLastCalledWith(ACCOUNT, 'alerts', ['contacts', 'set', 'a@example.com', 'b@example.com']);
    expect(await router.handle({ type: 'alerts.contacts.set', accountId: ACCOUNT, addresses: ['nobody'] })).toMatchObject({
      ok: false, error: { kind: 'input', field: 'contacts.0' },
    });
    expect(xexec.execute).toHaveBeenCalledTimes(1);
  });

  it('contacts.set: a list too long for one command is refused before sending, in spam\'s words', async () => {
    const { router, xexec } = setup();
    const many = Array.from({ length: 3000 }, (_, i) => `contact-number-${i}@example.org`);
    expect(await router.handle({ type: 'alerts.contacts.set', accountId: ACCOUNT, addresses: many })).toMatchObject({
      ok: false,
      error: { kind: 'input', message: translate('spamContactsTooMany', ['3000']), field: 'contacts' },
    });
    expect(xexec.execute).not.toHaveBeenCalled();
    // None clears (the panel's last Remove), as before.
    expect((await router.handle({ type: 'alerts.contacts.set', accountId: ACCOUNT, addresses: [] })).ok).toBe(true);
    expect(xexec.execute).toHaveBeenLastCalledWith(ACCOUNT, 'alerts', ['contacts', 'clear']);
  });

  it('contacts.list reads the trusted contacts through the alerts module (the file spam shares)', async () => {
    const xexec = fakeXexec(() => okLines('a@example.com', 'b@example.com'));
    const r = await createRouter({ xexec: xexec.typed, translate }).handle({ type: 'alerts.contacts.list', accountId: ACCOUNT });
    expect(r).toEqual({ ok: true, value: { addresses: 'a@example.com\nb@example.com' } });
    expect(xexec.execute).toHaveBeenLastCalledWith(ACCOUNT, 'alerts', ['contacts', 'list']);
  });

  it('the module\'s refusal is the server\'s words; a state that is not one is a reply error', async () => {
    const refused = fakeXexec(() => failed('XEXEC-EXIT', 'wrong code', 2));
    const r = await createRouter({ xexec: refused.typed, translate }).handle({ type: 'alerts.confirm', accountId: ACCOUNT, code: '000000' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'server', serverMessage: 'wrong code' } });
    const { router } = setup(['status maybe', 'urgent no', 'contacts no']);
    expect(await router.handle({ type: 'alerts.show', accountId: ACCOUNT })).toMatchObject({ ok: false, error: { kind: 'reply' } });
  });

  it('malformed requests are refused', async () => {
    const { router } = setup();
    expect(await router.handle({ type: 'alerts.set', accountId: ACCOUNT, update: { urgent: 'yes' } })).toMatchObject({ ok: false, error: { kind: 'internal' } });
    expect(await router.handle({ type: 'alerts.confirm', accountId: ACCOUNT, code: 123456 })).toMatchObject({ ok: false, error: { kind: 'internal' } });
  });
});
