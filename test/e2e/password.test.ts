// End-to-end: a password change through the background of the built add-on in
// a real, headless Thunderbird 153, for an account whose password Thunderbird
// has SAVED (as its account wizard does with "Remember password"), with an
// outgoing (SMTP) server that logs in with the same user name and password.
// The change must reach the server, Thunderbird's login manager and in-memory
// copies, and survive a restart: Thunderbird logs in again without a prompt.
//
// No password is ever printed: Thunderbird's copies are compared inside
// Thunderbird and reported as "old", "new", "none" or "other".
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackgroundResponse, RequestType } from '../../src/messages/messages.js';
import { loginLogPattern, startServer, USERS, waitFor, type TestServer } from '../server/fixture/index.js';
import { buildAddon, TEST_PAGE, type BuiltAddon } from './addon.js';
import { stopAll } from './teardown.js';
import { CHROME_HELPERS, delay, startThunderbird, thunderbirdAvailable, type ExtensionPage, type ImapAccount, type Thunderbird } from './thunderbird.js';
import { ADDON_ID } from '../support/constants.js';

const USER = USERS.carol;
/** An outgoing server of a second identity: another user name with the same password, left alone. */
const OTHER_SMTP_USER = 'someone-else@example.com';

let built: BuiltAddon;
let server: TestServer;
let tb: Thunderbird;
let page: ExtensionPage;
let account: ImapAccount;
let otherSmtpKey: string;
let oldPassword: string;
/** Printable ASCII without ? and >, so the add-on sends it as a quoted string: the scan below would see a leak. */
const newPassword = `Nw-${randomBytes(12).toString('base64url')}`;

type Copy = 'old' | 'new' | 'none' | 'other';
interface Copies {
  imapSaved: Copy;
  imapSession: Copy;
  smtpSaved: Copy;
  smtpSession: Copy;
  otherSmtpSaved: Copy;
}

/** Thunderbird's copies of the password, labelled inside Thunderbird (the values never leave it). */
function copies(): Promise<Copies> {
  return tb.chrome<Copies>(`
    ${CHROME_HELPERS}
    const [accountId, smtpKey, otherSmtpKey, oldPassword, newPassword] = arguments;
    const label = (p) => p === "" || p === null || p === undefined ? "none" : p === newPassword ? "new" : p === oldPassword ? "old" : "other";
    const saved = async (origin, user) => {
      const logins = (await Services.logins.searchLoginsAsync({ origin, httpRealm: origin })).filter(l => l.username === user);
      return logins.length === 0 ? "none" : logins.length > 1 ? "other" : label(logins[0].password);
    };
    const server = MailServices.accounts.getAccount(accountId).incomingServer;
    const outgoing = MailServices.outgoingServer || MailServices.smtp;
    const smtp = outgoing.getServerByKey(smtpKey).QueryInterface(Ci.nsISmtpServer);
    const other = outgoing.getServerByKey(otherSmtpKey).QueryInterface(Ci.nsISmtpServer);
    return {
      imapSaved: await saved("imap://" + hostnameOf(server), server.username),
      imapSession: label(server.password),
      smtpSaved: await saved("smtp://" + smtp.hostname, smtp.username),
      smtpSession: label(smtp.password),
      otherSmtpSaved: await saved("smtp://" + other.hostname, other.username),
    };
  `, [account.accountId, account.smtpKey, otherSmtpKey, oldPassword, newPassword]);
}

/** runtime.sendMessage(request) from the test page, as the settings page does. */
function send<T extends RequestType>(request: { type: T } & Record<string, unknown>): Promise<BackgroundResponse<T>> {
  return page.run<BackgroundResponse<T>>('return await page.browser.runtime.sendMessage(page.JSON.parse(arguments[0]));', [JSON.stringify(request)]);
}

/**
 * Thunderbird discovers the account's folders: it logs in with what it has
 * (memory, else the login manager). With the 3-pane window's msgWindow, as
 * when the user clicks the account: a password it lacks or the server
 * refuses brings up Thunderbird's password prompt or "login failed" dialog.
 * Resolves "ok", "failed: 0x...", or null when a modal dialog opened.
 */
