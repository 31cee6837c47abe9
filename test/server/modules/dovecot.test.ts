// Module hardening of issue 9 against the fixture's real Dovecot: a brand-new
// user's first command, the vacation reply cap and sender restriction with
// real LMTP deliveries, and a commit killed between its two renames.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModules, mailIds, USERS } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexec } from '../helpers.js';
import { faultPath } from './hardening.js';
import { inDovecot, moduleEnv } from './run.js';

const CAP = 3;
const NEWBIE = 'newbie@example.com';
const ORPHAN = 'orphan@example.com';
const server = useServer({
  users: { [NEWBIE]: 'newbie-pass-1', [ORPHAN]: 'orphan-pass-1' },
  // The administrator's cap, on the module's configured command line.
  modules: (dir) => defaultModules(dir).map((m) => m.name === 'vacation'
    ? { ...m, command: m.command.replace(/ %u$/, ` --max-replies-per-hour=${CAP} %u`) } : m),
});

const enc = (s: string) => '~' + Buffer.from(s, 'utf8').toString('base64url');

/** One XEXEC command on a fresh session. */
async function run(user: string, cmd: string) {
  const c = await server().login(user);
  try {
    return await xexec(c, cmd);
  } finally {
    await c.logout();
  }
}

async function deliver(from: string, to: string, headers: Record<string, string> = {}) {
  const res = await server().deliver({ from, to, subject: `from ${from}`, headers });
  for (const r of res.dataReplies) expect(r, res.transcript.join('\n')).toMatch(/^250 /);
}

/** Recipients of the messages the server handed to sendmail since `before`. */
const sentTo = (before: number) => server().captured().slice(before).map((m) => m.recipients.join(','));

describe('a brand-new user (home not created yet)', () => {
  it('XEXEC as the very first command creates the home as Dovecot would (0700, the mail uid)', async () => {
    const s = server();
    const { uid, gid } = mailIds();
    // As on a real server: the mail uid may create homes under their parent.
    const parent = path.dirname(s.home(NEWBIE));
    const was = fs.statSync(parent);
    fs.chownSync(parent, uid, gid);
    try {
      fs.rmSync(s.home(NEWBIE), { recursive: true, force: true });
      const r = await run(NEWBIE, 'XEXEC blacklist add pest@example.org');
      expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
      expect(r.lines).toEqual(['added pest@example.org']);
      const st = fs.statSync(s.home(NEWBIE));
      expect(st.mode & 0o777).toBe(0o700);
      expect([st.uid, st.gid]).toEqual([uid, gid]);
    } finally {
      fs.chownSync(parent, was.uid, was.gid);
    }
    // Delivery then follows the new script.
    await deliver('pest@example.org', NEWBIE);
    expect(s.counts(NEWBIE)).toEqual({ inbox: 0, junk: 1 });
  });

  it('when the home cannot be created, the answer names the cause', async () => {
    const s = server();
    fs.rmSync(s.home(ORPHAN), { recursive: true, force: true });
    // A parent the mail uid cannot write to (also when the tests run as that uid).
    const parent = path.dirname(s.home(ORPHAN));
    const mode = fs.statSync(parent).mode & 0o7777;
    fs.chmodSync(parent, 0o555);
    const r = await run(ORPHAN, 'XEXEC vacation set body=away').finally(() => fs.chmodSync(parent, mode));
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT' });
    expect(r.tagged.message).toBe(
      "This account's home directory does not exist yet and could not be created (server configuration error)");
  });
});

