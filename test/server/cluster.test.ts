// Many servers (issue 14): a Dovecot proxy in front of two backends that share one PostgreSQL user
// database (fixture/cluster.ts, docs/SERVER.md "Many servers: a Dovecot proxy"). Everything the
// client does goes through the proxy: discovery, the block list, vacation and a password change
// for a user on backend A and one on backend B; mail goes through the proxy's LMTP. The effects
// land in the user's home on their backend only, and a new password is the one that logs in on
// the proxy and on both backends, because they read the same database.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDocTexts, startCluster, type Cluster } from './fixture/cluster.js';
import { header, loginLogPattern, USERS, type TestServer } from './fixture/index.js';
import { quote } from './imap-client.js';
import { xexec } from './helpers.js';

let cluster: Cluster;
/** Passwords changed by the tests. */
const current: Record<string, string> = {};
const pwOf = (u: string) => current[u] ?? cluster.proxy.passwords[u]!;

beforeAll(async () => {
  cluster = await startCluster();
}, 300_000);

afterAll(async () => {
  await cluster?.stop();
}, 180_000);

/** One XEXEC command as `user` through the proxy, on a fresh session; expects OK. */
async function run(user: string, cmd: string): Promise<string[]> {
  const c = await cluster.proxy.login(user, pwOf(user));
  try {
    const r = await xexec(c, cmd);
    expect(r.tagged, `${cmd}: ${r.response.text}`).toMatchObject({ ok: true, code: null });
    return r.lines;
  } finally {
    await c.logout();
  }
}

/** Logins of `user` in a server's log. */
const logins = (server: TestServer, user: string) =>
  server.readLog().split('\n').filter((l) => l.includes(`user=<${user}>`) && loginLogPattern().test(l)).length;

/** A delivery through the proxy's LMTP; expects it accepted. */
async function deliver(from: string, to: string, subject: string): Promise<void> {
  const res = await cluster.proxy.deliver({ from, to, subject });
  expect(res.dataReplies.length, res.transcript.join('\n')).toBe(1);
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
}

const stateFile = (server: TestServer, user: string, name: string) => path.join(server.home(user), '.xexec', name);

const ON_A = USERS.alice;
const ON_B = USERS.bob;

describe('discovery through the proxy', () => {
  it('the proxy lists XEXEC before login (imap_capability)', async () => {
    const c = await cluster.proxy.connect();
    try {
      const r = await c.command('CAPABILITY');
      expect(r.status).toBe('OK');
      expect(r.untagged.map(String).join('\n')).toMatch(/^\* CAPABILITY IMAP4rev1 .*\bXEXEC\b/m);
    } finally {
      c.close();
    }
  });

  it.each([['A', ON_A], ['B', ON_B]])('a user on backend %s: CAPABILITY after login has XEXEC, .modules lists the reference modules; the session is on that backend', async (_n, user) => {
    const home = cluster.backendOf(user), other = cluster.otherOf(user);
    const [onHome, onOther] = [logins(home, user), logins(other, user)];
    const c = await cluster.proxy.login(user, pwOf(user));
    try {
      // The proxy passes on the backend's OK with its capability code (PROTOCOL.md §1).
      expect(c.loginResponse.text).toMatch(/^OK \[CAPABILITY IMAP4rev1 [^\]]*\bXEXEC\b/);
      const caps = await c.command('CAPABILITY');
      expect(caps.untagged.map(String).join('\n')).toMatch(/^\* CAPABILITY IMAP4rev1 .*\bXEXEC\b/m);
      const r = await xexec(c, 'XEXEC .modules');
      expect(r.tagged).toMatchObject({ ok: true, code: null });
      expect(r.lines).toEqual(['blacklist', 'whitelist', 'changepassword', 'forwardmail', 'vacation', 'spam']);
    } finally {
      await c.logout();
    }
    expect([logins(home, user) - onHome, logins(other, user) - onOther]).toEqual([1, 0]);
  });

  it('a wrong password stops at the proxy: no backend sees the login', async () => {
    // The user's lines in the backends' logs (a login, a failed one, a disconnect all name
    // user=<...>); other lines may still come from earlier sessions' ends.
    const userLines = () => [cluster.a.readLog(), cluster.b.readLog()].join('').split('\n').filter((l) => l.includes(`user=<${ON_A}>`));
    const before = userLines();
    expect(await cluster.proxy.tryLogin(ON_A, 'not alice\'s password')).toBe('NO');
    expect(userLines()).toEqual(before);
    // The pattern finds this user's lines: the earlier tests' logins through the proxy are there.
    expect(before.length).toBeGreaterThan(0);
  });
});

