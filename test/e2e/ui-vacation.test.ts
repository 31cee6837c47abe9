// End-to-end: the Automatic reply panel of the settings tab, used through the DOM in a real
// Thunderbird 153 (the built .xpi) against a real Dovecot with the plugin. What the page
// says is checked against the server: the generated Sieve script (~/.xexec/xexec.sieve) and
// the reply the server sends (sendmail capture) to a message delivered with LMTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, USERS } from '../server/fixture/index.js';
import { isoDay, startSettingsTab, stateFile, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.dave;
const ON = 'Send an automatic reply';
const SUBJECT = 'Away until Monday';
const BODY = 'I am away and read no mail.\nBack on Monday.\n.A line starting with a dot';
const DAYS = 'Days before the same sender is answered again';

let s: SettingsSession;
let tab: SettingsTab;

const sieve = () => stateFile(s.server, USER, 'xexec.sieve') ?? '';
/** The module's stored `only` lines (~/.xexec/vacation). */
const onlyLines = () => (stateFile(s.server, USER, 'vacation') ?? '').split('\n').filter((line) => line.startsWith('only '));
/** The Sieve `vacation` action (the script's comments name the module too). */
const VACATION_ACTION = /^\s*vacation :days/m;

/** Delivers a message from `from`; returns the messages the server sent because of it. */
async function deliver(from: string, subject: string) {
  const before = s.server.captured().length;
  const r = await s.server.deliver({ from, to: USER, subject });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  return s.server.captured().slice(before);
}

describe('the Automatic reply panel, in Thunderbird, against the server', () => {
  beforeAll(async () => {
    s = await startSettingsTab({ user: USER });
    tab = s.tab;
    // The first panel: the tab opens on it.
    expect((await tab.tabs()).selected).toBe('Automatic reply');
    await tab.openPanel('vacation');
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('off at first: no reply in the script, none sent', async () => {
    expect(await tab.text('vacation', '.state')).toBe('Off No automatic reply is sent.');
    expect(await tab.control('vacation', ON)).toMatchObject({ checked: false });
    expect(sieve()).not.toMatch(VACATION_ACTION);
    expect(await deliver('early@example.org', 'Hello')).toEqual([]);
  });

  it('a last day before the first day is explained at the field and not sent', async () => {
    await tab.setChecked('vacation', ON, true);
    await tab.fill('vacation', 'Message', 'Away.');
    await tab.fill('vacation', 'First day', isoDay(3));
    await tab.fill('vacation', 'Last day', isoDay(1));
    await tab.click('vacation', 'Save');
    await tab.waitText('vacation', /before the start date/, 'form');
    expect(await tab.control('vacation', 'Last day')).toMatchObject({ invalid: true });
    expect(await tab.status('vacation')).toMatchObject({ kind: 'none' });
    expect(sieve()).not.toMatch(VACATION_ACTION);
  });

  it('turned on with a subject, a text, dates and an interval: the script has it, the preview shows it', async () => {
    await tab.fill('vacation', 'Subject', SUBJECT);
    await tab.fill('vacation', 'Message', BODY);
    await tab.fill('vacation', 'First day', isoDay(-1));
    await tab.fill('vacation', 'Last day', isoDay(2));
    await tab.fill('vacation', DAYS, '1');
    const preview = await tab.dom<string[]>('return [...scope("vacation").querySelectorAll(".preview dt, .preview dd")].map((e) => norm(e.textContent));');
    expect(preview).toEqual([
      'From', USER, 'Subject', SUBJECT, 'Sent', expect.stringMatching(/^from .+ to .+$/), 'Days between two replies to one sender', '1',
    ]);
    expect(await tab.text('vacation', '.preview-body')).toBe(BODY.replace(/\n/g, ' '));

    const status = await tab.act('vacation', 'Save');
    expect(status.kind).toBe('success');
    expect(status.text).toMatch(/^The automatic reply is on, from .+ to .+\.$/);
    expect(await tab.text('vacation', '.state')).toBe(`On ${status.text}`);

    const script = sieve();
    expect(script).toContain(`currentdate :value "ge" "date" "${isoDay(-1)}"`);
    expect(script).toContain(`currentdate :value "le" "date" "${isoDay(2)}"`);
    expect(script).toContain(`vacation :days 1 :subject "${SUBJECT}" text:\n${BODY.replace('\n.A', '\n..A')}\n.\n`);
  });

  it('a delivered message gets the reply, once per sender and interval', async () => {
    const sent = await deliver('friend@example.org', 'Lunch?');
    expect(sent).toHaveLength(1);
    const reply = sent[0]!;
    expect(reply.recipients).toEqual(['friend@example.org']);
    expect(header(reply.data, 'Subject')).toBe(SUBJECT);
    expect(header(reply.data, 'Auto-Submitted')).toMatch(/^auto-replied/);
    expect(header(reply.data, 'From')).toContain(USER);
    const body = reply.data.split(/\r?\n\r?\n/).slice(1).join('\n\n').replace(/\r\n/g, '\n');
    expect(body).toContain(BODY);
    expect(s.server.counts(USER).inbox).toBe(2);
    // The same sender again, within the interval: no second reply.
    expect(await deliver('friend@example.org', 'Lunch again?')).toEqual([]);
  });

  it('reply only to my domain: the server stores @domain, a colleague gets the reply, a stranger none', async () => {
    await tab.setChecked('vacation', 'Only people at @example.com', true);
    expect(await tab.act('vacation', 'Save')).toMatchObject({ kind: 'success' });
    expect(onlyLines()).toEqual(['only @example.com']);
    const sent = await deliver('colleague@example.com', 'Meeting?');
    expect(sent.map((m) => m.recipients)).toEqual([['colleague@example.com']]);
    expect(header(sent[0]!.data, 'Subject')).toBe(SUBJECT);
    expect(await deliver('stranger@example.org', 'Offer')).toEqual([]);
  });

  it('reply only to my contacts: a contact made in Thunderbird\'s address book is stored and answered, others not', async () => {
    // A contact in the personal address book, as the user would make it.
    await s.tb.chrome(`
      const book = MailServices.ab.getDirectory("jsaddrbook://abook.sqlite");
      const card = Cc["@mozilla.org/addressbook/cardproperty;1"].createInstance(Ci.nsIAbCard);
      card.displayName = "Carol";
      card.primaryEmail = "Carol@Partner.example";
      book.addCard(card);
    `);
    await tab.setChecked('vacation', 'Only people in my address books', true);
    expect(await tab.waitText('vacation', /: 1\.$/, '[data-testid="vacation-contacts"]'))
      .toBe('Addresses from your address books to save on the server: 1.');
    expect(await tab.act('vacation', 'Save')).toMatchObject({ kind: 'success' });
    expect(onlyLines()).toEqual(['only carol@partner.example']);
    const sent = await deliver('carol@partner.example', 'Hello from Carol');
    expect(sent.map((m) => m.recipients)).toEqual([['carol@partner.example']]);
    // The domain is no longer enough.
    expect(await deliver('colleague2@example.com', 'Meeting?')).toEqual([]);
    // What is stored is shown as a list of senders.
    expect(await tab.control('vacation', 'Only the senders saved on the server now (1)')).toMatchObject({ checked: true });
  });

  it('the page shows the stored reply when opened again', async () => {
    const again = await s.reopen();
    await again.openPanel('vacation');
    expect(await again.control('vacation', ON)).toMatchObject({ checked: true });
    expect((await again.control('vacation', 'Subject')).value).toBe(SUBJECT);
    expect((await again.control('vacation', 'Message')).value).toBe(BODY);
    expect((await again.control('vacation', DAYS)).value).toBe('1');
    expect((await again.control('vacation', 'First day')).value).toBe(isoDay(-1));
    expect((await again.control('vacation', 'Last day')).value).toBe(isoDay(2));
  });

  it('turned off: no reply in the script, none sent, the text is kept', async () => {
    await tab.setChecked('vacation', ON, false);
    expect(await tab.act('vacation', 'Turn off')).toMatchObject({ kind: 'success', text: 'No automatic reply is sent.' });
    expect(await tab.text('vacation', '.state')).toBe('Off No automatic reply is sent.');
    expect(sieve()).not.toMatch(VACATION_ACTION);
    expect(await deliver('late@example.org', 'Anyone there?')).toEqual([]);
    expect((await tab.control('vacation', 'Message')).value).toBe(BODY);
    expect((await tab.control('vacation', 'Subject')).value).toBe(SUBJECT);
  });
});