function discoverFolders(): Promise<string | null> {
  return tb.chrome<string | null>(`
    const server = MailServices.accounts.getAccount(arguments[0]).incomingServer;
    const win = Services.wm.getMostRecentWindow("mail:3pane");
    return await new Promise((resolve) => MailServices.imap.discoverAllFolders(server.rootFolder, {
      QueryInterface: ChromeUtils.generateQI(["nsIUrlListener"]),
      OnStartRunningUrl() {},
      OnStopRunningUrl(url, status) { resolve(status ? "failed: 0x" + (status >>> 0).toString(16) : "ok"); },
    }, win.msgWindow));
  `, [account.accountId]);
}

/** Raw IMAP LOGIN with a password; true when the server said OK. */
const rawLogin = async (password: string): Promise<boolean> => (await server.tryLogin(USER, password)) === 'OK';

/** Successful and failed logins of USER in Dovecot's log so far. */
function loginCounts(): { ok: number; failed: number } {
  const lines = server.readLog().split('\n').filter((l) => l.includes(`user=<${USER}>`) && l.includes('imap-login:'));
  return {
    // Dovecot's own wording: "Login:" in 2.3, "Logged in:" in 2.4.
    ok: lines.filter((l) => loginLogPattern().test(l)).length,
    failed: lines.filter((l) => /auth failed/.test(l)).length,
  };
}

/** Files under dir (recursively) whose bytes contain one of the needles. */
function filesContaining(dir: string, needles: string[]): string[] {
  const patterns = needles.map((n) => Buffer.from(n, 'utf8'));
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        let data: Buffer;
        try {
          data = fs.readFileSync(p);
        } catch {
          continue; // a temp file Thunderbird removed meanwhile
        }
        if (patterns.some((n) => data.includes(n))) hits.push(path.relative(dir, p));
      }
    }
  };
  walk(dir);
  return hits;
}

