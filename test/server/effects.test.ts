// Real effects of the reference modules (PROTOCOL.md §6) in a real Dovecot:
// LMTP delivery through Sieve (sieve_before = ~/.xexec/xexec.sieve), vacation
// replies and redirects caught by the capturing sendmail, passwd-file changes.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { header, USERS, waitFor, type Captured } from './fixture/index.js';
import { stripTiming } from './imap-client.js';
import { itStopsCleanly, useServer, xexec } from './helpers.js';

const ERIN = 'erin@example.com';
const server = useServer({ users: { [ERIN]: 'erin-pass-1' } });

const enc = (s: string) => '~' + Buffer.from(s, 'utf8').toString('base64url');

/** Runs one command as `user` on a fresh session and expects OK. */
async function run(user: string, cmd: string): Promise<string[]> {
  const c = await server().login(user);
  try {
    const r = await xexec(c, cmd);
    expect(r.tagged, `${cmd}: ${r.response.text}`).toMatchObject({ ok: true, code: null });
    return r.lines;
  } finally {
    await c.logout();
  }
}

/** Delivers a message and expects every recipient to be accepted. */
async function deliver(from: string, to: string, extra: { subject?: string; headers?: Record<string, string> } = {}) {
  const res = await server().deliver({ from, to, subject: extra.subject ?? `from ${from}`, headers: extra.headers });
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
  return res;
}

const describeCaptures = (c: Captured[]) => c.map((m) => `${m.args.join(' ')}\n${m.data}`).join('\n----\n');

describe('no generated script yet', () => {
  it('delivery works and files into INBOX while ~/.xexec/xexec.sieve does not exist', async () => {
    await deliver('someone@example.org', ERIN);
    expect(server().counts(ERIN)).toEqual({ inbox: 1, junk: 0 });
    expect(server().readLog()).not.toMatch(/sieve.*(Error|failed)/i);
  });
});

describe('vacation', () => {
  const u = USERS.alice;

  it('set -> state; a delivered message gets one auto-reply per sender', async () => {
    const lines = await run(u, `XEXEC vacation set subject=Away ${enc('body=I am away.\nBack on Monday.')} days=1`);
    expect(lines).toEqual(['status on', 'subject Away', 'days 1', 'body I am away.', 'body Back on Monday.']);
    expect(await run(u, 'UID XEXEC vacation show')).toEqual(lines);

    const before = server().captured().length;
    await deliver('friend@example.org', u, { subject: 'Lunch?' });
    const caps = server().captured().slice(before);
    expect(caps, describeCaptures(caps)).toHaveLength(1);
    const reply = caps[0]!;
    expect(reply.recipients).toEqual(['friend@example.org']);
    expect(header(reply.data, 'To')).toMatch(/friend@example\.org/);
    expect(header(reply.data, 'Subject')).toBe('Away');
    expect(header(reply.data, 'Auto-Submitted')).toMatch(/^auto-replied/);
    expect(reply.data).toContain('I am away.');
    expect(reply.data).toContain('Back on Monday.');
    expect(server().counts(u).inbox).toBe(1);

    await deliver('friend@example.org', u, { subject: 'Lunch again?' });
    expect(server().captured().length - before, describeCaptures(server().captured())).toBe(1);
    expect(server().counts(u).inbox).toBe(2);
  });

  it('no reply to mailing lists', async () => {
    const before = server().captured().length;
    await deliver('list@lists.example.org', u, { headers: { 'List-Id': '<news.lists.example.org>', Precedence: 'list' } });
    expect(server().captured().length - before).toBe(0);
  });

  it('no reply to a blacklisted sender; its mail is in Junk', async () => {
    expect(await run(u, 'XEXEC blacklist add pest@example.org')).toEqual(['added pest@example.org']);
    const before = server().captured().length;
    const counts = server().counts(u);
    await deliver('pest@example.org', u);
    expect(server().captured().length - before).toBe(0);
    expect(server().counts(u)).toEqual({ inbox: counts.inbox, junk: counts.junk + 1 });
  });

  it('off -> no more replies; the text is kept', async () => {
    const lines = await run(u, 'XEXEC vacation off');
    expect(lines).toEqual(['status off', 'subject Away', 'days 1', 'body I am away.', 'body Back on Monday.']);
    const before = server().captured().length;
    await deliver('other@example.org', u);
    expect(server().captured().length - before).toBe(0);
  });
});

describe('forwardmail', () => {
  const u = USERS.bob;

  it('set x@example.net -> a redirected copy, nothing in INBOX', async () => {
    expect(await run(u, 'XEXEC forwardmail set x@example.net'))
      .toEqual(['status on', 'address x@example.net', 'keepcopy no']);
    const before = server().captured().length;
    const res = await deliver('sender@example.org', u, { subject: 'Forward me' });
    const caps = server().captured().slice(before);
    expect(caps, describeCaptures(caps)).toHaveLength(1);
    expect(caps[0]!.recipients).toEqual(['x@example.net']);
    expect(header(caps[0]!.data, 'Subject')).toBe('Forward me');
    expect(res.dataReplies).toHaveLength(1);
    expect(server().counts(u)).toEqual({ inbox: 0, junk: 0 });
  });

  it('set x@example.net keep -> a redirected copy and a copy in INBOX', async () => {
    expect(await run(u, 'UID XEXEC forwardmail set x@example.net keep'))
      .toEqual(['status on', 'address x@example.net', 'keepcopy yes']);
    const before = server().captured().length;
    await deliver('sender@example.org', u, { subject: 'Keep and forward' });
    const caps = server().captured().slice(before);
    expect(caps, describeCaptures(caps)).toHaveLength(1);
    expect(caps[0]!.recipients).toEqual(['x@example.net']);
    expect(header(caps[0]!.data, 'Subject')).toBe('Keep and forward');
    expect(server().mailbox(u).map((m) => header(m, 'Subject'))).toEqual(['Keep and forward']);
  });

  it('off -> INBOX only, the address is kept', async () => {
    expect(await run(u, 'XEXEC forwardmail off')).toEqual(['status off', 'address x@example.net', 'keepcopy yes']);
    const before = server().captured().length;
    await deliver('sender@example.org', u, { subject: 'Not forwarded' });
    expect(server().captured().length - before).toBe(0);
    expect(server().counts(u).inbox).toBe(2);
  });
});

