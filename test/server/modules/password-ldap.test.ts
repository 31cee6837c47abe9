// changepassword's ldap driver (server/modules/lib/xexec-password-ldap.sh) against a real
// throwaway slapd (fixture/slapd.ts), with the fixture's Dovecot authenticating against that
// directory (passdb ldap, authentication binds): PROTOCOL.md §6.2's forms through IMAP for the
// user bind (current password required) and the administrator bind (optional), logins before
// and after; then the module run directly for what IMAP cannot reach: hostile login names,
// secrets on argv, configuration errors, an unreachable server.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../fixture/index.js';
import {
  LDAP_ADMIN, LDAP_PEOPLE, LDAP_USERS, ldapPassdbTexts, SLAPD_ACCESS, SLAPD_PASSWORD_HASH, startSlapd, type Slapd,
} from '../fixture/slapd.js';
import { quote } from '../imap-client.js';
import { xexec } from '../helpers.js';
import { alive } from '../../support/procs.mjs';
import { authListenerConfig, authSocket, passwordModule } from './password-config.js';
import { inDovecot, run, tempDir, type Result } from './run.js';

const USER_FILTER = '(&(objectClass=inetOrgPerson)(uid=%u))';

/**
 * The module's configuration for each bind (docs/SERVER.md "LDAP" shows these lines): as the
 * user, the DN from a template; as the administrator DN, the DN found by a search.
 */
function ldapConfig(ldap: Pick<Slapd, 'url' | 'adminSecretFile'>, bind: 'user' | 'admin', extra: string[] = []): string[] {
  return ['driver = ldap', `ldap-uri = ${ldap.url}`, `ldap-bind = ${bind}`,
    ...(bind === 'user'
      ? [`ldap-user-dn = uid=%u,${LDAP_PEOPLE}`]
      : [`ldap-admin-dn = ${LDAP_ADMIN.dn}`, `ldap-admin-secret-file = ${ldap.adminSecretFile()}`,
          `ldap-search-base = ${LDAP_PEOPLE}`, `ldap-search-filter = ${USER_FILTER}`]),
    ...extra];
}

let ldap: Slapd | undefined;
let dovecot: TestServer | undefined;
const slapd = () => ldap!;
const server = () => dovecot!;

beforeAll(async () => {
  ldap = await startSlapd();
  const { alice, bob, carol, comma } = LDAP_USERS;
  dovecot = await startServer({
    passdb: ldap.passdb(),
    // Homes for the directory's people (the fixture's passwd-file is not used).
    users: Object.fromEntries([alice, bob, carol, comma].map((u) => [u.uid, u.password])),
    extraConfig: authListenerConfig(),
    modules: (dir) => [
      passwordModule(dir, [...ldapConfig(slapd(), 'user'), `auth-socket = ${authSocket(dir)}`]),
      passwordModule(dir, [...ldapConfig(slapd(), 'admin'), `auth-socket = ${authSocket(dir)}`], 'chpwadmin'),
    ],
    argsOnStdin: ['changepassword', 'chpwadmin'],
  });
}, 120_000);

afterAll(async () => {
  await dovecot?.stop();
  await ldap?.stop();
});

async function chpw(user: string, password: string, module: string, args: string[]) {
  const c = await server().login(user, password);
  try {
    return await xexec(c, `XEXEC ${module}${args.map((a) => ` ${quote(a)}`).join('')}`);
  } finally {
    c.close();
  }
}

/** doveadm pw -t (the password on standard input). */
function verifies(hash: string, password: string): boolean {
  const r = spawnSync(...inDovecot('doveadm', ['pw', '-t', hash]), { input: `${password}\n`, encoding: 'utf8' });
  return r.status === 0 && /\(verified\)/.test(r.stdout);
}

