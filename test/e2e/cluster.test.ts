// End-to-end through a Dovecot proxy (issue 14, docs/SERVER.md "Many servers: a Dovecot proxy"):
// the real Thunderbird with the built .xpi has one account, on the proxy's port, and talks to
// nothing else. Behind the proxy two backends share a PostgreSQL user database
// (test/server/fixture/cluster.ts); the user lives on backend B. The panels load (discovery
// after the proxied login), a block list entry lands in the home on backend B (not on A) and
// its mail, delivered through the proxy's LMTP, goes to Junk there; a password change through
// the Password panel updates the shared database and Thunderbird's saved password, and the new
// password logs in through the proxy and on both backends. Passwords are compared inside
// Thunderbird and never printed.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../server/fixture/cluster.js';
import { loginLogPattern, USERS, waitFor, type TestServer } from '../server/fixture/index.js';
import { accountPasswordCopies, startSettingsTab, type SettingsSession, type SettingsTab } from './settings-tab.js';

const USER = USERS.bob;
const NEW = 'New password';
const REPEAT = 'Repeat the new password';

let cluster: Cluster | undefined;
let s: SettingsSession;
let tab: SettingsTab;
let oldPassword: string;
const newPassword = `Clu-${randomBytes(12).toString('base64url')}`;

const logins = (server: TestServer) =>
  server.readLog().split('\n').filter((l) => l.includes(`user=<${USER}>`) && loginLogPattern().test(l)).length;

describe('Thunderbird through a Dovecot proxy with two backends', () => {
  beforeAll(async () => {
    s = await startSettingsTab({
      user: USER,
      savePassword: true,
      startServer: async () => {
        cluster = await startCluster();
        return cluster.proxy;
      },
    });
    tab = s.tab;
    oldPassword = s.server.passwords[USER]!;
  }, 300_000);

  afterAll(async () => {
    try {
      await s?.stop();
    } finally {
      await cluster?.stop();
    }
    // The backends' logs too (s.stop() checked the proxy's).
    cluster?.a.assertLogClean();
    cluster?.b.assertLogClean();
  }, 180_000);

  it('the account is the proxy\'s; the panels the backend offers load, and Thunderbird\'s sessions are on backend B', async () => {
    const c = cluster!;
    expect(s.server).toBe(c.proxy);
    expect(c.backendOf(USER)).toBe(c.b);
    expect(await s.tb.chrome(`return MailServices.accounts.getAccount(arguments[0]).incomingServer.port;`, [s.accountId]))
      .toBe(c.proxy.imapPort);
    expect((await tab.tabs()).names).toEqual(['Automatic reply', 'Forwarding', 'Block list', 'Allow list', 'Password', 'Spam']);
    expect(logins(c.b)).toBeGreaterThan(0);
    expect(logins(c.a)).toBe(0);
  });

  it('a block list entry added in the panel is in the home on backend B only, and its mail goes to Junk there', async () => {
    const c = cluster!;
    await tab.openPanel('blacklist');
    await tab.fill('blacklist', 'Add an address or domain', 'pest@example.org');
    expect(await tab.act('blacklist', 'Add')).toMatchObject({ kind: 'success', text: 'Added “pest@example.org”.' });
    expect(fs.readFileSync(path.join(c.b.home(USER), '.xexec/blacklist'), 'utf8')).toBe('pest@example.org\n');
    expect(fs.existsSync(path.join(c.a.home(USER), '.xexec'))).toBe(false);
    const r = await c.proxy.deliver({ from: 'pest@example.org', to: USER, subject: 'buy now' });
    expect(r.dataReplies[0], r.transcript.join('\n')).toMatch(/^250 /);
    expect(c.b.counts(USER)).toEqual({ inbox: 0, junk: 1 });
  });

  it('a password change in the Password panel: the shared database, both backends, the proxy and Thunderbird\'s saved password have the new one', async () => {
    const c = cluster!;
    const before = c.storedPassword(USER);
    await tab.openPanel('changepassword');
    await tab.fill('changepassword', NEW, newPassword);
    await tab.fill('changepassword', REPEAT, newPassword);
    expect(await tab.act('changepassword', 'Change password')).toEqual({
      kind: 'success',
      text: 'The password was changed on the server.',
      details: ["Thunderbird's saved password for this account was updated too."],
      actions: [],
    });
    expect(c.storedPassword(USER)).not.toBe(before);
    expect(c.storedPassword(USER)).toMatch(/^\{SHA512-CRYPT\}\$6\$/);
    await waitFor('the proxy to take the new password', async () => await c.proxy.tryLogin(USER, newPassword) === 'OK', 10_000);
    const seen: Record<string, [string, string]> = {};
    for (const [name, server] of Object.entries({ proxy: c.proxy, a: c.a, b: c.b })) {
      seen[name] = [await server.tryLogin(USER, newPassword), await server.tryLogin(USER, oldPassword)];
    }
    expect(seen).toEqual({ proxy: ['OK', 'NO'], a: ['OK', 'NO'], b: ['OK', 'NO'] });
    expect(await accountPasswordCopies(s, oldPassword, newPassword)).toEqual({ saved: 'new', session: 'new' });
  });

  it('Thunderbird logs in again through the proxy with the new password, and the panels reach backend B', async () => {
    const c = cluster!;
    const [before, onA] = [logins(c.b), logins(c.a)];
    await s.tb.chrome(`
      MailServices.accounts.getAccount(arguments[0]).incomingServer.QueryInterface(Ci.nsIImapIncomingServer).closeCachedConnections();
    `, [s.accountId]);
    await s.tb.watchDialogs();
    const again = await s.reopen();
    await again.openPanel('blacklist');
    expect(await again.text('blacklist')).toContain('pest@example.org');
    expect(await s.tb.openedDialogs()).toEqual([]);
    expect(logins(c.b)).toBeGreaterThan(before);
    expect(logins(c.a)).toBe(onA);
  });

  it('no password in Thunderbird\'s logs or any Dovecot\'s', () => {
    const c = cluster!;
    const needles = [oldPassword, newPassword].flatMap((p) => [p, `~${Buffer.from(p).toString('base64url')}`]);
    expect(needles.filter((n) => s.tb.readAllLogs().includes(n)).length).toBe(0);
    for (const server of [c.proxy, c.a, c.b]) expect(needles.filter((n) => server.readLog().includes(n)).length).toBe(0);
  });
});
