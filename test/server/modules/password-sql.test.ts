// changepassword's sql driver against real servers (issue 14): a throwaway PostgreSQL and a
// throwaway MariaDB, each the passdb of the fixture's Dovecot (2.3 or 2.4, whichever runs), with
// the configs of password-sql-config.ts (what docs/SERVER.md shows). A change through XEXEC, then
// a new login with the new password works and the old one fails; refusals, an update that would
// change no row or many, and an unreachable database change nothing; hostile user names are data.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailIds, PASSWORDS, startServer, USERS, type TestServer } from '../fixture/index.js';
import { startMariadb, type MariadbServer } from '../fixture/mariadb.js';
import { startPostgres, type PostgresServer } from '../fixture/postgres.js';
import { xexec } from '../helpers.js';
import { inDovecot, run, tempDir } from './run.js';
import { authListenerConfig, authSocket, passwordModule } from './password-config.js';
import {
  clientPasswordFile, clientPasswordFilePath, docTexts, dovecotPassdb, dovecotSqlExt, dovecotSqlExtPath, moduleConfig,
  schemaSql, type SqlKind, type SqlSetup,
} from './password-sql-config.js';

/** Users beyond the fixture's: names that would break a query built by concatenation. */
const HOSTILE = {
  // Lower case: Dovecot looks names up lower-cased (auth_username_format = %Lu).
  drop: "x'; drop table users; --@example.com",
  slash: 'back\\slash\\\' "q"@example.com',
};
const EXTRA_USERS: Record<string, string> = { [HOSTILE.drop]: 'drop-old-pass', [HOSTILE.slash]: 'slash-old-pass' };

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');

