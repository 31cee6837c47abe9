// End-to-end: the block list and allow list panels of the settings tab, used through the DOM
// in a real Thunderbird 153 (the built .xpi) against a real Dovecot with the plugin. What the
// page says is checked against the server: the list files in ~/.xexec/ and where LMTP
// delivers mail (INBOX or Junk).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../server/fixture/index.js';
import { startSettingsTab, stateFile, type SettingsSession, type SettingsTab, type StatusReport } from './settings-tab.js';

const USER = USERS.alice;
const ADD = 'Add an address or domain';

let s: SettingsSession;
let tab: SettingsTab;

const lines = (...entries: string[]) => entries.map((e) => `${e}\n`).join('');

/**
 * The whole list as the page shows it: the list box renders only the rows in view, so it is
 * scrolled from top to bottom and the rows are collected by their position.
 */
async function pageList(panel: 'blacklist' | 'whitelist'): Promise<string[]> {
  return tab.dom<string[]>(`
    const box = scope(args[0]).querySelector('[role="listbox"]');
    if (!box) return [];
    const seen = new Map();
    let size = 0;
    box.scrollTop = 0;
    await painted();
    for (;;) {
      const rows = [...box.querySelectorAll('[role="option"]')];
      for (const row of rows) {
        seen.set(Number(row.getAttribute("aria-posinset")), norm(row.textContent));
        size = Number(row.getAttribute("aria-setsize"));
      }
      if (box.scrollTop + box.clientHeight >= box.scrollHeight - 1) break;
      box.scrollTop += Math.max(1, box.clientHeight - 28);
      await painted();
    }
    box.scrollTop = 0;
    await painted();
    if (seen.size !== size) throw new Error("collected " + seen.size + " of " + size + " rows");
    return [...seen.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  `, [panel]);
}

/** The page's list is exactly the list file the server holds. */
async function expectPageIsServer(panel: 'blacklist' | 'whitelist') {
  const server = (stateFile(s.server, USER, panel) ?? '').split('\n').filter((line) => line !== '');
  expect(await pageList(panel)).toEqual(server);
}

/** `n` entries of about 240 bytes, so that a few hundred fill several 60 kB batches. */
function longEntries(prefix: string, n: number): string[] {
  const domain = ['a', 'b', 'c'].map((c) => c.repeat(60)).join('.') + '.example';
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`.padEnd(50, 'x') + '@' + domain);
}

/** Clicks `start`, then Stop as soon as it shows (while the first batch is in flight); returns the final status. */
function startThenStop(panel: 'blacklist' | 'whitelist', start: string): Promise<StatusReport> {
  return tab.dom<StatusReport>(`
    const [panel, start] = args;
    buttonNamed(panel, { text: start }).click();
    // The page renders in a microtask after the click: the first batch's answer (a task) is not in yet.
    let stop = null;
    for (let i = 0; i < 1000 && stop === null; i++) {
      await Promise.resolve();
      stop = [...scope(panel).querySelectorAll(".progress button")].find((b) => norm(b.textContent) === "Stop") ?? null;
    }
    if (stop === null) throw new Error("no Stop button while the change ran");
    stop.click();
    await until("the change to stop", () => {
      const st = statusOf(panel);
      return st.kind !== "busy" && st.kind !== "none" && !scope(panel).querySelector(".progress");
    });
    await painted();
    const { kind, text, details, actions } = statusOf(panel);
    return { kind, text, details, actions };
  `, [panel, start]);
}

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
      names: ['Automatic reply', 'Forwarding', 'Block list', 'Allow list', 'Password', 'Spam'],
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
    await expectPageIsServer('blacklist');
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
    await expectPageIsServer('blacklist');
    expect(await deliveredTo('spam@example.org')).toBe('INBOX');

    expect(await tab.act('blacklist', 'Undo')).toMatchObject({ kind: 'success', text: 'Entries put back: 1.' });
    expect(stateFile(s.server, USER, 'blacklist')).toBe(lines('@spam.example', 'spam@example.org'));
    expect((await tab.rows('blacklist')).map((r) => r.text)).toEqual(['@spam.example', 'spam@example.org']);
    await expectPageIsServer('blacklist');
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
    await expectPageIsServer('blacklist');
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

  it('a long import can be stopped between batches: what was sent stays, the rest stays in the box, the page is the server', async () => {
    await tab.openPanel('blacklist');
    const entries = longEntries('stop', 600);
    await tab.dom<void>(`
      const box = labelled("blacklist", { text: "Entries to import" });
      box.value = args[0];
      fire(box, "input", { inputType: "insertFromPaste" });
      await sleep(0);
    `, [entries.join('\n')]);
    await tab.waitText('blacklist', /^New: 600 /, '.import-report');
    const stopped = await startThenStop('blacklist', 'Import new entries (600)');
    const m = /^Import stopped: (\d+) entries added; (\d+) not sent, left in the import box$/.exec(stopped.text);
    expect(m, stopped.text).not.toBeNull();
    const [added, rest] = [Number(m![1]), Number(m![2])];
    expect(added).toBeGreaterThan(0);
    expect(rest).toBeGreaterThan(0);
    expect(added + rest).toBe(600);
    expect(stopped.kind).toBe('warning');
    // The batches go in order: the first `added` entries are on the server, the rest in the box.
    const onServer = (stateFile(s.server, USER, 'blacklist') ?? '').split('\n').filter((e) => e.startsWith('stop'));
    expect(onServer).toEqual(entries.slice(0, added));
    expect((await tab.control('blacklist', 'Entries to import')).value.trim().split('\n')).toEqual(entries.slice(added));
    await expectPageIsServer('blacklist');
  });

  it('a long removal can be stopped between batches: what was removed stays removed, the page is the server', async () => {
    // The rest of the stopped import first, so that the removal has several batches too.
    expect((await tab.act('blacklist', /^Import new entries/)).text).toMatch(/^Entries imported: \d+\.$/);
    await expectPageIsServer('blacklist');
    await tab.fill('blacklist', 'Filter', 'stop');
    await tab.waitText('blacklist', /^Showing \d+ of \d+ entries$/, '.count');
    await tab.dom<void>('labelled("blacklist", { text: "Select all shown" }).click(); await sleep(0);');
    const selected = Number(/selected: ([\d,]+)/.exec(await tab.text('blacklist', '.count'))![1]!.replace(/,/g, ''));
    expect(selected).toBe(600);
    const stopped = await startThenStop('blacklist', `Remove selected (${selected.toLocaleString('en-US')})`);
    const m = /^Removing stopped: (\d+) entries removed; (\d+) not sent, still in the list and selected$/.exec(stopped.text);
    expect(m, stopped.text).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![1]) + Number(m![2])).toBe(selected);
    expect(stopped.actions).toEqual(['Undo']);
    await tab.fill('blacklist', 'Filter', '');
    await tab.waitText('blacklist', /^Entries: /, '.count');
    await expectPageIsServer('blacklist');
    const left = (stateFile(s.server, USER, 'blacklist') ?? '').split('\n').filter((e) => e.startsWith('stop'));
    expect(left).toHaveLength(Number(m![2]));
  });
});
