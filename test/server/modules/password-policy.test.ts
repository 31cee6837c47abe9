// changepassword's common part against the fixture's real Dovecot with the passwd-file driver,
// configured by a file (--config=) and checking logins through an auth listener of the mail
// uid (PROTOCOL.md §6.2, docs/SERVER.md "Password back ends"): the zero-argument form, the
// current password checked by Dovecot, the login check after the change, the breached list.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { USERS } from '../fixture/index.js';
import { itStopsCleanly, useServer, xexec } from '../helpers.js';
import { authListenerConfig, authSocket, passwordModule } from './password-config.js';

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex').toUpperCase();
const BREACHED_DIR = 'breached-range';
const BREACHED_FILE = 'breached.txt';
/** In both breached lists. */
const PWNED = 'P@ssw0rd-from-a-breach';
const PWNED2 = 'another breached password';

const server = useServer({
  users: { 'frankenstein@example.com': 'frank-old-pass', 'grace@example.com': 'grace-old-pass' },
  extraConfig: authListenerConfig(),
  modules: (dir) => {
    // A range folder as Have I Been Pwned's downloader writes it (ABCDE.txt, SUFFIX:count).
    const range = path.join(dir, 'etc', BREACHED_DIR);
    fs.mkdirSync(range, { mode: 0o755 });
    for (const p of [PWNED, PWNED2]) {
      const h = sha1(p);
      fs.appendFileSync(path.join(range, `${h.slice(0, 5)}.txt`), `0000000000000000000000000000000000A:1\r\n${h.slice(5)}:42\r\n`);
    }
    fs.writeFileSync(path.join(dir, 'etc', BREACHED_FILE), [sha1('x'), sha1(PWNED), sha1(PWNED2)].sort().map((h) => `${h}:7\n`).join(''));
    const common = ['# the module as docs/SERVER.md configures it', 'driver = passwd-file',
      `passwd-file = ${path.join(dir, 'etc/users')}`, `auth-socket = ${authSocket(dir)}`];
    return [
      passwordModule(dir, [...common, 'min-length = 10', `breached-list = ${path.join(dir, 'etc', BREACHED_DIR)}`]),
      passwordModule(dir, [...common, 'current-password = required', `breached-list = ${path.join(dir, 'etc', BREACHED_FILE)}`], 'chpwcur'),
      // Writes a copy Dovecot does not read: the login check after the change fails.
      passwordModule(dir, [...common.slice(0, 1), `passwd-file = ${path.join(dir, 'etc/copy/users')}`,
        `auth-socket = ${authSocket(dir)}`], 'chpwcopy'),
      passwordModule(dir, [...common, 'bogus-key = 1'], 'chpwbad'),
    ];
  },
  argsOnStdin: ['changepassword', 'chpwcur', 'chpwcopy', 'chpwbad'],
});

/** Runs `XEXEC <module> <args>` as `user` (logged in with `password`). */
async function chpw(user: string, password: string, module: string, args: string[]) {
  const c = await server().login(user, password);
  try {
    return await xexec(c, `XEXEC ${module}${args.map((a) => ` "${a.replace(/[\\"]/g, (x) => '\\' + x)}"`).join('')}`);
  } finally {
    c.close();
  }
}

describe('changepassword with a configuration file and Dovecot\'s own login checks', () => {
  it('with no argument says what the client must know', async () => {
    const r = await chpw(USERS.alice, server().passwords[USERS.alice]!, 'changepassword', []);
    expect(r.tagged).toMatchObject({ ok: true, code: null });
    expect(r.lines).toEqual(['current-password optional', 'min-length 10']);
    const r2 = await chpw(USERS.alice, server().passwords[USERS.alice]!, 'chpwcur', []);
    expect(r2.lines).toEqual(['current-password required', 'min-length 8']);
  });

  it('a wrong current password is refused and nothing changes; the right one changes it', async () => {
    const u = USERS.bob, old = server().passwords[u]!;
    let r = await chpw(u, old, 'changepassword', ['not the password', 'bob new password 1']);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: 'The current password is not correct' });
    expect(await server().tryLogin(u, old)).toBe('OK');
    expect(await server().tryLogin(u, 'bob new password 1')).toBe('NO');
    r = await chpw(u, old, 'changepassword', [old, 'bob new password 1']);
    expect(r.tagged, r.tagged.message).toMatchObject({ ok: true, code: null });
    expect(r.lines).toEqual(['Password changed']);
    expect(await server().tryLogin(u, 'bob new password 1')).toBe('OK');
    expect(await server().tryLogin(u, old)).toBe('NO');
  }, 30_000);

  it('required: the one-argument form is refused; with the current password it works', async () => {
    const u = USERS.carol, old = server().passwords[u]!;
    let r = await chpw(u, old, 'chpwcur', ['carol new password']);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: 'Give your current password too' });
    r = await chpw(u, old, 'chpwcur', [old, 'carol new password']);
    expect(r.lines).toEqual(['Password changed']);
    expect(await server().tryLogin(u, 'carol new password')).toBe('OK');
    expect(await server().tryLogin(u, old)).toBe('NO');
  }, 30_000);

  it.each([['the range folder', 'changepassword', PWNED], ['the sorted file', 'chpwcur', PWNED2]])(
    'a password in the breached list (%s) is refused; the old one still works', async (_n, module, p) => {
      const u = USERS.dave, old = server().passwords[u]!;
      const r = await chpw(u, old, module, [old, p]);
      expect(r.tagged).toMatchObject({
        ok: false, code: 'XEXEC-EXIT', detail: 2,
        message: 'The new password is in a list of passwords known from data breaches; please choose another one',
      });
      expect(await server().tryLogin(u, old)).toBe('OK');
      expect(await server().tryLogin(u, p)).toBe('NO');
    }, 30_000);

  it('the address and its local part are refused', async () => {
    const u = 'frankenstein@example.com', old = 'frank-old-pass';
    for (const p of ['Frankenstein@Example.com', 'frankenSTEIN']) {
      const r = await chpw(u, old, 'chpwcur', [old, p]);
      expect(r.tagged.ok).toBe(false);
      expect(r.tagged.message).toBe('The new password must not be the same as the user name');
    }
    expect(await server().tryLogin(u, old)).toBe('OK');
  }, 30_000);

  it('"Password changed" only when Dovecot accepts the new password: a store Dovecot does not read is an error', async () => {
    const s = server();
    const copy = path.join(s.dir, 'etc/copy');
    fs.mkdirSync(copy, { recursive: true });
    fs.copyFileSync(s.passwdFile, path.join(copy, 'users'));
    const st = fs.statSync(s.passwdFile);
    for (const p of [copy, path.join(copy, 'users')]) fs.chownSync(p, st.uid, st.gid);
    const u = 'grace@example.com', old = 'grace-old-pass';
    const r = await chpw(u, old, 'chpwcopy', ['grace new password']);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 1 });
    expect(r.tagged.message).toBe('The new password was stored, but the server does not accept it yet; please ask the administrator (server configuration error)');
    expect(await server().tryLogin(u, old)).toBe('OK');
  }, 60_000);

  it('an unknown key in the configuration file is a configuration error', async () => {
    const r = await chpw(USERS.alice, server().passwords[USERS.alice]!, 'chpwbad', []);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2 });
    expect(r.tagged.message).toBe('Unknown key in the configuration file: bogus-key (server configuration error)');
  });

  itStopsCleanly(server);
});