describe.each([['A', ON_A], ['B', ON_B]])('a user on backend %s, through the proxy', (_n, user) => {
  it('the block list lands in the home on the user\'s backend; mail from a blocked sender goes to Junk there', async () => {
    const home = cluster.backendOf(user), other = cluster.otherOf(user);
    expect(await run(user, 'XEXEC blacklist add pest@example.org')).toEqual(['added pest@example.org']);
    expect(fs.readFileSync(stateFile(home, user, 'blacklist'), 'utf8')).toBe('pest@example.org\n');
    expect(fs.existsSync(stateFile(other, user, 'blacklist'))).toBe(false);
    expect(await run(user, 'XEXEC blacklist list')).toEqual(['pest@example.org']);

    const counts = home.counts(user);
    await deliver('pest@example.org', user, 'buy now');
    await deliver('friend@example.org', user, 'hello');
    expect(home.counts(user)).toEqual({ inbox: counts.inbox + 1, junk: counts.junk + 1 });
    expect(home.mailbox(user, 'Junk').map((m) => header(m, 'Subject'))).toContain('buy now');
    expect(other.counts(user)).toEqual({ inbox: 0, junk: 0 });
  });

  it('vacation: set through the proxy, the reply sent by the user\'s backend for mail through the proxy', async () => {
    const home = cluster.backendOf(user), other = cluster.otherOf(user);
    expect(await run(user, 'XEXEC vacation set subject=Away body=Back-on-Monday days=1'))
      .toEqual(['status on', 'subject Away', 'days 1', 'body Back-on-Monday']);
    expect(fs.existsSync(stateFile(home, user, 'vacation'))).toBe(true);
    expect(fs.existsSync(path.join(other.home(user), '.xexec'))).toBe(false);
    const [before, beforeOther] = [home.captured().length, other.captured().length];
    await deliver('colleague@example.org', user, 'Lunch?');
    const replies = home.captured().slice(before);
    expect(replies.map((m) => m.recipients)).toEqual([['colleague@example.org']]);
    expect(header(replies[0]!.data, 'Subject')).toBe('Away');
    expect(replies[0]!.data).toContain('Back-on-Monday');
    // The blocked sender still gets no reply.
    await deliver('pest@example.org', user, 'again');
    expect(home.captured().length - before).toBe(1);
    expect(other.captured().length).toBe(beforeOther);
    expect(await run(user, 'XEXEC vacation off')).toContain('status off');
  });

  it('a password change through the proxy: the shared database has the new hash; the new password logs in on the proxy and on both backends, the old one nowhere', async () => {
    const home = cluster.backendOf(user), other = cluster.otherOf(user);
    const old = pwOf(user), next = `cluster ${user} new password 1`;
    const onHome = logins(home, user), onOther = logins(other, user);
    expect(await run(user, 'XEXEC changepassword')).toEqual(['current-password optional', 'min-length 8']);
    expect(await run(user, `XEXEC changepassword ${quote(next)}`)).toEqual(['Password changed']);
    // Both sessions ran on the user's backend (its changepassword, its auth check).
    expect([logins(home, user) - onHome, logins(other, user) - onOther]).toEqual([2, 0]);
    current[user] = next;
    expect(cluster.storedPassword(user)).toMatch(/^\{SHA512-CRYPT\}\$6\$/);
    const servers = { proxy: cluster.proxy, a: cluster.a, b: cluster.b };
    const seen: Record<string, [string, string]> = {};
    for (const [name, server] of Object.entries(servers)) seen[name] = [await server.tryLogin(user, next), await server.tryLogin(user, old)];
    expect(seen).toEqual({ proxy: ['OK', 'NO'], a: ['OK', 'NO'], b: ['OK', 'NO'] });
  });
});

describe('after the changes', () => {
  it('the other users are untouched: their old passwords still log in through the proxy', async () => {
    for (const u of [USERS.carol, USERS.dave]) expect(await cluster.proxy.tryLogin(u, pwOf(u))).toBe('OK');
  });

  it('no password or hash in any server log', () => {
    const logs = [cluster.proxy, cluster.a, cluster.b].map((s) => s.readLog()).join('\n');
    for (const p of Object.values(current)) expect(logs).not.toContain(p);
    expect(logs).not.toMatch(/\$6\$/);
  });

  it('stops cleanly: no process or folder of the proxy, the backends or the database left; no Panic/Fatal', async () => {
    const { proxy, a, b, db } = cluster;
    await cluster.stop();
    for (const s of [proxy, a, b]) {
      expect(s.processes()).toEqual([]);
      s.assertLogClean();
      expect(fs.existsSync(s.dir)).toBe(process.env.XEXEC_KEEP === '1');
    }
    expect(fs.existsSync(db.dir)).toBe(process.env.XEXEC_KEEP === '1');
  }, 180_000);
});

describe('docs/SERVER.md', () => {
  const doc = fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../docs/SERVER.md'), 'utf8');
  it('shows the configuration these tests run', () => {
    for (const [name, text] of Object.entries(clusterDocTexts())) expect([name, doc.includes(text)]).toEqual([name, true]);
  });
});
