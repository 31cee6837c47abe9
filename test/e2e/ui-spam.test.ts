// End-to-end: the Spam panel of the settings tab, used through the DOM in a real Thunderbird
// (the built .xpi) against a real Dovecot whose Pigeonhole reads SpamAssassin's score header
// (spamtest, docs/SERVER.md). What the page says is checked on the server: the module's state
// file (~/.xexec/spam, ~/.xexec/contacts) and where an LMTP delivery lands (INBOX or Junk).
// "Trust my contacts" reads a real Thunderbird address book, made here as a user would have it;
// a contact added to it later reaches the server with one click on Refresh in a new tab.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../server/fixture/index.js';
import { writePolicyFile, type PolicyFile } from './policy-file.js';
import { ADDON_ID, startSettingsTab, stateFile, type SettingsSession, type SettingsTab } from './settings-tab.js';
import { acquireExclusiveStartup } from './startup-lock.js';

const USER = USERS.bob;
const FRIEND = 'friend@example.net';
/** Added to the address book after its contacts were first sent. */
const LATER = 'nora.later@example.net';
const BOOK = 'Friends of Bob';

let s: SettingsSession;
let tab: SettingsTab;

/** The addresses in the panel's shown list of trusted contacts (each row also has its Remove). */
function shownContacts(t: SettingsTab, panel: 'spam' | 'alerts'): Promise<string[]> {
  return t.dom<string[]>('return [...scope(args[0]).querySelectorAll(\'[data-testid="trusted-contacts-list"] .contact-address\')].map((e) => norm(e.textContent));', [panel]);
}

/** SpamAssassin's header for a score of the configured maximum 10: 4.0 is 40 %. */
const SCORED = { 'X-Spam-Status': 'No, score=4.0 required=5.0 tests=BAYES_80,HTML_MESSAGE autolearn=no version=3.4.6' };

/** Where a message from `from` lands: INBOX or Junk (exactly one of them grows). */
async function lands(from: string, headers?: Record<string, string>): Promise<'INBOX' | 'Junk'> {
  const before = s.server.counts(USER);
  const r = await s.server.deliver({ from, to: USER, subject: `from ${from}`, headers });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  const after = s.server.counts(USER);
  expect(after.inbox + after.junk, `${from} delivered once`).toBe(before.inbox + before.junk + 1);
  return after.junk > before.junk ? 'Junk' : 'INBOX';
}

const spamFile = () => stateFile(s.server, USER, 'spam') ?? '';