describe('a password change for an account with a saved password', () => {
  beforeAll(async () => {
    if (!thunderbirdAvailable()) throw new Error('Thunderbird is missing: run `npm run deps` as root');
    built = await buildAddon();
    server = await startServer();
    oldPassword = server.passwords[USER]!;
    tb = await startThunderbird();
    account = await tb.createImapAccount({
      port: server.imapPort, user: USER, password: oldPassword, savePassword: true,
      smtp: { port: 2525, password: oldPassword, savePassword: true },
    });
    // A second identity whose SMTP server has another user name (and, by chance, the same password).
    otherSmtpKey = await tb.chrome<string>(`
      ${CHROME_HELPERS}
      const [accountId, user, password] = arguments;
      const outgoing = MailServices.outgoingServer || MailServices.smtp;
      const smtp = outgoing.createServer("smtp").QueryInterface(Ci.nsISmtpServer);
      smtp.hostname = "127.0.0.1";
      smtp.port = 2526;
      smtp.socketType = Ci.nsMsgSocketType.plain;
      smtp.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
      smtp.username = user;
      smtp.password = password;
      await rememberPassword(smtp, password);
      const identity = MailServices.accounts.createIdentity();
      identity.email = user;
      identity.smtpServerKey = smtp.key;
      MailServices.accounts.getAccount(accountId).addIdentity(identity);
      // Thunderbird 140 (not 153) forgets the first SMTP server's in-memory password when this
      // login for the same host is saved; set it again, as after Thunderbird has used the saved one.
      outgoing.getServerByKey(arguments[3]).password = password;
      return smtp.key;
    `, [account.accountId, OTHER_SMTP_USER, oldPassword, account.smtpKey]);
    expect(await tb.installAddon(built.testAddonDir)).toBe(ADDON_ID);
    page = await tb.openExtensionPage(ADDON_ID, TEST_PAGE);
  }, 180_000);

  afterAll(async () => {
    await stopAll({ tb, servers: [server], built });
  }, 120_000);

  it('before: Thunderbird has the password saved, and logs in with the saved one alone', async () => {
    expect(await copies()).toEqual({ imapSaved: 'old', imapSession: 'old', smtpSaved: 'old', smtpSession: 'old', otherSmtpSaved: 'old' });
    // Forget the in-memory copy and drop the open connections: the next login must come from the login manager.
    await tb.chrome(`
      const server = MailServices.accounts.getAccount(arguments[0]).incomingServer;
      server.forgetSessionPassword(false);
      server.QueryInterface(Ci.nsIImapIncomingServer).closeCachedConnections();
    `, [account.accountId]);
    expect((await copies()).imapSession).toBe('none');
    const before = loginCounts();
    await tb.watchDialogs();
    expect(await discoverFolders()).toBe('ok');
    expect((await copies()).imapSession).toBe('old');
    expect(await tb.openedDialogs()).toEqual([]);
    expect(loginCounts().ok).toBeGreaterThan(before.ok);
  });

  it('changepassword through the background changes the server and every copy Thunderbird keeps', async () => {
    expect(await send({ type: 'password.change', accountId: account.accountId, newPassword })).toEqual({
      ok: true,
      value: { updated: { incomingSaved: true, incomingSession: true, outgoingSaved: true, outgoingSession: true }, updateError: null },
    });
    expect(await copies()).toEqual({ imapSaved: 'new', imapSession: 'new', smtpSaved: 'new', smtpSession: 'new', otherSmtpSaved: 'old' });
    // Dovecot re-reads its passwd-file at most once a second.
    await delay(1100);
    expect(await rawLogin(newPassword)).toBe(true);
    const failedBefore = loginCounts().failed;
    expect(await rawLogin(oldPassword)).toBe(false);
    // Dovecot's log process writes the failed login when that connection ends: wait for the
    // line, so that the next test's count of failed logins starts after it.
    await waitFor('the failed login in the log', () => loginCounts().failed > failedBefore, 15_000);
  });

  it('after a restart Thunderbird logs in with the new password, without a prompt', async () => {
    const before = loginCounts();
    await tb.restart();
    await tb.watchDialogs();
    // A fresh process: nothing in memory, only what the profile saved.
    const saved = await copies();
    expect(saved).toMatchObject({ imapSaved: 'new', imapSession: 'none', smtpSaved: 'new', otherSmtpSaved: 'old' });
    expect(await discoverFolders()).toBe('ok');
    expect((await copies()).imapSession).toBe('new');
    // An XEXEC through the add-on (temporary add-ons do not survive a restart: install it again).
    expect(await tb.installAddon(built.testAddonDir)).toBe(ADDON_ID);
    page = await tb.openExtensionPage(ADDON_ID, TEST_PAGE);
    expect(await send({ type: 'list.show', accountId: account.accountId, list: 'blacklist' })).toEqual({ ok: true, value: { entries: '' } });
    expect(await tb.openedDialogs()).toEqual([]);
    expect(await tb.alertText()).toBeNull();
    expect((await tb.openWindows()).filter((w) => !w.endsWith('/messenger.xhtml'))).toEqual([]);
    // Dovecot saw Thunderbird log in again, and no failed login since the restart.
    const after = loginCounts();
    expect(after.ok).toBeGreaterThan(before.ok);
    expect(after.failed).toBe(before.failed);
  });

  it('neither password is written in plain text into the profile or Thunderbird\'s log', () => {
    // Both passwords, plain and in the protocol's encoded form (PROTOCOL.md §3.1).
    const needles = [oldPassword, newPassword].flatMap((p) => [p, `~${Buffer.from(p).toString('base64url')}`]);
    expect(filesContaining(tb.dir, needles)).toEqual([]);
    expect(needles.filter((n) => tb.readAllLogs().includes(n)).length).toBe(0);
    // Nor in Dovecot's log (the plugin clears the arguments).
    expect(needles.filter((n) => server.readLog().includes(n)).length).toBe(0);
  });
});