describe('blacklist and whitelist', () => {
  const u = USERS.carol;

  it('a blacklisted sender goes to Junk, a whitelisted one in a blocked domain to INBOX', async () => {
    expect(await run(u, 'XEXEC blacklist add spammer@example.org @spam.example'))
      .toEqual(['added spammer@example.org', 'added @spam.example']);
    expect(await run(u, 'XEXEC whitelist add Boss@Spam.Example')).toEqual(['added boss@spam.example']);
    expect(await run(u, 'XEXEC blacklist list')).toEqual(['@spam.example', 'spammer@example.org'].sort());

    await deliver('spammer@example.org', u, { subject: 'spam 1' });
    expect(server().counts(u)).toEqual({ inbox: 0, junk: 1 });
    await deliver('anyone@spam.example', u, { subject: 'spam 2' });
    expect(server().counts(u)).toEqual({ inbox: 0, junk: 2 });
    await deliver('boss@spam.example', u, { subject: 'from the boss' });
    await deliver('friend@example.org', u, { subject: 'from a friend' });
    expect(server().counts(u)).toEqual({ inbox: 2, junk: 2 });
    expect(server().mailbox(u, 'INBOX').map((m) => header(m, 'Subject')).sort()).toEqual(['from a friend', 'from the boss']);
    expect(server().mailbox(u, 'Junk').map((m) => header(m, 'Subject')).sort()).toEqual(['spam 1', 'spam 2']);
  });

  it('after del the sender reaches INBOX again', async () => {
    expect(await run(u, 'XEXEC blacklist del spammer@example.org')).toEqual(['removed spammer@example.org']);
    await deliver('spammer@example.org', u, { subject: 'spam 3' });
    expect(server().counts(u)).toEqual({ inbox: 3, junk: 2 });
  });

  it('Junk is a real IMAP folder the user can select', async () => {
    const c = await server().login(u);
    const r = await c.command('SELECT Junk');
    expect(r.status).toBe('OK');
    expect(r.untagged.map(String)).toContain('* 2 EXISTS');
    await c.logout();
  });
});

describe('changepassword', () => {
  const u = USERS.dave;

  it('PROTOCOL.md §4.3 transcript: a too short password', async () => {
    const c = await server().login(u);
    const r = await c.command('UID XEXEC changepassword short', { tag: 'a2' });
    const got = [...r.untagged, r.tagged].map((l) => l.toString('utf8'));
    got[got.length - 1] = stripTiming(got[got.length - 1]!);
    expect(got).toEqual([
      '* XEXEC changepassword ()',
      'a2 NO [XEXEC-EXIT 2] The new password must be at least 8 characters long',
    ]);
    await c.logout();
  });

  it('the new password works at the next login and the old one does not', async () => {
    const s = server();
    const newPassword = 'n3w "pass" word';
    // A lookup just before the change: Dovecot's passwd-file passdb then
    // holds the old file for the rest of that second (db-passwd-file.c:
    // last_sync_time == ioloop_time). The module answers only once the next
    // second has begun, so a login right after its answer must already work.
    const before = await s.login(USERS.alice);
    await before.logout();
    expect(await run(u, `XEXEC changepassword "n3w \\"pass\\" word"`)).toEqual(['Password changed']);
    const fresh = await s.connect();
    expect((await fresh.login(u, newPassword)).status).toBe('OK');
    await fresh.logout();
    const stale = await s.connect();
    const old = await stale.login(u, s.passwords[u]!);
    expect(old.status).toBe('NO');
    stale.close();
    // The other users' lines are untouched and Dovecot still reads the file.
    const other = await s.login(USERS.alice);
    await other.logout();
    expect(fs.readFileSync(s.passwdFile, 'utf8')).not.toContain(newPassword);
    expect(s.readLog()).not.toContain(newPassword);
  });
});

describe('changepassword for a user name with spaces and quotes', () => {
  // Dovecot's passwd-file looks such a name up with \ ' and " backslash-escaped
  // (auth_request_str_escape), so its line in the file holds the escaped form.
  it('changes that user\'s entry: the new password works at the next login', async () => {
    const s = server();
    expect(await run(USERS.weird, 'XEXEC changepassword "weird-new-pass-2"')).toEqual(['Password changed']);
    const second = Math.floor(Date.now() / 1000);
    await waitFor('the next second', () => Date.now() >= (second + 1) * 1000 + 100, 5_000);
    const c = await s.connect();
    expect((await c.login(USERS.weird, 'weird-new-pass-2')).status).toBe('OK');
    await c.logout();
  });
});

itStopsCleanly(server);
