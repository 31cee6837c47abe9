// End-to-end: the Password panel against a server whose changepassword wants the current
// password (PROTOCOL.md §6.2: `current-password = required` in the module's configuration
// file, docs/SERVER.md "Password back ends"; the passwd-file driver checks it through
// Dovecot's auth), in a real Thunderbird with the built .xpi, for an account whose password
// Thunderbird has saved. The panel asks the module what it needs when it opens and shows a
// Current password field; a wrong current password gets the server's sentence and changes
// nothing; the right one changes the password on the server and Thunderbird's saved copy.
// Passwords are compared inside Thunderbird and never printed.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceModules } from '../server/fixture/config.js';
import { loginLogPattern, USERS, waitFor } from '../server/fixture/index.js';
import { authListenerConfig, authSocket, passwordModule } from '../server/modules/password-config.js';
import { accountPasswordCopies, startSettingsTab, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.carol;
const CURRENT = 'Current password';
const NEW = 'New password';
const REPEAT = 'Repeat the new password';

let s: SettingsSession;
let tab: SettingsTab;
let oldPassword: string;
const newPassword = `Cur-${randomBytes(12).toString('base64url')}`;
const wrongPassword = `Wrong-${randomBytes(9).toString('base64url')}`;

/** The user's line of Dovecot's passwd-file. */
function passwdLine(): string {
  const line = fs.readFileSync(s.server.passwdFile, 'utf8').split('\n').find((l) => l.startsWith(`${USER}:`));
  if (line === undefined) throw new Error(`${USER} is not in the passwd-file`);
  return line;
}

/** Raw IMAP LOGIN; true when the server said OK. */
const rawLogin = async (password: string): Promise<boolean> => (await s.server.tryLogin(USER, password)) === 'OK';

describe('the Password panel with a server that wants the current password', () => {
  beforeAll(async () => {
    s = await startSettingsTab({
      user: USER,
      savePassword: true,
      server: {
        // The module checks the current password, and the new one after the change, through this listener.
        extraConfig: authListenerConfig(),
        modules: (dir) => referenceModules(dir).map((m) => m.name !== 'changepassword' ? m : passwordModule(dir, [
          'driver = passwd-file', `passwd-file = ${path.join(dir, 'etc/users')}`, `auth-socket = ${authSocket(dir)}`,
          'current-password = required', 'min-length = 10',
        ])),
      },
    });
    tab = s.tab;
    oldPassword = s.server.passwords[USER]!;
    await tab.openPanel('changepassword');
  }, 240_000);

  afterAll(async () => {
    await s?.stop();
  }, 120_000);

  it('the panel asked the server: a Current password field, and the server\'s minimum as the hint', async () => {
    expect(await tab.dom<{ type: string; autocomplete: string | null }[]>(`
      return [...scope("changepassword").querySelectorAll("input:not([type=checkbox])")]
        .map((i) => ({ type: i.type, autocomplete: i.getAttribute("autocomplete") }));
    `)).toEqual([
      { type: 'password', autocomplete: 'current-password' },
      { type: 'password', autocomplete: 'new-password' },
      { type: 'password', autocomplete: 'new-password' },
    ]);
    expect(await tab.control('changepassword', CURRENT)).toEqual({ value: '', checked: false, invalid: false, description: '' });
    expect((await tab.control('changepassword', NEW)).description)
      .toBe('At least 10 characters, as the server asks. A long phrase of several words is strong and easy to remember.');
  });

  it('the minimum of 10 and an empty current password are caught in the page: nothing is sent', async () => {
    const before = passwdLine();
    await tab.fill('changepassword', NEW, 'nine-char');
    await tab.fill('changepassword', REPEAT, 'nine-char');
    await tab.click('changepassword', 'Change password');
    await tab.waitText('changepassword', /Enter your current password/, 'form');
    expect(await tab.control('changepassword', CURRENT)).toMatchObject({ invalid: true, description: 'Enter your current password.' });
    await tab.fill('changepassword', CURRENT, wrongPassword);
    await tab.click('changepassword', 'Change password');
    await tab.waitText('changepassword', /at least 10 characters long/, 'form');
    expect(await tab.control('changepassword', NEW)).toMatchObject({ invalid: true });
    expect(await tab.status('changepassword')).toMatchObject({ kind: 'none', text: '' });
    expect(passwdLine()).toBe(before);
  });

  it('a wrong current password: the server\'s sentence, the typed text stays, the old password still logs in', async () => {
    const before = passwdLine();
    await tab.fill('changepassword', CURRENT, wrongPassword);
    await tab.fill('changepassword', NEW, newPassword);
    await tab.fill('changepassword', REPEAT, newPassword);
    expect(await tab.act('changepassword', 'Change password')).toEqual({
      kind: 'error', text: 'The server refused: The current password is not correct', details: [], actions: [],
    });
    expect((await tab.control('changepassword', CURRENT)).value).toBe(wrongPassword);
    expect((await tab.control('changepassword', NEW)).value).toBe(newPassword);
    expect(passwdLine()).toBe(before);
    expect(await rawLogin(oldPassword)).toBe(true);
    expect(await rawLogin(newPassword)).toBe(false);
    expect(await accountPasswordCopies(s, oldPassword, newPassword)).toEqual({ saved: 'old', session: 'old' });
  });

  it('the right current password: the server and Thunderbird\'s saved password have the new one, the old one no longer works', async () => {
    const before = passwdLine();
    await tab.fill('changepassword', CURRENT, oldPassword);
    expect(await tab.act('changepassword', 'Change password')).toEqual({
      kind: 'success',
      text: 'The password was changed on the server.',
      details: ["Thunderbird's saved password for this account was updated too."],
      actions: [],
    });
    // Every field is emptied: no password stays on the page.
    for (const label of [CURRENT, NEW, REPEAT]) expect((await tab.control('changepassword', label)).value).toBe('');
    const text = await tab.text('changepassword');
    expect([oldPassword, newPassword].filter((p) => text.includes(p))).toEqual([]);
    expect(passwdLine()).not.toBe(before);
    expect(passwdLine()).not.toContain(newPassword);
    // The module answers only once a login with the new password works; waitFor covers a slow re-read all the same.
    await waitFor('Dovecot to take the new password', () => rawLogin(newPassword), 10_000);
    expect(await rawLogin(oldPassword)).toBe(false);
    expect(await accountPasswordCopies(s, oldPassword, newPassword)).toEqual({ saved: 'new', session: 'new' });
  });

  it('Thunderbird logs in again with the new password, and the panel asks the server again', async () => {
    const logins = () => s.server.readLog().split('\n').filter((l) => l.includes(`user=<${USER}>`) && loginLogPattern().test(l)).length;
    const before = logins();
    await s.tb.chrome(`
      MailServices.accounts.getAccount(arguments[0]).incomingServer.QueryInterface(Ci.nsIImapIncomingServer).closeCachedConnections();
    `, [s.accountId]);
    await s.tb.watchDialogs();
    const again = await s.reopen();
    await again.openPanel('changepassword');
    expect((await again.control('changepassword', CURRENT)).value).toBe('');
    expect(await s.tb.openedDialogs()).toEqual([]);
    expect(logins()).toBeGreaterThan(before);
  });

  it('no password in Thunderbird\'s logs or Dovecot\'s', () => {
    const needles = [oldPassword, newPassword, wrongPassword].flatMap((p) => [p, `~${Buffer.from(p).toString('base64url')}`]);
    expect(needles.filter((n) => s.tb.readAllLogs().includes(n)).length).toBe(0);
    expect(needles.filter((n) => s.server.readLog().includes(n)).length).toBe(0);
  });
});