describe('through IMAP, with Dovecot authenticating against the directory', () => {
  it('user bind: the current password is required; a wrong one changes nothing; the right one changes it', async () => {
    const u = LDAP_USERS.alice, next = 'alice new ldap password';
    let r = await chpw(u.uid, u.password, 'changepassword', []);
    expect(r.tagged).toMatchObject({ ok: true, code: null });
    expect(r.lines).toEqual(['current-password required', 'min-length 8']);
    r = await chpw(u.uid, u.password, 'changepassword', [next]);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: 'Give your current password too' });
    const stored = slapd().userPassword(u.dn);
    r = await chpw(u.uid, u.password, 'changepassword', ['not alice password', next]);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: 'The current password is not correct' });
    expect(slapd().userPassword(u.dn)).toBe(stored);
    expect(await server().tryLogin(u.uid, u.password)).toBe('OK');
    expect(await server().tryLogin(u.uid, next)).toBe('NO');

    r = await chpw(u.uid, u.password, 'changepassword', [u.password, next]);
    expect(r.tagged, r.tagged.message).toMatchObject({ ok: true, code: null });
    expect(r.lines).toEqual(['Password changed']);
    expect(await server().tryLogin(u.uid, next)).toBe('OK');
    expect(await server().tryLogin(u.uid, u.password)).toBe('NO');
    // slapd hashed it with its password-hash: {CRYPT} with a $6$ salt, Dovecot's SHA512-CRYPT.
    const hash = slapd().userPassword(u.dn);
    expect(hash).toMatch(/^\{CRYPT\}\$6\$/);
    expect(verifies(`{SHA512-CRYPT}${hash.slice('{CRYPT}'.length)}`, next)).toBe(true);
  }, 60_000);

  it('user bind: a name with a comma and a space reaches its own entry', async () => {
    const u = LDAP_USERS.comma, next = 'smith new ldap password';
    const r = await chpw(u.uid, u.password, 'changepassword', [u.password, next]);
    expect(r.tagged, r.tagged.message).toMatchObject({ ok: true, code: null });
    expect(await server().tryLogin(u.uid, next)).toBe('OK');
    expect(await server().tryLogin(u.uid, u.password)).toBe('NO');
    expect(slapd().binds(u.dn, next)).toBe(true);
  }, 60_000);

  it('administrator bind: the current password is optional, checked when given', async () => {
    const u = LDAP_USERS.bob, first = 'bob first ldap password', second = 'bob second ldap password';
    let r = await chpw(u.uid, u.password, 'chpwadmin', []);
    expect(r.lines).toEqual(['current-password optional', 'min-length 8']);
    r = await chpw(u.uid, u.password, 'chpwadmin', [first]);
    expect(r.tagged, r.tagged.message).toMatchObject({ ok: true, code: null });
    expect(r.lines).toEqual(['Password changed']);
    expect(await server().tryLogin(u.uid, first)).toBe('OK');
    expect(await server().tryLogin(u.uid, u.password)).toBe('NO');

    r = await chpw(u.uid, first, 'chpwadmin', [u.password, second]);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: 'The current password is not correct' });
    expect(await server().tryLogin(u.uid, first)).toBe('OK');
    r = await chpw(u.uid, first, 'chpwadmin', [first, second]);
    expect(r.lines).toEqual(['Password changed']);
    expect(await server().tryLogin(u.uid, second)).toBe('OK');
    expect(await server().tryLogin(u.uid, first)).toBe('NO');
  }, 60_000);
});

/** A configuration file in the directory's temp folder (root's, the mail uid's group, 0640). */
function configFile(name: string, lines: string[]): string {
  return slapd().writeForMail(`${name}.conf`, lines.join('\n') + '\n');
}

function direct(config: string, user: string, args: string[], env: Record<string, string> = {}): Result {
  return run('changepassword', user, args, { options: [`--config=${config}`], env });
}

