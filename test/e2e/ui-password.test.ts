// End-to-end: the Password panel of the settings tab, used through the DOM in a real
// Thunderbird 153 (the built .xpi) against a real Dovecot with the plugin, for an account
// whose password Thunderbird has saved. The panel asks the module what it needs first (this
// server: no current password, minimum 8), so a shorter password is caught in the page and
// nothing is sent (test/e2e/password-current.test.ts has a server that wants the current
// password, and its refusal in the server's words); a good one changes Dovecot's passwd-file (a raw IMAP
// LOGIN with the new password works, with the old one it fails) and Thunderbird's saved copy.
// Passwords are compared inside Thunderbird and never printed.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginLogPattern, USERS, waitFor } from '../server/fixture/index.js';
import { accountPasswordCopies, startSettingsTab, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.carol;
const NEW = 'New password';
const REPEAT = 'Repeat the new password';

let s: SettingsSession;
let tab: SettingsTab;
let oldPassword: string;
const newPassword = `Ui-${randomBytes(12).toString('base64url')}`;

/** The user's line of Dovecot's passwd-file. */
function passwdLine(): string {
  const line = fs.readFileSync(s.server.passwdFile, 'utf8').split('\n').find((l) => l.startsWith(`${USER}:`));
  if (line === undefined) throw new Error(`${USER} is not in the passwd-file`);
  return line;
}

/** Raw IMAP LOGIN; true when the server said OK. */
const rawLogin = async (password: string): Promise<boolean> => (await s.server.tryLogin(USER, password)) === 'OK';

describe('the Password panel, in Thunderbird, against the server', () => {
  beforeAll(async () => {
    s = await startSettingsTab({ user: USER, savePassword: true });
    tab = s.tab;
    oldPassword = s.server.passwords[USER]!;
    await tab.openPanel('changepassword');
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('the form: two password fields, hidden, and a strength hint that follows the typing', async () => {
    expect(await tab.text('changepassword', '.panel-intro')).toBe(
      "Change the password of this account on the mail server. Thunderbird's saved password is updated with it.");
    expect(await tab.dom<string[]>('return [...scope("changepassword").querySelectorAll("input:not([type=checkbox])")].map((i) => i.type);'))
      .toEqual(['password', 'password']);
    expect(await tab.text('changepassword', '.strength-text')).toBe('nothing typed yet');
    await tab.fill('changepassword', NEW, 'abc');
    expect(await tab.text('changepassword', '.strength-text')).toBe('Very weak');
    await tab.fill('changepassword', NEW, 'correct horse battery staple, twice');
    expect(await tab.text('changepassword', '.strength-text')).toBe('Strong');
    await tab.setChecked('changepassword', 'Show passwords', true);
    expect(await tab.dom<string>('return labelled("changepassword", { text: "New password" }).type;')).toBe('text');
    await tab.setChecked('changepassword', 'Show passwords', false);
    await tab.fill('changepassword', NEW, '');
  });

  it('two different passwords are caught in the page: nothing is sent', async () => {
    const before = passwdLine();
    await tab.fill('changepassword', NEW, 'one-long-password');
    await tab.fill('changepassword', REPEAT, 'another-long-password');
    await tab.click('changepassword', 'Change password');
    await tab.waitText('changepassword', /do not match/, 'form');
    expect(await tab.control('changepassword', REPEAT)).toMatchObject({ invalid: true, description: 'The two passwords do not match.' });
    expect(await tab.status('changepassword')).toMatchObject({ kind: 'none', text: '' });
    expect(passwdLine()).toBe(before);
  });

  it('a password shorter than the server\'s minimum (asked when the panel opened) is caught in the page: nothing changes', async () => {
    const before = passwdLine();
    await tab.fill('changepassword', NEW, 'short');
    await tab.fill('changepassword', REPEAT, 'short');
    await tab.click('changepassword', 'Change password');
    await tab.waitText('changepassword', /at least 8 characters long/, 'form');
    // The module's no-argument form said "min-length 8": the hint and the check use it.
    expect(await tab.control('changepassword', NEW)).toEqual({
      value: 'short', checked: false, invalid: true,
      description: 'The new password must be at least 8 characters long. '
        + 'At least 8 characters, as the server asks. A long phrase of several words is strong and easy to remember.',
    });
    expect(await tab.status('changepassword')).toMatchObject({ kind: 'none', text: '' });
    expect((await tab.control('changepassword', REPEAT)).value).toBe('short');
    expect(await tab.buttons('changepassword')).toContainEqual({ name: 'Change password', enabled: true });
    expect(passwdLine()).toBe(before);
    expect(await rawLogin(oldPassword)).toBe(true);
    expect(await accountPasswordCopies(s, oldPassword, newPassword)).toEqual({ saved: 'old', session: 'old' });
  });

  it('a good password: the server and Thunderbird\'s saved password have it, the old one no longer works', async () => {
    const before = passwdLine();
    await tab.fill('changepassword', NEW, newPassword);
    await tab.fill('changepassword', REPEAT, newPassword);
    expect(await tab.act('changepassword', 'Change password')).toEqual({
      kind: 'success',
      text: 'The password was changed on the server.',
      details: ["Thunderbird's saved password for this account was updated too."],
      actions: [],
    });
    // The fields are emptied: the password does not stay on the page.
    expect((await tab.control('changepassword', NEW)).value).toBe('');
    expect((await tab.control('changepassword', REPEAT)).value).toBe('');
    expect(await tab.text('changepassword')).not.toContain(newPassword);

    // The passwd-file holds a hash of the new password, not the password.
    const line = passwdLine();
    expect(line).not.toBe(before);
    expect(line).not.toContain(newPassword);
    const hash = line.slice(USER.length + 1).split(':')[0]!;
    expect(hash).toMatch(/^\{[A-Z0-9-]+\}/);
    expect(execFileSync('doveadm', ['pw', '-t', hash, '-p', newPassword], { encoding: 'utf8' })).toMatch(/verified/);

    // Dovecot re-reads its passwd-file at most once a second: wait until it has.
    await waitFor('Dovecot to take the new password', () => rawLogin(newPassword), 10_000);
    expect(await rawLogin(oldPassword)).toBe(false);
    expect(await accountPasswordCopies(s, oldPassword, newPassword)).toEqual({ saved: 'new', session: 'new' });
  });

  it('Thunderbird logs in again with the new password: the panels still reach the server', async () => {
    const logins = () => s.server.readLog().split('\n')
      .filter((l) => l.includes(`user=<${USER}>`) && loginLogPattern().test(l)).length;
    const before = logins();
    // Drop Thunderbird's open IMAP connections, so that the next command needs a new login.
    await s.tb.chrome(`
      MailServices.accounts.getAccount(arguments[0]).incomingServer.QueryInterface(Ci.nsIImapIncomingServer).closeCachedConnections();
    `, [s.accountId]);
    await s.tb.watchDialogs();
    const again = await s.reopen();
    await again.openPanel('blacklist');
    expect(await again.text('blacklist', '.count')).toBe('Entries: 0');
    expect(await s.tb.openedDialogs()).toEqual([]);
    expect(logins()).toBeGreaterThan(before);
  });
});