function sqlSuite(kind: SqlKind): void {
  describe(`changepassword with the sql driver on ${kind === 'pgsql' ? 'PostgreSQL' : 'MariaDB'}`, () => {
    let db: PostgresServer | MariadbServer | undefined;
    let server: TestServer | undefined;
    let setup: SqlSetup;
    const sql = (text: string) => db!.sql(text, 'mail');
    const strVal = (v: string) => kind === 'pgsql' ? `convert_from('\\x${hex(v)}'::bytea, 'UTF8')` : `CONVERT(X'${hex(v)}' USING utf8mb4)`;
    /** The stored password of a user ('' when the row is missing). */
    const stored = (u: string) => sql(`SELECT password FROM users WHERE username = ${strVal(u)};`).trim();
    const allRows = () => sql('SELECT username, password FROM users ORDER BY username;');
    /** Passwords changed by earlier tests of this suite. */
    const current: Record<string, string> = {};
    const pwOf = (u: string) => current[u] ?? server!.passwords[u]!;

    const setupFor = (dir: string): SqlSetup => (setup = {
      kind, host: db!.host, port: db!.port, dovecotPassword: 'dovecot-db-pw', xexecPassword: 'xexec-db-pw',
      etc: path.join(dir, 'etc'), authSocket: authSocket(dir), tlsCa: 'caFile' in db! ? db.caFile : undefined,
    });

    beforeAll(async () => {
      db = kind === 'pgsql' ? await startPostgres() : await startMariadb();
      // The schema and the accounts before Dovecot starts (it connects at once), then every user
      // with a {PLAIN} password (hex literals: the test's own values never become SQL text either).
      db.sql(schemaSql(setupFor('')));
      for (const [u, p] of Object.entries({ ...PASSWORDS, ...EXTRA_USERS })) {
        const domain = u.includes('@') ? u.slice(u.lastIndexOf('@') + 1) : '';
        sql(`INSERT INTO users (username, domain, password) VALUES (${strVal(u)}, ${strVal(domain)}, ${strVal(`{PLAIN}${p}`)});`);
      }
      server = await startServer({
        users: EXTRA_USERS,
        extraConfig: authListenerConfig(),
        argsOnStdin: ['changepassword', 'chpwnone', 'chpwmany', 'chpwdown', 'chpwparts', 'chpwbare'],
        passdb: (dir, v24) => {
          fs.writeFileSync(dovecotSqlExtPath(setupFor(dir)), dovecotSqlExt(setup), { mode: 0o600 });
          return dovecotPassdb(setup, v24);
        },
        modules: (dir) => {
          setupFor(dir);
          // The module's database password: readable by the mail uid only.
          const f = clientPasswordFilePath(setup);
          fs.writeFileSync(f, clientPasswordFile(setup), { mode: 0o600 });
          fs.chownSync(f, mailIds().uid, mailIds().gid);
          const conf = (update?: string) => moduleConfig({ ...setup, update }).trimEnd().split('\n');
          return [
            passwordModule(dir, conf()),
            passwordModule(dir, conf("UPDATE users SET password = :'hash' WHERE username = :'user' AND domain = 'elsewhere.example'"), 'chpwnone'),
            passwordModule(dir, conf("UPDATE users SET password = :'hash' WHERE username = :'user' OR domain = :'domain'"), 'chpwmany'),
            passwordModule(dir, [...conf().filter((l) => !l.startsWith('sql-port')), 'sql-port = 1'], 'chpwdown'),
            passwordModule(dir, conf("UPDATE users SET password = :'hash' WHERE username = CONCAT(:'localpart', '@', :'domain') AND domain = :'domain'"), 'chpwparts'),
            passwordModule(dir, conf("UPDATE users SET password = :'hash_bare' WHERE username = :'user'"), 'chpwbare'),
          ];
        },
      });
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await db?.stop();
    }, 120_000);

    async function chpw(user: string, args: string[], module = 'changepassword') {
      const c = await server!.login(user, pwOf(user));
      try {
        return await xexec(c, `XEXEC ${module}${args.map((a) => ` "${a.replace(/[\\"]/g, (x) => '\\' + x)}"`).join('')}`);
      } finally {
        c.close();
      }
    }

    /** Changes `user`'s password to `next` through IMAP and proves the logins. */
    async function changeAndProve(user: string, next: string, withCurrent = false): Promise<void> {
      const old = pwOf(user);
      const r = await chpw(user, withCurrent ? [old, next] : [next]);
      expect(r.tagged, r.tagged.message).toMatchObject({ ok: true, code: null });
      expect(r.lines).toEqual(['Password changed']);
      current[user] = next;
      expect(stored(user)).toMatch(/^\{SHA512-CRYPT\}\$6\$/);
      expect(await server!.tryLogin(user, next)).toBe('OK');
      expect(await server!.tryLogin(user, old)).toBe('NO');
    }

    it('with no argument says what it needs', async () => {
      const r = await chpw(USERS.alice, []);
      expect(r.tagged).toMatchObject({ ok: true, code: null });
      expect(r.lines).toEqual(['current-password optional', 'min-length 8']);
    });

    it('changes the password in the database: the new one logs in, the old one not; other rows unchanged', async () => {
      const before = allRows();
      await changeAndProve(USERS.alice, 'alice sql password 1');
      const after = allRows().split('\n').filter((l) => !l.startsWith(`${USERS.alice}\t`) && !l.startsWith(`${USERS.alice}|`));
      expect(after).toEqual(before.split('\n').filter((l) => !l.startsWith(`${USERS.alice}\t`) && !l.startsWith(`${USERS.alice}|`)));
    }, 30_000);

    it.each([['quotes and spaces', USERS.weird], ['a DROP TABLE', HOSTILE.drop], ['backslashes and quotes', HOSTILE.slash]])(
      'a user name with %s is data: its own row changes, the table stays', async (_n, user) => {
        const rows = Number(sql('SELECT count(*) FROM users;').trim());
        await changeAndProve(user, `new pass for ${_n}`);
        expect(Number(sql('SELECT count(*) FROM users;').trim())).toBe(rows);
      }, 30_000);

    it('the two-argument form: a wrong current password is refused and changes nothing; the right one works', async () => {
      const u = USERS.bob, before = stored(u);
      const r = await chpw(u, ['not bob\'s password', 'bob sql password 1']);
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: 'The current password is not correct' });
      expect(stored(u)).toBe(before);
      expect(await server!.tryLogin(u, pwOf(u))).toBe('OK');
      await changeAndProve(u, 'bob sql password 1', true);
    }, 30_000);

    it.each([
      ['too short', ['short'], 'The new password must be at least 8 characters long'],
      ['the user name', [USERS.carol.toUpperCase()], 'The new password must not be the same as the user name'],
      ['control characters', ['tab\there password'], 'The new password must not contain control characters'],
    ])('a refusal (%s) changes nothing: the old password still logs in', async (_n, args, msg) => {
      const u = USERS.carol, before = stored(u);
      const r = await chpw(u, args);
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 2, message: msg });
      expect(stored(u)).toBe(before);
      expect(await server!.tryLogin(u, pwOf(u))).toBe('OK');
    }, 30_000);

    it('the placeholders :\'localpart\' and :\'domain\' are the parts around the last @', async () => {
      const u = HOSTILE.drop, old = pwOf(u), before = allRows();
      const r = await chpw(u, ['parts sql password 1'], 'chpwparts');
      expect(r.lines).toEqual(['Password changed']);
      current[u] = 'parts sql password 1';
      expect(await server!.tryLogin(u, 'parts sql password 1')).toBe('OK');
      expect(await server!.tryLogin(u, old)).toBe('NO');
      const others = (t: string) => t.split('\n').filter((l) => !l.startsWith("x'; drop"));
      expect(others(allRows())).toEqual(others(before));
    }, 30_000);

    it(':\'hash_bare\' is the hash without {SCHEME}: Dovecot reads it with its default_password_scheme', async () => {
      const u = USERS.carol, old = pwOf(u);
      const r = await chpw(u, ['bare sql password 1'], 'chpwbare');
      expect(r.lines).toEqual(['Password changed']);
      current[u] = 'bare sql password 1';
      expect(stored(u)).toMatch(/^\$6\$[^{}]+$/);
      expect(await server!.tryLogin(u, 'bare sql password 1')).toBe('OK');
      expect(await server!.tryLogin(u, old)).toBe('NO');
    }, 30_000);

    it('an update that matches no row, or more than one, changes nothing', async () => {
      const before = allRows();
      let r = await chpw(USERS.dave, ['dave sql password 1'], 'chpwnone');
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 1, message: 'This account was not found in the user database' });
      r = await chpw(USERS.dave, ['dave sql password 1'], 'chpwmany');
      expect(r.tagged.ok).toBe(false);
      expect(r.tagged.message).toMatch(/^The update would change [4-9] accounts; nothing was changed \(server configuration error\)$/);
      expect(allRows()).toBe(before);
      expect(await server!.tryLogin(USERS.dave, pwOf(USERS.dave))).toBe('OK');
    }, 30_000);

    it('an unreachable database is an error that changes nothing', async () => {
      const before = allRows();
      const r = await chpw(USERS.dave, ['dave sql password 2'], 'chpwdown');
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 1, message: 'The user database could not be reached; nothing was changed' });
      expect(allRows()).toBe(before);
    }, 30_000);

    it('run directly: the password, the hash and the user name stay out of every child\'s argv and environment', async () => {
      // Wrappers in front of PATH log argv and environment, then run the real tool.
      const bin = tempDir('xexec-spy-');
      fs.chmodSync(bin, 0o755);
      const log = path.join(bin, 'log');
      for (const tool of [kind === 'pgsql' ? 'psql' : 'mariadb', 'doveadm', 'od', 'sed', 'tr']) {
        const real = spawnSync(...inDovecot('sh', ['-c', `command -v ${tool}`]), { encoding: 'utf8' }).stdout.trim();
        fs.writeFileSync(path.join(bin, tool), [
          '#!/bin/sh', `{ printf '%s\\n' "${tool}" "$@"; env; } >>"${log}"`, `exec ${real} "$@"`, '',
        ].join('\n'), { mode: 0o755 });
      }
      const conf = path.join(bin, 'direct.conf');
      fs.writeFileSync(conf, moduleConfig(setup).split('\n').filter((l) => !l.startsWith('auth-socket')).join('\n'), { mode: 0o644 });
      const u = HOSTILE.slash, pw = 'Secret Spy Password 42';
      const r = run('changepassword', u, [pw], { options: [`--config=${conf}`], env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` } });
      expect(r.stderr).toBe('');
      expect(r.lines).toEqual(['Password changed']);
      current[u] = pw;
      const hash = stored(u);
      const logged = fs.readFileSync(log, 'utf8');
      expect(logged).toMatch(kind === 'pgsql' ? /^psql$/m : /^mariadb$/m); // the wrappers did run
      for (const secret of [pw, hex(pw), hash.slice(hash.indexOf('}') + 1), hex(hash), hex(u)]) expect(logged).not.toContain(secret);
      expect(await server!.tryLogin(u, pw)).toBe('OK');
    }, 30_000);

    it('neither the password nor its hash reaches the server log', () => {
      const log = server!.readLog();
      for (const p of Object.values(current)) expect(log).not.toContain(p);
      expect(log).not.toMatch(/\$6\$/);
    });

    it('stops cleanly: no process or folder of Dovecot or the database left', async () => {
      await server!.stop();
      expect(server!.processes()).toEqual([]);
      server!.assertLogClean();
      await db!.stop();
      expect(fs.existsSync(db!.dir)).toBe(process.env.XEXEC_KEEP === '1');
    }, 120_000);
  });
}

describe('the sql driver\'s configuration checks (no database needed)', () => {
  const base = ['driver = sql', 'sql-client = psql', "sql-update = UPDATE users SET password = :'hash' WHERE username = :'user'"];
  const set = (key: string, value: string | null) => [...base.filter((l) => !l.startsWith(`${key} `)), ...(value === null ? [] : [`${key} = ${value}`])];
  it.each([
    ['no client', set('sql-client', null), 'sql-client must be psql or mariadb (server configuration error)'],
    ['another client', set('sql-client', 'sqlite3'), 'sql-client must be psql or mariadb (server configuration error)'],
    ['no statement', set('sql-update', null), 'sql-update is missing (server configuration error)'],
    ['a bare :user', set('sql-update', "UPDATE users SET password = :'hash' WHERE username = :user"),
      "sql-update must write the placeholder :user as :'user' (server configuration error)"],
    ['a :"hash"', set('sql-update', 'UPDATE users SET password = :"hash" WHERE username = :\'user\''),
      "sql-update must write the placeholder :hash as :'hash' (server configuration error)"],
    ['no :\'hash\'', set('sql-update', "UPDATE users SET password = 'x' WHERE username = :'user'"),
      "sql-update must store :'hash' or :'hash_bare' (server configuration error)"],
    ['no account', set('sql-update', "UPDATE users SET password = :'hash' WHERE domain = :'domain'"),
      "sql-update must select the account with :'user' or :'localpart' (server configuration error)"],
    ['a host with a space', [...base, 'sql-host = db host'], 'sql-host, sql-database and sql-user may only hold letters, digits and . _ / @ - (server configuration error)'],
    ['a database like an option', [...base, 'sql-database = -c'], 'sql-host, sql-database and sql-user may only hold letters, digits and . _ / @ - (server configuration error)'],
    ['a bad port', [...base, 'sql-port = 5432x'], 'sql-port must be a port number (server configuration error)'],
    ['a relative password file', [...base, 'sql-password-file = pgpass'], 'sql-password-file must be an absolute path (server configuration error)'],
  ])('refuses %s', (_n, lines, msg) => {
    const f = path.join(tempDir('xexec-sqlconf-'), 'c.conf');
    fs.writeFileSync(f, lines.join('\n') + '\n', { mode: 0o644 });
    const r = run('changepassword', 'alice@example.com', [], { options: [`--config=${f}`] });
    expect(r.status).toBe(2);
    expect(r.message).toBe(msg);
  });
});

sqlSuite('pgsql');
sqlSuite('mysql');

describe('docs/SERVER.md', () => {
  const doc = fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../docs/SERVER.md'), 'utf8');
  it.each(['pgsql', 'mysql'] as const)('shows the %s configs these tests run', (kind) => {
    for (const [name, text] of Object.entries(docTexts(kind))) expect([name, doc.includes(text)]).toEqual([name, true]);
  });
});