describe('vacation as a spam tool', () => {
  it(`20 forged senders within an hour get at most ${CAP} replies (--max-replies-per-hour)`, async () => {
    const u = USERS.alice;
    expect((await run(u, `XEXEC vacation set ${enc('body=I am away.\nBack soon.')} days=1`)).tagged.ok).toBe(true);
    const before = server().captured().length;
    for (let i = 1; i <= 20; i++) await deliver(`victim${i}@example.net`, u);
    expect(server().counts(u).inbox).toBe(20);
    expect(sentTo(before)).toEqual([1, 2, 3].map((i) => `victim${i}@example.net`));
  });

  it('mailing lists and automatic mail take no slot of the cap', async () => {
    const u = USERS.carol;
    expect((await run(u, 'XEXEC vacation set body=away days=1')).tagged.ok).toBe(true);
    const before = server().captured().length;
    for (let i = 1; i <= 5; i++) await deliver(`list${i}@lists.example.org`, u, { 'List-Id': '<l.example.org>' });
    for (let i = 1; i <= 5; i++) await deliver(`robot${i}@example.org`, u, { 'Auto-Submitted': 'auto-generated' });
    for (let i = 1; i <= 4; i++) await deliver(`person${i}@example.net`, u);
    expect(sentTo(before)).toEqual([1, 2, 3].map((i) => `person${i}@example.net`));
  });

  it('only=: replies go only to the listed addresses and domains (the envelope sender counts)', async () => {
    const u = USERS.bob;
    const r = await run(u, 'XEXEC vacation set body=away days=1 only=Friend@Example.org,@partner.example');
    expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
    expect(r.lines).toContain('only friend@example.org');
    expect(r.lines).toContain('only @partner.example');
    const before = server().captured().length;
    await deliver('friend@example.org', u);
    await deliver('anyone@partner.example', u);
    await deliver('stranger@example.net', u);
    await deliver('anyone@sub.partner.example', u);
    // A forged From header does not help: the reply would go to the envelope sender.
    await deliver('forger@example.net', u, { From: 'friend@example.org' });
    expect(sentTo(before)).toEqual(['friend@example.org', 'anyone@partner.example']);
    // only= with nothing clears the restriction.
    const cleared = await run(u, 'XEXEC vacation set only=');
    expect(cleared.lines.filter((l) => l.startsWith('only'))).toEqual([]);
    const b2 = server().captured().length;
    await deliver('stranger2@example.net', u);
    expect(sentTo(b2)).toEqual(['stranger2@example.net']);
  });
});

describe('state and script in step (finding 8), with LMTP', () => {
  it('forwarding switched off by a change killed between its renames: the next command repairs it before mail is redirected', async () => {
    const s = server();
    const u = USERS.dave;
    expect((await run(u, 'XEXEC forwardmail set away@example.net')).tagged.ok).toBe(true);
    // The same module run as the plugin would, as the mail uid, with an mv
    // that kills it right before the script is renamed.
    const { uid, gid } = mailIds();
    const PATH = faultPath({
      mv: 'for a in "$@"; do :; done; case $a in */.xexec/xexec.sieve) kill -KILL "$PPID"; exit 1 ;; esac',
    });
    const env = moduleEnv(u, 'forwardmail', { home: s.home(u), env: { PATH } });
    // The server's staged modules and its Dovecot (sievec must parse its dovecot.conf).
    const k = spawnSync(...inDovecot('sh', [path.join(s.staged!.refModules, 'forwardmail.sh'), `--dovecot-config=${s.config}`, u, 'off'],
      s.home(u), env, { server: s, uid, gid }), { env, cwd: s.home(u), encoding: 'utf8' });
    expect(k.signal).toBe('SIGKILL');
    expect(fs.readFileSync(path.join(s.home(u), '.xexec/forward'), 'utf8')).toMatch(/^status off$/m);
    expect(fs.readFileSync(path.join(s.home(u), '.xexec/xexec.sieve'), 'utf8')).toMatch(/redirect/);
    // The next command, a read-only one, sees the mismatch and repairs it.
    const show = await run(u, 'XEXEC forwardmail show');
    expect(show.lines).toEqual(['status off', 'address away@example.net', 'keepcopy no']);
    const before = s.captured().length;
    const inbox = s.counts(u).inbox;
    await deliver('someone@example.org', u);
    expect(sentTo(before)).toEqual([]);
    expect(s.counts(u).inbox).toBe(inbox + 1);
  });
});

itStopsCleanly(server);