describe('the driver run directly', () => {
  it('a login that would rewrite the DN or the filter unescaped reaches no other entry', () => {
    const { alice, trap } = LDAP_USERS;
    const admin = configFile('admin-template', [...ldapConfig(slapd(), 'admin').filter((l) => !l.startsWith('ldap-search')),
      `ldap-user-dn = uid=%u,${LDAP_PEOPLE}`]);
    const search = configFile('admin-search', ldapConfig(slapd(), 'admin'));
    const before = [trap, alice].map((u) => slapd().userPassword(u.dn));
    // uid=x,ou=admins,ou=people,... is the trap's DN: escaped, "x,ou=admins" is one value.
    for (const [config, user] of [[admin, 'x,ou=admins'], [search, '*)(uid=*'], [search, '*'], [search, 'x)(uid=alice']]) {
      const r = direct(config!, user!, ['an attacker password']);
      expect(r.status, `${user}: ${r.stderr}`).toBe(1);
      expect(r.message).toBe('This account was not found in the directory');
    }
    expect([trap, alice].map((u) => slapd().userPassword(u.dn))).toEqual(before);
    expect(slapd().binds(trap.dn, trap.password)).toBe(true);
  }, 60_000);

  it('user bind with a search: the escaped filter finds a name with a comma and a space, anonymously', () => {
    const u = LDAP_USERS.comma, next = 'smith searched ldap password';
    const lines = [...ldapConfig(slapd(), 'user').filter((l) => !l.startsWith('ldap-user-dn')),
      `ldap-search-base = ${LDAP_PEOPLE}`, `ldap-search-filter = ${USER_FILTER}`];
    const config = configFile('user-search', lines);
    const current = [u.password, 'smith new ldap password'].find((p) => slapd().binds(u.dn, p))!;
    const wrong = direct(config, u.uid, ['not the password', next]);
    expect(wrong.status).toBe(2);
    expect(wrong.message).toBe('The current password is not correct');
    const r = direct(config, u.uid, [current, next]);
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(['Password changed']);
    expect(slapd().binds(u.dn, next)).toBe(true);
    expect(slapd().binds(u.dn, current)).toBe(false);
  }, 60_000);

  it('passwords reach the LDAP tools only on pipes: never in their argv or environment', () => {
    const spy = tempDir('xexec-ldapspy-');
    fs.chmodSync(spy, 0o755);
    const log = path.join(spy, 'log');
    for (const tool of ['ldappasswd', 'ldapwhoami', 'ldapsearch']) {
      fs.writeFileSync(path.join(spy, tool),
        `#!/bin/sh\n{ printf 'argv'; printf ' [%s]' "$@"; printf '\\n'; env; } >>${log}\nexec /usr/bin/${tool} "$@"\n`, { mode: 0o755 });
    }
    const u = LDAP_USERS.carol, next = 'carol spied ldap password';
    const r = direct(configFile('user-template', ldapConfig(slapd(), 'user')), u.uid, [u.password, next],
      { PATH: `${spy}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` });
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(['Password changed']);
    const seen = fs.readFileSync(log, 'utf8');
    expect(seen).toContain('[-y] [/dev/fd/0] [-T] [/dev/fd/3]');
    for (const secret of [u.password, next, LDAP_ADMIN.password]) expect(seen).not.toContain(secret);
    expect(slapd().binds(u.dn, next)).toBe(true);
  }, 60_000);

  it('StartTLS: with the server\'s CA the change goes through; without it nothing is sent', () => {
    const u = LDAP_USERS.dave, next = 'dave tls ldap password';
    const tls = ['ldap-starttls = yes'];
    const untrusted = direct(configFile('tls-untrusted', ldapConfig(slapd(), 'user', tls)), u.uid, [u.password, next]);
    expect(untrusted.status).toBe(1);
    expect(untrusted.message).toBe('The directory server could not be reached securely (StartTLS or TLS failed); nothing was changed');
    expect(slapd().binds(u.dn, u.password)).toBe(true);
    const config = configFile('tls', ldapConfig(slapd(), 'user', [...tls, `ldap-tls-cacert = ${slapd().caFile}`]));
    const r = direct(config, u.uid, [u.password, next]);
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(['Password changed']);
    expect(slapd().binds(u.dn, next)).toBe(true);
  }, 60_000);

  it('refuses an incomplete or unsafe configuration before anything changes', () => {
    const base = ldapConfig(slapd(), 'admin');
    const loose = slapd().writeForMail('loose.secret', LDAP_ADMIN.password);
    fs.chmodSync(loose, 0o644);
    const cases: [string[], string][] = [
      [base.filter((l) => !l.startsWith('ldap-uri')), 'ldap-uri is not set (server configuration error)'],
      [[...base.filter((l) => !l.startsWith('ldap-admin-secret-file')), `ldap-admin-secret-file = ${loose}`],
        'ldap-admin-secret-file must not be readable by other users (mode 0640 or stricter) (server configuration error)'],
      [base.filter((l) => !l.startsWith('ldap-admin-dn')), 'ldap-admin-dn is not set (server configuration error)'],
      [[...base, `ldap-user-dn = uid=%u,${LDAP_PEOPLE}`],
        'Give either ldap-user-dn or ldap-search-base with ldap-search-filter, not both (server configuration error)'],
      [['driver = ldap', `ldap-uri = ${slapd().url}`, 'ldap-user-dn = uid=alice,ou=people'],
        'ldap-user-dn must contain %u or %n (server configuration error)'],
      [['driver = ldap', `ldap-uri = ${slapd().url}`, 'ldap-bind = root', `ldap-user-dn = uid=%u,${LDAP_PEOPLE}`],
        'ldap-bind must be user or admin (server configuration error)'],
    ];
    const before = slapd().userPassword(LDAP_USERS.carol.dn);
    cases.forEach(([lines, message], i) => {
      const r = direct(configFile(`bad-${i}`, lines), LDAP_USERS.carol.uid, ['a new password 1']);
      expect(r.status, message).toBe(2);
      expect(r.message).toBe(message);
    });
    expect(slapd().userPassword(LDAP_USERS.carol.dn)).toBe(before);
  }, 60_000);

  it('an unreachable directory server is exit 1 and a sentence', () => {
    const lines = ldapConfig(slapd(), 'user').map((l) => l.startsWith('ldap-uri') ? 'ldap-uri = ldap://127.0.0.1:1' : l);
    const r = direct(configFile('unreachable', lines), LDAP_USERS.carol.uid, ['whatever 1', 'a new password 1']);
    expect(r.status).toBe(1);
    expect(r.message).toBe('The directory server could not be reached; nothing was changed');
  }, 60_000);
});

