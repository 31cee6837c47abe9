// End-to-end: the block list and allow list panels of the settings tab, used through the DOM
// in a real Thunderbird 153 (the built .xpi) against a real Dovecot with the plugin. What the
// page says is checked against the server: the list files in ~/.xexec/ and where LMTP
// delivers mail (INBOX or Junk).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../server/fixture/index.js';
import { startSettingsTab, stateFile, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.alice;
const ADD = 'Add an address or domain';

let s: SettingsSession;
let tab: SettingsTab;

const lines = (...entries: string[]) => entries.map((e) => `${e}\n`).join('');

/** Delivers one message from `from`; returns where it went. */
async function deliveredTo(from: string): Promise<'INBOX' | 'Junk'> {
  const before = s.server.counts(USER);
  const r = await s.server.deliver({ from, to: USER, subject: `from ${from}` });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  const after = s.server.counts(USER);
  if (after.inbox === before.inbox + 1 && after.junk === before.junk) return 'INBOX';
  if (after.junk === before.junk + 1 && after.inbox === before.inbox) return 'Junk';
  throw new Error(`the message from ${from} went nowhere known: ${JSON.stringify({ before, after })}`);
}

describe('the block and allow list panels, in Thunderbird, against the server', () => {
  beforeAll(async () => {
    s = await startSettingsTab({ user: USER });
    tab = s.tab;
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('the tab opens on the account, with a tab for each panel the server offers', async () => {
    expect(await tab.tabs()).toEqual({
      names: ['Automatic reply', 'Forwarding', 'Block list', 'Allow list', 'Password'],
      selected: 'Automatic reply',
    });
    const picked = await tab.dom<{ checked: boolean; text: string }>(`
      const choice = doc.querySelector('.account-choice[data-account="' + acct + '"]');
      return { checked: choice.querySelector('input[type="radio"]').checked, text: norm(choice.textContent) };
    `);
    expect(picked.checked).toBe(true);
    expect(picked.text).toContain('Offered: Block list, Allow list, Password, Forwarding, Automatic reply');
  });

  it('an empty block list; an entry added through the form is in the list file, and its mail goes to Junk', async () => {
    await tab.openPanel('blacklist');
    expect(await tab.text('blacklist')).toContain('The block list is empty.');
    expect(await tab.text('blacklist', '.count')).toBe('Entries: 0');
    expect(stateFile(s.server, USER, 'blacklist') ?? '').toBe('');

    await tab.fill('blacklist', ADD, ' Spam@Example.ORG ');
    expect(await tab.act('blacklist', 'Add')).toMatchObject({ kind: 'success', text: 'Added “spam@example.org”.' });
    // Only what was sent is cleared.
    expect((await tab.control('blacklist', ADD)).value).toBe('');
    await tab.fill('blacklist', ADD, '@spam.example');
    expect(await tab.act('blacklist', 'Add')).toMatchObject({ kind: 'success', text: 'Added “@spam.example”.' });

    expect(stateFile(s.server, USER, 'blacklist')).toBe(lines('@spam.example', 'spam@example.org'));
    expect(await tab.rows('blacklist')).toEqual([
      { text: '@spam.example', selected: false },
      { text: 'spam@example.org', selected: false },
    ]);
    expect(await tab.text('blacklist', '.count')).toBe('Entries: 2');
    expect(await tab.dom<string>('return scope("blacklist").querySelector(\'[role="listbox"]\').getAttribute("aria-label");')).toBe('Blocked senders');

    expect(await deliveredTo('spam@example.org')).toBe('Junk');
    expect(await deliveredTo('anyone@spam.example')).toBe('Junk');
    expect(await deliveredTo('friend@example.org')).toBe('INBOX');
  });

  it('an entry already there, or not an address, is explained at the field and not sent', async () => {
    const before = stateFile(s.server, USER, 'blacklist');
    await tab.fill('blacklist', ADD, 'SPAM@example.org');
    await tab.click('blacklist', 'Add');
    await tab.waitText('blacklist', /is already in the block list/, '.add-form');
    expect(await tab.control('blacklist', ADD)).toMatchObject({
      value: 'SPAM@example.org', invalid: true, description: '“spam@example.org” is already in the block list.',
    });

    await tab.fill('blacklist', ADD, 'spam@');
    await tab.click('blacklist', 'Add');
    await tab.waitText('blacklist', /invalid domain/, '.add-form');
    expect(await tab.control('blacklist', ADD)).toMatchObject({ value: 'spam@', invalid: true, description: '“spam@” has an invalid domain.' });
    expect(stateFile(s.server, USER, 'blacklist')).toBe(before);
    // Typing again clears the complaint.
    await tab.fill('blacklist', ADD, '');
    expect((await tab.control('blacklist', ADD)).invalid).toBe(false);
  });

  it('a selected entry is removed from the server, and Undo puts it back', async () => {
    await tab.clickRow('blacklist', 'spam@example.org');
    expect(await tab.text('blacklist', '.count')).toBe('Entries: 2 · selected: 1');
    expect(await tab.act('blacklist', 'Remove selected (1)')).toEqual({
      kind: 'success', text: 'Removed “spam@example.org”.', details: [], actions: ['Undo'],
    });
    expect(stateFile(s.server, USER, 'blacklist')).toBe(lines('@spam.example'));
    expect((await tab.rows('blacklist')).map((r) => r.text)).toEqual(['@spam.example']);
    expect(await deliveredTo('spam@example.org')).toBe('INBOX');

    expect(await tab.act('blacklist', 'Undo')).toMatchObject({ kind: 'success', text: 'Entries put back: 1.' });
    expect(stateFile(s.server, USER, 'blacklist')).toBe(lines('@spam.example', 'spam@example.org'));
    expect((await tab.rows('blacklist')).map((r) => r.text)).toEqual(['@spam.example', 'spam@example.org']);
  });

  it('an import adds the new entries, and keeps the rejected line in the box', async () => {
    await tab.click('blacklist', 'Import from text or a file…');
    await tab.fill('blacklist', 'Entries to import', '# from my old mail program\nnew1@example.org\n@spam.example\nbad@\nNew2@Example.ORG\n');
    expect(await tab.waitText('blacklist', /^New: 2/, '.import-report')).toBe('New: 2 · Already in the list: 1 · Rejected lines: 1');
    expect(await tab.text('blacklist', '.rejected li')).toBe('Line 4: “bad@” has an invalid domain.');
    expect(await tab.act('blacklist', 'Import new entries (2)')).toEqual({
      kind: 'warning', text: 'Entries imported: 2.', details: ['Rejected lines: 1. They are left in the import box to correct.'], actions: [],
    });
    expect((await tab.control('blacklist', 'Entries to import')).value).toBe('bad@\n');
    expect(stateFile(s.server, USER, 'blacklist')).toBe(lines('@spam.example', 'new1@example.org', 'new2@example.org', 'spam@example.org'));
    expect(await tab.text('blacklist', '.count')).toBe('Entries: 4');
  });

  it('the filter shows the matching entries only', async () => {
    await tab.fill('blacklist', 'Filter', 'NEW');
    await tab.waitText('blacklist', /^Showing 2 of 4 entries$/, '.count');
    expect((await tab.rows('blacklist')).map((r) => r.text)).toEqual(['new1@example.org', 'new2@example.org']);
    await tab.fill('blacklist', 'Filter', 'nothing-like-this');
    expect(await tab.waitText('blacklist', /No entry contains/, '.empty')).toBe('No entry contains “nothing-like-this”.');
    await tab.fill('blacklist', 'Filter', '');
    await tab.waitText('blacklist', /^Entries: 4$/, '.count');
    expect(await tab.rows('blacklist')).toHaveLength(4);
  });

  it('the allow list lets one sender of a blocked domain through', async () => {
    await tab.openPanel('whitelist');
    expect(await tab.text('whitelist')).toContain('The allow list is empty.');
    await tab.fill('whitelist', ADD, 'Boss@Spam.Example');
    expect(await tab.act('whitelist', 'Add')).toMatchObject({ kind: 'success', text: 'Added “boss@spam.example”.' });
    expect(stateFile(s.server, USER, 'whitelist')).toBe(lines('boss@spam.example'));
    expect(await deliveredTo('boss@spam.example')).toBe('INBOX');
    expect(await deliveredTo('other@spam.example')).toBe('Junk');
    // The block list panel kept its state while the other tab was shown.
    expect(await tab.text('blacklist', '.count')).toBe('Entries: 4');
  });
});