describe('the Spam panel, in Thunderbird, against the server', () => {
  beforeAll(async () => {
    s = await startSettingsTab({
      user: USER,
      server: { spamtest: 'spamassassin' },
      // A local address book with one contact and one address the module would refuse.
      beforeOpen: async ({ tb }) => {
        await tb.chrome(`
          const id = MailServices.ab.newAddressBook(arguments[0], "", Ci.nsIAbManager.JS_DIRECTORY_TYPE);
          const book = MailServices.ab.getDirectoryFromId(id);
          for (const [name, email] of [["Friend", arguments[1]], ["Broken", "not an address"]]) {
            const card = Cc["@mozilla.org/addressbook/cardproperty;1"].createInstance(Ci.nsIAbCard);
            card.displayName = name;
            card.primaryEmail = email;
            book.addCard(card);
          }
        `, [BOOK, FRIEND]);
      },
    });
    tab = s.tab;
    await tab.openPanel('spam');
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('off at first: everything reaches the inbox', async () => {
    expect(await tab.text('spam', '.state')).toBe('Off Filter level: Off. Blocked top-level domains: 0, blocked character sets: 0.');
    expect((await tab.control('spam', 'Off')).checked).toBe(true);
    expect(await tab.text('spam', '[data-testid="spam-junk-only"]')).toMatch(/only moves spam to the Junk folder/);
    expect(await lands('ivan@mail.ru')).toBe('INBOX');
    expect(await lands('scored@example.org', SCORED)).toBe('INBOX');
  });

  it('strict and .ru blocked through the panel: the .ru sender and the scored message go to Junk, clean mail does not', async () => {
    await tab.setChecked('spam', 'Strict', true);
    expect((await tab.control('spam', 'Strict')).description).toBe('To Junk when the server’s spam scanner scores a message at 30 % of its maximum or more.');
    await tab.fill('spam', 'Find a country or domain', 'Russ');
    await tab.setChecked('spam', '.ru Russia', true);
    expect(await tab.text('spam', '[data-testid="spam-tlds-chosen"]')).toBe('.ru (Russia)×');
    await tab.setChecked('spam', 'Cyrillic (Russian, Ukrainian, …)', true);
    expect((await tab.control('spam', 'Cyrillic (Russian, Ukrainian, …)')).description).toBe('koi8-r, koi8-u, windows-1251, iso-8859-5, ibm866, cp866, x-mac-cyrillic');
    expect(await tab.act('spam', 'Save')).toMatchObject({
      kind: 'success', text: 'Filter level: Strict. Blocked top-level domains: 1, blocked character sets: 7.',
    });
    expect(spamFile()).toMatch(/^level strict$/m);
    expect(spamFile()).toMatch(/^tld ru$/m);
    expect(spamFile()).toMatch(/^charset koi8-r$/m);
    expect(await lands('ivan@mail.ru')).toBe('Junk');
    expect(await lands('ivan@example.org', { 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=koi8-r' })).toBe('Junk');
    expect(await lands('scored@example.org', SCORED)).toBe('Junk');
    expect(await lands('clean@example.org')).toBe('INBOX');
  });

  it('a typed TLD that is none is explained and not sent', async () => {
    const before = spamFile();
    await tab.fill('spam', 'Another top-level domain', 'mail.ru');
    await tab.click('spam', 'Add');
    await tab.waitText('spam', /“mail\.ru” is not a top-level domain/);
    expect(spamFile()).toBe(before);
  });

  it('back to off: the scored message and the .ru sender reach the inbox again, the list is kept', async () => {
    await tab.setChecked('spam', 'Off', true);
    expect(await tab.act('spam', 'Save')).toMatchObject({
      kind: 'success', text: 'Filter level: Off. Blocked top-level domains: 1, blocked character sets: 7.',
    });
    expect(await lands('scored@example.org', SCORED)).toBe('INBOX');
    expect(await lands('ivan@mail.ru')).toBe('INBOX');
    expect(await lands('ivan@example.org', { 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=koi8-r' })).toBe('INBOX');
  });

  it('trusts the contacts of a chosen Thunderbird address book: the server counts them, they pass allowed-only', async () => {
    expect(await tab.text('spam', '[data-testid="trusted-contacts-count"]')).toBe('No trusted contacts are stored on the server.');
    await tab.setChecked('spam', BOOK, true);
    expect(await tab.act('spam', 'Trust these contacts')).toMatchObject({
      kind: 'success', text: 'The server now trusts 1 contacts. 1 invalid addresses were left out.',
    });
    expect(await tab.text('spam', '[data-testid="trusted-contacts-count"]')).toBe('Trusted contacts stored on the server: 1.');
    expect(stateFile(s.server, USER, 'contacts')).toBe(`${FRIEND}\n`);

    await tab.setChecked('spam', 'Only allowed senders', true);
    expect(await tab.act('spam', 'Save')).toMatchObject({ kind: 'success', text: expect.stringMatching(/^Filter level: Only allowed senders\./) });
    expect(await lands(FRIEND)).toBe('INBOX');
    expect(await lands('stranger@example.org')).toBe('Junk');

    expect(await tab.act('spam', 'Show')).toMatchObject({ kind: 'info', text: 'The server trusts these 1 contacts:' });
    expect(await shownContacts(tab, 'spam')).toEqual([FRIEND]);
  });

  it('a contact added to the book later: in a settings tab opened again, one click on Refresh sends it', async () => {
    await s.tb.chrome(`
      const book = MailServices.ab.directories.find((d) => d.dirName === arguments[0]);
      const card = Cc["@mozilla.org/addressbook/cardproperty;1"].createInstance(Ci.nsIAbCard);
      card.displayName = "Nora";
      card.primaryEmail = arguments[1];
      book.addCard(card);
    `, [BOOK, LATER]);
    expect(await lands(LATER)).toBe('Junk');
    // The choice of books was remembered, not the page's state: a new tab knows it.
    tab = await s.reopen();
    await tab.openPanel('spam');
    expect(await tab.text('spam', '[data-testid="trusted-remembered"]')).toBe(`Refresh reads these address books again: ${BOOK}.`);
    // The books are read from Thunderbird after the panel shows (a run on 140 asked too early).
    await tab.waitText('spam', new RegExp(BOOK), 'fieldset.books');
    expect((await tab.control('spam', BOOK)).checked).toBe(true);
    expect(await tab.act('spam', 'Refresh from the same address books')).toMatchObject({
      kind: 'success', text: 'The server now trusts 2 contacts. 1 invalid addresses were left out.', details: [],
    });
    expect(stateFile(s.server, USER, 'contacts')).toBe(`${FRIEND}\n${LATER}\n`);
    expect(await lands(LATER)).toBe('INBOX');
  });

  it('removes one address from the shown list: the server keeps the other, the removed one is filtered again', async () => {
    expect(await tab.act('spam', 'Show')).toMatchObject({ kind: 'info', text: 'The server trusts these 2 contacts:' });
    expect(await tab.act('spam', `Remove ${FRIEND}`)).toMatchObject({ kind: 'success', text: `${FRIEND} is no longer a trusted contact.` });
    expect(await shownContacts(tab, 'spam')).toEqual([LATER]);
    expect(await tab.text('spam', '[data-testid="trusted-contacts-count"]')).toBe('Trusted contacts stored on the server: 1.');
    expect(stateFile(s.server, USER, 'contacts')).toBe(`${LATER}\n`);
    expect(await lands(FRIEND)).toBe('Junk');
    expect(await lands(LATER)).toBe('INBOX');
  });

  it('removes all trusted contacts: the contact is filtered like anyone else', async () => {
    expect(await tab.act('spam', 'Remove all')).toMatchObject({ kind: 'success', text: 'The trusted contacts were removed from the server.' });
    expect(await tab.text('spam', '[data-testid="trusted-contacts-count"]')).toBe('No trusted contacts are stored on the server.');
    expect(stateFile(s.server, USER, 'contacts') ?? '').toBe('');
    expect(await lands(LATER)).toBe('Junk');
  });

  it('the remembered book deleted in Thunderbird: Refresh says so, sends nothing and forgets it', async () => {
    await s.tb.chrome(`
      const book = MailServices.ab.directories.find((d) => d.dirName === arguments[0]);
      // A promise on newer Thunderbirds: the book is gone (and the add-ons told) once it settles.
      await MailServices.ab.deleteAddressBook(book.URI);
      if (MailServices.ab.directories.some((d) => d.dirName === arguments[0])) throw new Error("the book is still there");
    `, [BOOK]);
    // The add-on hears of the deletion through Thunderbird's events, a moment after it settled
    // (a full run once still found the book listed, so Refresh read it empty): wait for that.
    await tab.dom<void>(`
      for (let i = 0; ; i++) {
        const r = await window.browser.runtime.sendMessage({ type: "contacts.books" });
        if (r.ok && !r.value.books.some((b) => b.name === args[0])) return;
        if (i === 200) throw new Error("the add-on still lists the deleted book: " + JSON.stringify(r));
        await sleep(50);
      }
    `, [BOOK]);
    expect(await tab.act('spam', 'Refresh from the same address books')).toMatchObject({
      kind: 'warning', text: `The address books you chose are no longer in Thunderbird (${BOOK}); nothing was changed. Choose address books again.`,
    });
    expect(stateFile(s.server, USER, 'contacts') ?? '').toBe('');
    expect((await tab.buttons('spam')).map((b) => b.name)).not.toContain('Refresh from the same address books');
  });
});

describe('the Spam panel on a server whose scanner is not connected to Sieve', () => {
  let n: SettingsSession;
  beforeAll(async () => {
    n = await startSettingsTab({ user: USER });
    await n.tab.openPanel('spam');
  }, 240_000);

  afterAll(async () => {
    await n?.stop();
  }, 120_000);

  it('a scanner level is refused with the server\'s reason; the choice stays on screen, unsaved, and nothing is stored', async () => {
    await n.tab.setChecked('spam', 'Standard', true);
    const status = await n.tab.act('spam', 'Save');
    expect(status).toMatchObject({ kind: 'error', actions: [] });
    expect(status.text).toMatch(/^Not saved: .*spam scanner is not connected to Sieve \(spamtest\), so a spam level cannot be set; nothing was changed.* Your choice is still shown, unsaved\.$/);
    expect((await n.tab.control('spam', 'Standard')).checked).toBe(true);
    expect(await n.tab.text('spam', '[data-testid="spam-unsaved"]')).toBe('Your changes are not saved yet.');
    expect(await n.tab.text('spam', '.state')).toMatch(/^Off Filter level: Off\./);
    expect(stateFile(n.server, USER, 'spam') ?? '').not.toMatch(/^level standard$/m);
  });

  it('allowed-only needs no scanner and is saved', async () => {
    await n.tab.setChecked('spam', 'Only allowed senders', true);
    expect(await n.tab.act('spam', 'Save')).toMatchObject({ kind: 'success', text: expect.stringMatching(/^Filter level: Only allowed senders\./) });
    expect(stateFile(n.server, USER, 'spam')).toMatch(/^level allowed-only$/m);
  });
});

describe('the Spam panel with values the administrator fixed (policies.json managed settings)', () => {
  let p: SettingsSession;
  let policyFile: PolicyFile | null = null;
  let releaseStartup: (() => void) | null = null;
  const removePolicy = () => {
    policyFile?.remove();
    policyFile = null;
    releaseStartup?.();
    releaseStartup = null;
  };

  beforeAll(async () => {
    // Thunderbird reads policies.json once, at start-up: the file exists only until then.
    releaseStartup = await acquireExclusiveStartup();
    try {
      policyFile = writePolicyFile({ '3rdparty': { Extensions: { [ADDON_ID]: { spam: { level: 'strict', tlds: ['RU'] } } } } });
      p = await startSettingsTab({ user: USER, server: { spamtest: 'spamassassin' }, beforeOpen: async () => removePolicy() });
    } finally {
      removePolicy();
    }
    await p.tab.openPanel('spam');
  }, 240_000);

  afterAll(async () => {
    removePolicy();
    await p?.stop();
  }, 120_000);

  it('the fixed level and TLDs are shown read-only; a save sends them with the user\'s own choice', async () => {
    expect(await p.tab.text('spam', '.spam-levels')).toContain('Set by your administrator.');
    expect(await p.tab.dom<{ checked: string; disabled: boolean }>(`
      const radios = [...scope("spam").querySelectorAll('.spam-levels input[type="radio"]')];
      return { checked: radios.find((r) => r.checked).value, disabled: radios.every((r) => r.disabled) };
    `)).toEqual({ checked: 'strict', disabled: true });
    expect(await p.tab.text('spam', '[data-testid="spam-tlds-chosen"]')).toBe('.ru (Russia)');
    expect(await p.tab.text('spam', '[data-testid="spam-unsaved"]')).toBe('Your changes are not saved yet.');
    await p.tab.setChecked('spam', 'Greek', true);
    expect(await p.tab.act('spam', 'Save')).toMatchObject({
      kind: 'success', text: 'Filter level: Strict. Blocked top-level domains: 1, blocked character sets: 2.',
    });
    const file = stateFile(p.server, USER, 'spam') ?? '';
    expect(file).toMatch(/^level strict$/m);
    expect(file).toMatch(/^tld ru$/m);
    expect(file).toMatch(/^charset iso-8859-7$/m);
  });
});