describe('docs/SERVER.md', () => {
  it('shows the configurations these tests run (their port and paths replaced)', () => {
    const doc = fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../docs/SERVER.md'), 'utf8');
    const site = { url: 'ldap://127.0.0.1:389', adminSecretFile: () => '/etc/dovecot/xexec-ldap.secret' };
    const socket = ['auth-socket = /run/dovecot/auth-xexec'];
    const passdb = ldapPassdbTexts(site.url, '/etc/dovecot/dovecot-ldap.conf.ext');
    const texts = {
      user: ldapConfig(site, 'user', socket).join('\n'), admin: ldapConfig(site, 'admin', socket).join('\n'),
      ext: passdb.ext, v23: passdb.v23, v24: passdb.v24, hash: SLAPD_PASSWORD_HASH, access: SLAPD_ACCESS,
    };
    for (const [name, text] of Object.entries(texts)) expect([name, doc.includes(text)]).toEqual([name, true]);
  });
});

describe('cleanup', () => {
  it('stops Dovecot and slapd: no process, no folder left', async () => {
    const s = server(), l = slapd();
    await s.stop();
    await l.stop();
    expect(s.processes()).toEqual([]);
    expect(fs.existsSync(s.dir)).toBe(false);
    expect(fs.existsSync(l.dir)).toBe(false);
    expect(alive(l.pid)).toBe(false);
    s.assertLogClean();
  }, 60_000);
});
