// End-to-end: the Alerts panel of the settings tab, used through the DOM in a real Thunderbird
// (the built .xpi) against a real Dovecot with the reference alerts module. A target is set
// through the panel, the code the module sent is read from the fixture's sendmail capture and
// typed into the panel, and LMTP deliveries then show what reaches the target: nothing but the
// code before it is confirmed, exactly one alert per matching message after, none for other
// mail or once alerts are off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsModule, defaultModules, header, USERS } from '../server/fixture/index.js';
import { startSettingsTab, stateFile, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.bob;
const DOMAIN = 'sms.example.net';
const TARGET = `bob.pager@${DOMAIN}`;
const ADDRESS = 'Send alerts to';
const WORDS = 'With these words in the subject';
const CODE = 'Code';
const FRIEND = 'carol.friend@example.org';

let s: SettingsSession;
let tab: SettingsTab;

/** The addresses in the panel's shown list of trusted contacts (each row also has its Remove). */
function shownContacts(t: SettingsTab, panel: 'spam' | 'alerts'): Promise<string[]> {
  return t.dom<string[]>('return [...scope(args[0]).querySelectorAll(\'[data-testid="trusted-contacts-list"] .contact-address\')].map((e) => norm(e.textContent));', [panel]);
}

/** What went to the target since `from` (an index into the capture). */
function toTarget(from: number): { subject: string | undefined; data: string }[] {
  return s.server.captured().slice(from).filter((m) => m.recipients.includes(TARGET)).map((m) => ({ subject: header(m.data, 'Subject'), data: m.data }));
}

/** Delivers a message to the user and returns what reached the target meanwhile. */
async function deliver(subject: string, headers: Record<string, string> = {}, from = 'alice.sender@example.org'): Promise<{ subject: string | undefined; data: string }[]> {
  const before = s.server.captured().length;
  const r = await s.server.deliver({ from, to: USER, subject, headers, body: 'The disk array in rack 3 stopped answering.\n' });
  expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
  return toTarget(before);
}

/** The 6-digit code in the one message the module sent the target since `from`. */
function codeSent(from: number): string {
  const sent = toTarget(from);
  expect(sent, 'exactly one message with a code').toHaveLength(1);
  const code = /\b(\d{6})\b/.exec(sent[0]!.data.split(/\r?\n\r?\n/).slice(1).join('\n') + ' ' + (sent[0]!.subject ?? ''));
  expect(code, sent[0]!.data).not.toBeNull();
  return code![1]!;
}

describe('the Alerts panel, in Thunderbird, against the server', () => {
  beforeAll(async () => {
    s = await startSettingsTab({
      user: USER,
      // The administrator allows targets at one domain only; the panel shows it and checks it.
      server: { modules: (dir) => [...defaultModules(dir), alertsModule(dir, [`--target-domains=${DOMAIN}`])] },
      // A local address book as a user has it: one contact, and one whose address the module would refuse.
      beforeOpen: async ({ tb }) => {
        await tb.chrome(`
          const id = MailServices.ab.newAddressBook("Friends", "", Ci.nsIAbManager.JS_DIRECTORY_TYPE);
          const book = MailServices.ab.getDirectoryFromId(id);
          for (const [name, email] of [["Carol", arguments[0]], ["Broken", "not an address"]]) {
            const card = Cc["@mozilla.org/addressbook/cardproperty;1"].createInstance(Ci.nsIAbCard);
            card.displayName = name;
            card.primaryEmail = email;
            book.addCard(card);
          }
        `, [FRIEND]);
      },
    });
    tab = s.tab;
    await tab.openPanel('alerts');
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  let firstCode = '';
  let captureBefore = 0;

  it('off at first; the administrator\'s cap is shown', async () => {
    expect(await tab.text('alerts', '.state')).toBe('Off No alerts are sent.');
    expect(await tab.text('alerts', '[data-testid="alerts-cap"]')).toMatch(/^At most \d+ alerts an hour are sent/);
    expect(await tab.control('alerts', ADDRESS)).toMatchObject({
      value: '', description: `Only addresses at ${DOMAIN} are allowed. A code is sent there first.`,
    });
  });

  it('a target at another domain is refused at the field before anything is sent', async () => {
    const before = s.server.captured().length;
    await tab.fill('alerts', ADDRESS, 'bob@elsewhere.example');
    await tab.fill('alerts', WORDS, 'server down');
    await tab.click('alerts', 'Turn on alerts');
    await tab.waitText('alerts', /Alerts can only go to addresses at/, 'form');
    expect(await tab.control('alerts', ADDRESS)).toMatchObject({
      invalid: true, description: `Alerts can only go to addresses at ${DOMAIN}. Only addresses at ${DOMAIN} are allowed. A code is sent there first.`,
    });
    expect(await tab.text('alerts', '.state')).toBe('Off No alerts are sent.');
    expect(s.server.captured().length).toBe(before);
  });

  it('a target and a subject word: the module sends the target a code, the panel asks for it', async () => {
    captureBefore = s.server.captured().length;
    await tab.fill('alerts', ADDRESS, 'Bob.Pager@SMS.example.net');
    await tab.fill('alerts', WORDS, 'server down');
    await tab.setChecked('alerts', 'Marked urgent (high priority)', true);
    expect(await tab.act('alerts', 'Turn on alerts')).toMatchObject({
      kind: 'success', text: `A code was sent to ${TARGET}. Type it above to confirm the address.`,
    });
    expect(await tab.text('alerts', '.alerts-code h3')).toBe(`Not confirmed A code was sent to ${TARGET} — type it here`);
    expect(await tab.text('alerts', '.state')).toMatch(new RegExp(`^On Alerts are on, but ${TARGET.replace(/\./g, '\\.')} is not confirmed yet`));
    firstCode = codeSent(captureBefore);
  });

  it('until it is confirmed, a matching message sends the target nothing', async () => {
    expect(await deliver('Server down in rack 3')).toEqual([]);
  });

  it('a wrong code is refused by the server; the typed code stays', async () => {
    const wrong = firstCode === '000000' ? '111111' : '000000';
    await tab.fill('alerts', CODE, wrong);
    const report = await tab.act('alerts', 'Confirm');
    expect(report.kind).toBe('error');
    expect(report.text).toMatch(/^The server refused: /);
    expect((await tab.control('alerts', CODE)).value).toBe(wrong);
  });

  it('"Send a new code": exactly one more message to the target, whose code is typed next', async () => {
    const before = s.server.captured().length;
    expect(await tab.act('alerts', 'Send a new code')).toMatchObject({
      kind: 'success', text: `A code was sent to ${TARGET}. Type it above to confirm the address.`,
    });
    firstCode = codeSent(before);
  });

  it('the code from the capture confirms the target', async () => {
    await tab.fill('alerts', CODE, firstCode);
    expect(await tab.act('alerts', 'Confirm')).toMatchObject({ kind: 'success', text: `${TARGET} is confirmed: alerts can be sent there.` });
    expect(await tab.text('alerts', '.state')).toBe(`On Alerts for important mail go to ${TARGET}.`);
    expect(await tab.text('alerts', '.alerts-confirmed')).toBe(`Confirmed ${TARGET} is confirmed: alerts can be sent there.`);
  });

  it('a matching message causes exactly one alert, short, with the sender and subject', async () => {
    const sent = await deliver('Server down in rack 3');
    expect(sent).toHaveLength(1);
    const alert = sent[0]!;
    // The module's short text: '<sender>: <subject>', then the first characters of the body.
    expect(alert.subject).toBe('alice.sender@example.org: Server down in rack 3');
    expect(alert.data.split(/\r?\n\r?\n/).slice(1).join('\n').trim()).toBe('The disk array in rack 3 stopped answering.');
  });

  it('an urgent message alerts too; a message that meets no condition does not', async () => {
    expect(await deliver('Lunch?', { 'X-Priority': '1 (Highest)' })).toHaveLength(1);
    expect(await deliver('Lunch on Friday')).toEqual([]);
  });

  it('trusted contacts from a real address book: stored on the server, and mail from one alerts once', async () => {
    expect(await deliver('Hi', {}, FRIEND)).toEqual([]);
    // The Spam panel's picker: only the book the user ticks, not Thunderbird's others.
    await tab.setChecked('alerts', 'Friends', true);
    expect(await tab.act('alerts', 'Trust these contacts')).toEqual({
      kind: 'success', text: 'The server now trusts 1 contacts. 1 invalid addresses were left out.', details: [], actions: [],
    });
    expect(stateFile(s.server, USER, 'contacts')).toBe(`${FRIEND}\n`);
    expect(await tab.text('alerts', '[data-testid="trusted-remembered"]')).toBe('Refresh reads these address books again: Friends.');
    expect(await tab.act('alerts', 'Show')).toMatchObject({ kind: 'info', text: 'The server trusts these 1 contacts:' });
    expect(await shownContacts(tab, 'alerts')).toEqual([FRIEND]);
    await tab.setChecked('alerts', 'From my trusted contacts', true);
    expect(await tab.act('alerts', 'Save')).toMatchObject({ kind: 'success', text: `Alerts for important mail go to ${TARGET}.` });
    const sent = await deliver('Hi', {}, FRIEND);
    expect(sent.map((m) => m.subject)).toEqual([`${FRIEND}: Hi`]);
  });

  it('turned off: the target stays, no alert is sent', async () => {
    expect(await tab.act('alerts', 'Turn off alerts')).toMatchObject({ kind: 'success', text: 'No alerts are sent.' });
    expect(await tab.text('alerts', '.state')).toBe('Off No alerts are sent.');
    expect((await tab.control('alerts', ADDRESS)).value).toBe(TARGET);
    expect(await deliver('Server down again')).toEqual([]);
  });
});
