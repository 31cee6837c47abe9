// End-to-end: the Rules panel of the settings tab (issue 12), used through the DOM in a real
// Thunderbird (the built .xpi) against a real Dovecot with the rules module. A rule made in the
// panel, with its folder chosen from Thunderbird's own folder tree, sorts an LMTP delivery on the
// server. The three real Thunderbird filters of issue 12 (made through chrome code as the filter
// editor saves them) and one into a non-ASCII folder are read by the filters experiment: three
// become server rules, the tag filter is reported as not convertible; the converted local filters are turned off, never deleted; then, with
// Thunderbird stopped, the server sorts a delivery as the converted filter would have.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maildirFolder } from '../server/fixture/mail.js';
import { defaultModules, rulesModule, USERS, type TestServer } from '../server/fixture/index.js';
import { startSettingsTab, stateFile, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.bob;

interface Stored { readonly subject: string; readonly flags: string }

/** The messages of a server folder (its full name, `.` the separator): subject and maildir flags. */
function folder(server: TestServer, name: string): Stored[] {
  const dir = maildirFolder(server.home(USER), name);
  const out: Stored[] = [];
  for (const sub of ['new', 'cur']) {
    const d = path.join(dir, sub);
    if (!fs.existsSync(d)) continue;
    for (const n of fs.readdirSync(d).sort()) {
      const text = fs.readFileSync(path.join(d, n), 'utf8');
      out.push({ subject: /^Subject: (.*)$/m.exec(text)?.[1]?.replace(/\r$/, '') ?? '', flags: /:2,([A-Za-z]*)$/.exec(n)?.[1] ?? '' });
    }
  }
  return out;
}

async function deliver(server: TestServer, from: string, subject: string): Promise<void> {
  const r = await server.deliver({ from, to: USER, subject });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
}

/** Thunderbird's own view of the account's filters: name and enabled, in order. */
function localFilters(s: SettingsSession): Promise<{ name: string; enabled: boolean }[]> {
  return s.tb.chrome(`
    const list = MailServices.accounts.getAccount(arguments[0]).incomingServer.getFilterList(null);
    const out = [];
    for (let i = 0; i < list.filterCount; i++) { const f = list.getFilterAt(i); out.push({ name: f.filterName, enabled: f.enabled }); }
    return out;
  `, [s.accountId]);
}

let s: SettingsSession;
let tab: SettingsTab;

describe('the Rules panel, in Thunderbird, against the rules module', () => {
  beforeAll(async () => {
    s = await startSettingsTab({
      user: USER,
      server: { modules: (dir) => [...defaultModules(dir), rulesModule(dir)] },
      beforeOpen: async ({ server, tb, accountId }) => {
        // The user's folders on the server, subscribed as a mail client leaves them.
        const c = await server.login(USER);
        try {
          // "Ärger & Co" in IMAP's modified UTF-7, with a subfolder.
          for (const name of ['Clients', 'Clients.Example', 'Partners', '&AMQ-rger &- Co', '&AMQ-rger &- Co.Unter']) {
            for (const command of [`CREATE "${name}"`, `SUBSCRIBE "${name}"`]) {
              const r = await c.command(command);
              // Once, in a full run on Thunderbird 140, a CREATE found its folder there already
              // (cause not found; the file passes alone on 140 and 153): what counts is that it exists.
              const there = command.startsWith('CREATE') && r.text.includes('[ALREADYEXISTS]');
              expect(there ? 'OK' : r.status, `${command}: ${r.text}`).toBe('OK');
            }
          }
        } finally {
          await c.logout();
        }
        // Thunderbird lists the server's folders (as when the account is first opened) and
        // learns its hierarchy separator.
        await tb.chrome(`
          const server = MailServices.accounts.getAccount(arguments[0]).incomingServer;
          server.performExpand(null);
          const deadline = Date.now() + 60000;
          for (;;) {
            const names = server.rootFolder.descendants.map((f) => f.URI);
            if (names.some((u) => u.endsWith("/Clients/Example")) && names.some((u) => u.endsWith("/Partners")) && names.some((u) => u.endsWith("/Unter"))) break;
            if (Date.now() > deadline) throw new Error("Thunderbird did not list the folders: " + names.join(", "));
            await new Promise((r) => setTimeout(r, 100));
          }
          // Filters as the filter editor saves them: From contains -> move, Subject contains ->
          // move into a non-ASCII folder, Subject contains -> mark read, and a tag filter.
          const list = server.getFilterList(null);
          const partners = server.rootFolder.descendants.find((f) => f.URI.endsWith("/Partners"));
          const unter = server.rootFolder.descendants.find((f) => f.URI.endsWith("/Unter"));
          const filters = [
            ["Partners to their folder", Ci.nsMsgSearchAttrib.Sender, "@partner.example", Ci.nsMsgFilterAction.MoveToFolder, partners.URI],
            ["Trouble", Ci.nsMsgSearchAttrib.Subject, "Trouble ticket", Ci.nsMsgFilterAction.MoveToFolder, unter.URI],
            ["Digest read", Ci.nsMsgSearchAttrib.Subject, "Weekly digest", Ci.nsMsgFilterAction.MarkRead, ""],
            ["Tag the boss", Ci.nsMsgSearchAttrib.Sender, "boss@example.com", Ci.nsMsgFilterAction.AddTag, "$label1"],
          ];
          for (const [name, attrib, value, type, target] of filters) {
            const filter = list.createFilter(name);
            filter.enabled = true;
            filter.filterType = Ci.nsMsgFilterType.InboxRule | Ci.nsMsgFilterType.Manual;
            const term = filter.createTerm();
            term.attrib = attrib;
            term.op = Ci.nsMsgSearchOp.Contains;
            const v = term.value;
            v.attrib = attrib;
            v.str = value;
            term.value = v;
            term.booleanAnd = true;
            filter.appendTerm(term);
            const action = filter.createAction();
            action.type = type;
            if (type === Ci.nsMsgFilterAction.MoveToFolder) action.targetFolderUri = target;
            if (type === Ci.nsMsgFilterAction.AddTag) action.strValue = target;
            filter.appendAction(action);
            list.insertFilterAt(list.filterCount, filter);
          }
          list.saveToDefaultFile();
        `, [accountId]);
      },
    });
    tab = s.tab;
    await tab.openPanel('rules');
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('no rules at first; a rule made in the panel moves an LMTP delivery into the folder chosen from Thunderbird\'s tree, read', async () => {
    expect(await tab.text('rules', '[data-testid="rules-state"]')).toBe('0 of at most 500 rules on the server.');
    await tab.click('rules', 'New rule');
    await tab.fill('rules', 'Name', 'Example clients');
    await tab.fill('rules', 'What to test', 'sender-domain');
    await tab.fill('rules', 'Comparison', 'is');
    await tab.fill('rules', 'Text', 'example.com');
    await tab.setChecked('rules', 'Move to folder', true);
    // The editor reads the folders when it opens; until then the choice says so.
    await tab.dom('await until("the folders", () => !labelled("rules", { text: "Folder to move to" }).hasAttribute("aria-busy"), 20000);');
    // The folder's server name, from Thunderbird's path /Clients/Example and the separator.
    // Every folder by its full name as the server lists it (UTF-8, `.`), non-ASCII and `&` too.
    expect(await tab.dom<string[]>('return [...labelled("rules", { text: "Folder to move to" }).options].map((o) => o.value);')).toEqual(
      ['', 'INBOX', 'Trash', 'Ärger & Co', 'Ärger & Co.Unter', 'Clients', 'Clients.Example', 'Partners'],
    );
    // Thunderbird's path keeps the modified UTF-7 name, which the background decodes.
    expect(await tab.dom<string[]>('return [...labelled("rules", { text: "Folder to move to" }).options].map((o) => o.textContent.trim());')).toEqual(
      ['Choose a folder…', 'INBOX', 'Trash', 'Ärger & Co', 'Unter', 'Clients', 'Example', 'Partners'],
    );
    await tab.fill('rules', 'Folder to move to', 'Clients.Example');
    expect((await tab.control('rules', 'Folder to move to')).value).toBe('Clients.Example');
    await tab.setChecked('rules', 'Mark as read', true);
    expect(await tab.act('rules', 'Add rule')).toMatchObject({ kind: 'success', text: '“Example clients” is added. It sorts new mail from now on.' });
    expect(await tab.text('rules', '.rule-summary')).toBe('Mail from anyone at @example.com: move to Clients.Example, mark as read');
    expect(stateFile(s.server, USER, 'xexec.sieve') ?? '').toContain('Clients.Example');

    await deliver(s.server, 'ann@example.com', 'project news');
    await deliver(s.server, 'ann@elsewhere.example', 'not a client');
    expect(folder(s.server, 'Clients.Example')).toEqual([{ subject: 'project news', flags: 'S' }]);
    expect(folder(s.server, 'INBOX').map((m) => m.subject)).toEqual(['not a client']);
  });

  it('reads Thunderbird\'s filters: three become rules, the tag filter cannot, with its reason', async () => {
    await tab.waitText('rules', /Tag the boss/, '.filter-import');
    const filter = (name: string) => tab.text('rules', `[data-filter="${name}"]`);
    expect(await filter('Partners to their folder')).toBe('Partners to their folder — Mail where From contains “@partner.example”: move to Partners');
    // A target folder's URI keeps the modified UTF-7 name, as a folder's path does.
    expect(await s.tb.chrome<string>(`
      const list = MailServices.accounts.getAccount(arguments[0]).incomingServer.getFilterList(null);
      return list.getFilterAt(1).sortedActionList[0].targetFolderUri;
    `, [s.accountId])).toMatch(/\/&AMQ-rger &- Co\/Unter$/);
    expect(await filter('Trouble')).toBe('Trouble — Mail where Subject contains “Trouble ticket”: move to Ärger & Co.Unter');
    expect(await filter('Digest read')).toBe('Digest read — Mail where Subject contains “Weekly digest”: mark as read');
    expect(await filter('Tag the boss')).toMatch(/^Tag the boss — cannot become a server rule ?It adds a tag; tags exist only in Thunderbird\.$/);
    expect(await tab.dom<number>('return scope("rules").querySelectorAll(\'[data-filter="Tag the boss"] input[type="checkbox"]\').length;')).toBe(0);
  });

  it('converts the chosen filters and turns the local ones off without deleting them', async () => {
    await tab.setChecked('rules', 'Turn off the converted filters in Thunderbird (they are not deleted)', true);
    expect(await tab.act('rules', 'Make the chosen filters server rules')).toMatchObject({
      kind: 'success', text: '3 filters are now server rules; the local ones are turned off (not deleted).',
    });
    expect(await tab.text('rules', '[data-testid="rules-state"]')).toBe('4 of at most 500 rules on the server.');
    expect(await localFilters(s)).toEqual([
      { name: 'Partners to their folder', enabled: false },
      { name: 'Trouble', enabled: false },
      { name: 'Digest read', enabled: false },
      { name: 'Tag the boss', enabled: true },
    ]);
  });

  it('with Thunderbird stopped, the server sorts as the converted filters would have', async () => {
    await s.tb.stop();
    await deliver(s.server, 'news@partner.example', 'partner offer');
    await deliver(s.server, 'robot@lists.example', 'Weekly digest 12');
    await deliver(s.server, 'help@desk.example', 'Trouble ticket 7');
    expect(folder(s.server, 'Partners')).toEqual([{ subject: 'partner offer', flags: '' }]);
    // Maildir++ keeps the folder's modified UTF-7 name on disk.
    expect(folder(s.server, '&AMQ-rger &- Co.Unter')).toEqual([{ subject: 'Trouble ticket 7', flags: '' }]);
    expect(folder(s.server, 'INBOX')).toContainEqual({ subject: 'Weekly digest 12', flags: 'S' });
  });
});
