// End-to-end: the Forwarding panel of the settings tab, used through the DOM in a real
// Thunderbird 153 (the built .xpi) against a real Dovecot with the plugin. What the page
// says is checked against the server: the generated Sieve script (~/.xexec/xexec.sieve) and
// what happens to a message delivered with LMTP (the redirected copy in the sendmail
// capture, the kept copy in INBOX).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, USERS } from '../server/fixture/index.js';
import { startSettingsTab, stateFile, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.bob;
const TARGET = 'bob.elsewhere@example.net';
const ADDRESS = 'Forward to';
const KEEP = 'Keep a copy in this mailbox';

let s: SettingsSession;
let tab: SettingsTab;

const sieve = () => stateFile(s.server, USER, 'xexec.sieve') ?? '';
/** A Sieve `redirect` action (not the word in a comment). */
const REDIRECT_ACTION = /^\s*redirect\b/m;

/** Delivers a message; returns what the server sent on (redirects) and whether INBOX got it. */
async function deliver(subject: string): Promise<{ sent: { recipients: string[]; subject: string | undefined }[]; kept: boolean }> {
  const captured = s.server.captured().length;
  const inbox = s.server.counts(USER).inbox;
  const r = await s.server.deliver({ from: 'sender@example.org', to: USER, subject });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  return {
    sent: s.server.captured().slice(captured).map((m) => ({ recipients: m.recipients, subject: header(m.data, 'Subject') })),
    kept: s.server.counts(USER).inbox === inbox + 1,
  };
}

describe('the Forwarding panel, in Thunderbird, against the server', () => {
  beforeAll(async () => {
    s = await startSettingsTab({ user: USER });
    tab = s.tab;
    await tab.openPanel('forwardmail');
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('off at first: the state says so, the copy is kept by default', async () => {
    expect(await tab.text('forwardmail', '.state')).toBe('Off Mail is not forwarded.');
    expect(await tab.control('forwardmail', ADDRESS)).toMatchObject({ value: '' });
    expect(await tab.control('forwardmail', KEEP)).toMatchObject({
      checked: true, description: 'You will find every message here and at the other address.',
    });
    expect(sieve()).not.toMatch(REDIRECT_ACTION);
    expect(await deliver('before')).toEqual({ sent: [], kept: true });
  });

  it('turned on with a copy kept: the Sieve script redirects with :copy, a message goes out and stays', async () => {
    await tab.fill('forwardmail', ADDRESS, ' Bob.Elsewhere@Example.NET ');
    expect(await tab.act('forwardmail', 'Turn on forwarding')).toMatchObject({
      kind: 'success', text: `Mail is forwarded to ${TARGET}, and a copy stays in this mailbox.`,
    });
    expect(await tab.text('forwardmail', '.state')).toBe(`On Mail is forwarded to ${TARGET}, and a copy stays in this mailbox.`);
    // The form shows what the server stored.
    expect((await tab.control('forwardmail', ADDRESS)).value).toBe(TARGET);
    expect(sieve()).toContain(`redirect :copy "${TARGET}";`);
    expect(await deliver('Forward me')).toEqual({ sent: [{ recipients: [TARGET], subject: 'Forward me' }], kept: true });
  });

  it('the server refuses the account\'s own address: its reason is shown, the typed address stays, nothing changes', async () => {
    const before = sieve();
    await tab.fill('forwardmail', ADDRESS, USER);
    expect(await tab.act('forwardmail', 'Save')).toEqual({
      kind: 'error', text: "The server refused: Mail cannot be forwarded to this mailbox's own address", details: [], actions: [],
    });
    expect((await tab.control('forwardmail', ADDRESS)).value).toBe(USER);
    expect(await tab.text('forwardmail', '.state')).toBe(`On Mail is forwarded to ${TARGET}, and a copy stays in this mailbox.`);
    expect(sieve()).toBe(before);
  });

  it('an address that is none is explained at the field and not sent', async () => {
    const before = sieve();
    await tab.fill('forwardmail', ADDRESS, 'bob.elsewhere');
    await tab.click('forwardmail', 'Save');
    await tab.waitText('forwardmail', /has no @/, 'form');
    expect(await tab.control('forwardmail', ADDRESS)).toMatchObject({ value: 'bob.elsewhere', invalid: true, description: '“bob.elsewhere” has no @.' });
    expect(sieve()).toBe(before);
  });

  it('without a copy: the script redirects without :copy, the message leaves the mailbox', async () => {
    await tab.fill('forwardmail', ADDRESS, TARGET);
    await tab.setChecked('forwardmail', KEEP, false);
    expect((await tab.control('forwardmail', KEEP)).description).toBe('Forwarded messages will not arrive in this mailbox.');
    expect(await tab.act('forwardmail', 'Save')).toMatchObject({
      kind: 'success', text: `Mail is forwarded to ${TARGET} and not kept in this mailbox.`,
    });
    expect(sieve()).toContain(`redirect "${TARGET}";`);
    expect(sieve()).not.toContain(':copy');
    expect(await deliver('Only forward')).toEqual({ sent: [{ recipients: [TARGET], subject: 'Only forward' }], kept: false });
    // Nothing changed since: Save has nothing to do.
    expect(await tab.buttons('forwardmail')).toContainEqual({ name: 'Save', enabled: false });
  });

  it('turned off: no redirect in the script, mail stays here, the address is kept for next time', async () => {
    expect(await tab.act('forwardmail', 'Turn off forwarding')).toMatchObject({ kind: 'success', text: 'Mail is not forwarded.' });
    expect(await tab.text('forwardmail', '.state')).toBe('Off Mail is not forwarded.');
    expect(sieve()).not.toMatch(REDIRECT_ACTION);
    expect(await deliver('after')).toEqual({ sent: [], kept: true });
    expect((await tab.control('forwardmail', ADDRESS)).value).toBe(TARGET);
    expect((await tab.buttons('forwardmail')).map((b) => b.name)).toEqual(['Turn on forwarding']);
  });
});
