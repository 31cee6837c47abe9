// changepassword module run directly against a temporary passwd-file
// (PROTOCOL.md §6.2).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inDovecot, run, tempDir, type Result, type RunOptions } from './run.js';

const LINES = [
  '# Dovecot passwd-file',
  'alice:{PLAIN}old-alice:1000:1000::/home/alice::',
  'bob smith:{PLAIN}old-bob:1001:1001:Bob:/home/bob:/bin/false:userdb_quota_rule=*:storage=1G',
  'o\'hara "q":{PLAIN}old-ohara:1002:1002::/home/ohara::',
  '',
  'aliceX:{PLAIN}old-alicex:1003:1003::/home/alicex::',
  '--scheme=PLAIN:{PLAIN}old-dash:1004:1004::/home/dash::',
];

function passwdFile(): string {
  const d = tempDir('xexec-passwd-');
  const f = path.join(d, 'users');
  fs.writeFileSync(f, LINES.join('\n') + '\n');
  fs.chmodSync(f, 0o640);
  spawnSync('chgrp', ['mail', f]);
  return f;
}

function chpw(file: string, user: string, args: string[], o: RunOptions & { extra?: string[] } = {}): Result {
  return run('changepassword', user, args, { ...o, options: [`--passwd-file=${file}`, ...(o.extra ?? [])] });
}

function field2(file: string, user: string): string {
  const line = fs.readFileSync(file, 'utf8').split('\n').find((l) => l.split(':')[0] === user);
  if (!line) throw new Error(`no line for ${user}`);
  return line.split(':')[1]!;
}

/** doveadm pw -t: the password goes on stdin, never on the command line. */
function verifies(hash: string, password: string): boolean {
  const r = spawnSync(...inDovecot('doveadm', ['pw', '-t', hash]), { input: `${password}\n`, encoding: 'utf8' });
  return r.status === 0 && /\(verified\)/.test(r.stdout);
}

describe('changepassword', () => {
  it('replaces only the user\'s hash; the new password verifies, the old one not', () => {
    const f = passwdFile();
    const st = fs.statSync(f);
    const r = chpw(f, 'alice', ['correct horse']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['Password changed']);
    const hash = field2(f, 'alice');
    expect(hash).toMatch(/^\{SHA512-CRYPT\}\$6\$[^:\s]+$/);
    expect(verifies(hash, 'correct horse')).toBe(true);
    expect(verifies(hash, 'old-alice')).toBe(false);
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    expect(lines.length).toBe(LINES.length + 1);
    LINES.forEach((l, i) => {
      if (i === 1) expect(lines[i]).toBe(`alice:${hash}:1000:1000::/home/alice::`);
      else expect(lines[i]).toBe(l);
    });
    const st2 = fs.statSync(f);
    expect(st2.mode & 0o7777).toBe(0o640);
    expect(st2.gid).toBe(st.gid);
    expect(st2.uid).toBe(st.uid);
    expect(st2.ino).not.toBe(st.ino); // replaced by rename, not rewritten in place
    expect(fs.readdirSync(path.dirname(f))).toEqual(['users']);
    // Neither the password nor the hash is ever printed.
    expect(r.stdout + r.stderr).not.toMatch(/correct horse|\$6\$/);
  });

  it('takes the password from XEXEC_ARG1 when the plugin passes arguments in the environment', () => {
    const f = passwdFile();
    const r = chpw(f, 'alice', [], { env: { XEXEC_ARGC: '1', XEXEC_ARG1: 'from the environment' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(verifies(field2(f, 'alice'), 'from the environment')).toBe(true);
    const three = chpw(f, 'alice', [], { env: { XEXEC_ARGC: '3', XEXEC_ARG1: 'one', XEXEC_ARG2: 'two', XEXEC_ARG3: 'three' } });
    expect(three.status).toBe(2);
    expect(three.message).toBe('Give the new password, or the current and the new password');
  });

  it('with no argument says what it needs and changes nothing (PROTOCOL.md §6.2)', () => {
    const f = passwdFile();
    const before = fs.readFileSync(f);
    let r = chpw(f, 'alice', []);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['current-password optional', 'min-length 8']);
    const socket = '--auth-socket=/nonexistent/auth-xexec';
    r = chpw(f, 'alice', [], { extra: ['--min-length=12', '--current-password=required', socket] });
    expect(r.lines).toEqual(['current-password required', 'min-length 12']);
    // Required: the one-argument form is refused.
    r = chpw(f, 'alice', ['a long new password'], { extra: ['--current-password=required', socket] });
    expect(r.status).toBe(2);
    expect(r.message).toBe('Give your current password too');
    // Only Dovecot can check it for this driver.
    r = chpw(f, 'alice', [], { extra: ['--current-password=required'] });
    expect(r.status).toBe(2);
    expect(r.message).toBe('current-password = required needs auth-socket (server configuration error)');
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });

  it('without auth-socket a current password cannot be checked: refused, nothing changes', () => {
    const f = passwdFile();
    const before = fs.readFileSync(f);
    const r = chpw(f, 'alice', ['old-alice', 'a long new password']);
    expect(r.status).toBe(1);
    expect(r.message).toBe('This server cannot check the current password: auth-socket is not set (server configuration error)');
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });

  it('finds a name with quotes and backslashes in the escaped form Dovecot looks up', () => {
    const d = tempDir('xexec-passwd-');
    const f = path.join(d, 'users');
    const user = `o'neil "z" \\ w`;
    fs.writeFileSync(f, `o\\'neil \\"z\\" \\\\ w:{PLAIN}old:1:1::/h::\nalice:{PLAIN}a:1:1::/h::\n`);
    const r = chpw(f, user, ['a new password']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const first = fs.readFileSync(f, 'utf8').split('\n')[0]!;
    expect(first.startsWith(`o\\'neil \\"z\\" \\\\ w:{SHA512-CRYPT}`)).toBe(true);
    expect(verifies(first.split(':')[1]!, 'a new password')).toBe(true);
  });

  it('works for user names with spaces and quotes and keeps extra fields', () => {
    const f = passwdFile();
    expect(chpw(f, 'bob smith', ['a new password']).status).toBe(0);
    expect(chpw(f, 'o\'hara "q"', ['another password']).status).toBe(0);
    expect(verifies(field2(f, 'bob smith'), 'a new password')).toBe(true);
    expect(verifies(field2(f, 'o\'hara "q"'), 'another password')).toBe(true);
    const bob = fs.readFileSync(f, 'utf8').split('\n')[2]!;
    expect(bob).toBe(`bob smith:${field2(f, 'bob smith')}:1001:1001:Bob:/home/bob:/bin/false:userdb_quota_rule=*:storage=1G`);
    expect(field2(f, 'alice')).toBe('{PLAIN}old-alice');
    expect(field2(f, 'aliceX')).toBe('{PLAIN}old-alicex');
  });

  it('honours --scheme and --min-length', () => {
    const f = passwdFile();
    let r = chpw(f, 'alice', ['abcdefghijk'], { extra: ['--min-length=12'] });
    expect(r.status).toBe(2);
    expect(r.message).toBe('The new password must be at least 12 characters long');
    r = chpw(f, 'alice', ['abc'], { extra: ['--scheme=BLF-CRYPT', '--min-length=3'] });
    expect(r.status).toBe(0);
    const hash = field2(f, 'alice');
    expect(hash).toMatch(/^\{BLF-CRYPT\}\$2y\$/);
    expect(verifies(hash, 'abc')).toBe(true);
  });

  it('counts characters, not bytes, for the minimum', () => {
    const f = passwdFile();
    expect(chpw(f, 'alice', ['äöüßäöü']).status).toBe(2); // 7 characters, 14 bytes
    const r = chpw(f, 'alice', ['äöüßäöüé']);
    expect(r.status).toBe(0);
    expect(verifies(field2(f, 'alice'), 'äöüßäöüé')).toBe(true);
  });

  it('accepts printable punctuation, spaces and a leading dash literally', () => {
    const f = passwdFile();
    const pw = '-p "q" \\ $HOME `id` $(id) %s * ~';
    const r = chpw(f, 'alice', [pw]);
    expect(r.status).toBe(0);
    expect(verifies(field2(f, 'alice'), pw)).toBe(true);
  });

  const refusals: [string, string[], string][] = [
    ['too short', ['short12'], 'The new password must be at least 8 characters long'],
    ['empty', [''], 'The new password must be at least 8 characters long'],
    ['longer than 1024 bytes', ['x'.repeat(1025)], 'The new password must be at most 1024 bytes long'],
    ['a tab', ['pass\tword1'], 'The new password must not contain control characters'],
    ['a line break', ['password1\npassword2'], 'The new password must not contain control characters'],
    ['a CR', ['password1\r'], 'The new password must not contain control characters'],
    ['DEL', ['password\x7f1'], 'The new password must not contain control characters'],
    ['the user name', ['bob smith'], 'The new password must not be the same as the user name'],
    ['the user name in other case', ['Bob Smith'], 'The new password must not be the same as the user name'],
    ['three arguments', ['password1', 'password2', 'password3'], 'Give the new password, or the current and the new password'],
  ];
  it.each(refusals)('refuses %s with exit 2, file byte-identical', (_n, args, msg) => {
    const f = passwdFile();
    const before = fs.readFileSync(f);
    const ino = fs.statSync(f).ino;
    const r = chpw(f, 'bob smith', args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.message).toBe(msg);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    expect(fs.statSync(f).ino).toBe(ino);
  });

  it('refuses the user\'s address and its local part, in any case', () => {
    const f = passwdFile();
    const before = fs.readFileSync(f);
    for (const p of ['christopher.robin', 'Christopher.Robin@Example.COM']) {
      const r = chpw(f, 'christopher.robin@example.com', [p]);
      expect(r.status).toBe(2);
      expect(r.message).toBe('The new password must not be the same as the user name');
    }
    expect(fs.readFileSync(f).equals(before)).toBe(true);
  });

  it('refuses a password its scheme cannot hash (SHA512-CRYPT stops at 511 bytes) instead of locking the user out', () => {
    const f = passwdFile();
    const before = fs.readFileSync(f);
    const r = chpw(f, 'alice', ['x'.repeat(600)]);
    expect(r.status).toBe(2);
    expect(r.message).toBe("The new password is too long for this server's password scheme");
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    const ok = chpw(f, 'alice', ['y'.repeat(511)]);
    expect(ok.status).toBe(0);
    expect(verifies(field2(f, 'alice'), 'y'.repeat(511))).toBe(true);
  });

  it('an unknown user or a missing file is exit 1 and changes nothing', () => {
    const f = passwdFile();
    const before = fs.readFileSync(f);
    let r = chpw(f, 'carol', ['password1']);
    expect(r.status).toBe(1);
    expect(r.message).toBe('This account was not found in the password file');
    // A prefix or a field other than the first is no match.
    for (const u of ['alic', '1000', 'old-alice']) expect(chpw(f, u, ['password1']).status).toBe(1);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(f))).toEqual(['users']);
    r = chpw(path.join(path.dirname(f), 'missing'), 'alice', ['password1']);
    expect(r.status).toBe(1);
    expect(r.message).toMatch(/password file could not be found/);
  });

  it('a user name that looks like an option is the user, not an option', () => {
    const f = passwdFile();
    const r = chpw(f, '--scheme=PLAIN', ['password1']);
    expect(r.status).toBe(0);
    expect(field2(f, '--scheme=PLAIN')).toMatch(/^\{SHA512-CRYPT\}/);
  });

  it('bad administrator options are exit 2', () => {
    const f = passwdFile();
    for (const extra of [['--min-length=0'], ['--min-length=x'], ['--scheme=a b'], ['--bogus=1']]) {
      const r = chpw(f, 'alice', ['password1'], { extra });
      expect(r.status, extra[0]).toBe(2);
      expect(r.message).toMatch(/server configuration error/);
    }
    expect(run('changepassword', 'alice', ['password1'], { options: ['--passwd-file=relative/users'] }).status).toBe(2);
  });

  it('keeps the password and the hash out of every child\'s argv and environment', () => {
    // Wrappers in front of PATH log argv and environment, then run the real tool.
    const bin = tempDir('xexec-spy-');
    const log = path.join(bin, 'log');
    for (const tool of ['doveadm', 'awk', 'mktemp', 'chmod', 'chown', 'stat', 'mv', 'readlink', 'wc', 'tr', 'flock']) {
      const real = spawnSync(...inDovecot('sh', ['-c', `command -v ${tool}`]), { encoding: 'utf8' }).stdout.trim();
      fs.writeFileSync(path.join(bin, tool), [
        '#!/bin/sh', `{ printf '%s\\n' "${tool}" "$@"; env; } >>"${log}"`, `exec ${real} "$@"`, '',
      ].join('\n'), { mode: 0o755 });
    }
    const f = passwdFile();
    const pw = 'Secret Spy Password 42';
    const r = chpw(f, 'alice', [pw], { env: { PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` } });
    expect(r.status).toBe(0);
    const hash = field2(f, 'alice');
    expect(verifies(hash, pw)).toBe(true);
    const logged = fs.readFileSync(log, 'utf8');
    expect(logged).toMatch(/^doveadm$/m); // the wrappers did run
    expect(logged).toMatch(/^awk$/m);
    expect(logged).not.toContain(pw);
    expect(logged).not.toContain(hash.slice(hash.indexOf('}') + 1));
  });

  it('waits for the lock on the passwd-file\'s directory, which the rename does not replace', async () => {
    const f = passwdFile();
    const dir = path.dirname(f);
    const holder = spawn('flock', [dir, 'sleep', '2'], { stdio: 'ignore', detached: true });
    // Wait until the holder has the lock.
    for (let i = 0; i < 100 && spawnSync('flock', ['-n', dir, 'true']).status === 0; i++) {
      await new Promise((res) => setTimeout(res, 20));
    }
    const t = Date.now();
    const r = chpw(f, 'alice', ['password1']);
    const waited = Date.now() - t;
    process.kill(-holder.pid!, 'SIGTERM'); // flock and its sleep
    expect(r.status).toBe(0);
    expect(waited).toBeGreaterThan(1000);
    expect(verifies(field2(f, 'alice'), 'password1')).toBe(true);
  }, 20_000);
});

describe('changepassword: the configuration file (--config=)', () => {
  function conf(lines: string[], mode = 0o644): string {
    const f = path.join(tempDir('xexec-pwconf-'), 'changepassword.conf');
    fs.writeFileSync(f, lines.join('\n') + '\n', { mode });
    fs.chmodSync(f, mode);
    return f;
  }
  const describeWith = (c: string, extra: string[] = []) =>
    run('changepassword', 'alice', [], { options: [`--config=${c}`, ...extra] });

  it('reads key = value lines, skips comments and empty lines; a --key=value word wins over the file', () => {
    const f = passwdFile();
    const c = conf(['# the administrator\'s', '', '  driver =  passwd-file ', `passwd-file = ${f}`, 'min-length=12',
      'current-password = required', 'auth-socket = /nonexistent/auth-xexec']);
    let r = describeWith(c);
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(['current-password required', 'min-length 12']);
    r = describeWith(c, ['--min-length=9', '--current-password=optional']);
    expect(r.lines).toEqual(['current-password optional', 'min-length 9']);
    // The file's passwd-file is the one changed (without the file's auth listener, which is not there).
    r = run('changepassword', 'alice', ['a new password'], { options: [`--config=${c}`, '--current-password=optional'] });
    expect(r.message).toBe('The server\'s login service could not be asked (server configuration error)');
    r = run('changepassword', 'alice', ['a new password'],
      { options: [`--config=${c}`, '--current-password=optional', '--auth-socket='] });
    expect(r.status).toBe(0);
    expect(verifies(field2(f, 'alice'), 'a new password')).toBe(true);
  });

  it.each([
    ['an unknown key', ['bogus = 1'], 'Unknown key in the configuration file: bogus (server configuration error)'],
    ['a key of another driver', ['sql-client = psql'], 'Unknown key in the configuration file: sql-client (server configuration error)'],
    ['a key given twice', ['min-length = 8', 'min-length = 9'], 'The key min-length is given twice in the module\'s configuration file (server configuration error)'],
    ['a line without =', ['min-length 8'], 'Line 1 of the module\'s configuration file is not "key = value" (server configuration error)'],
    ['an unknown driver', ['driver = nis'], 'There is no password driver nis (server configuration error)'],
    ['a bad driver name', ['driver = ../x'], 'The driver name is not valid (server configuration error)'],
    ['a bad current-password', ['current-password = maybe'], 'current-password must be required or optional (server configuration error)'],
    ['a relative auth-socket', ['auth-socket = run/auth'], 'auth-socket must be an absolute path (server configuration error)'],
    ['a missing breached list', ['breached-list = /nonexistent/list'], 'The list of breached passwords cannot be read (server configuration error)'],
  ])('refuses %s with exit 2, before anything', (_n, lines, msg) => {
    const r = describeWith(conf(lines));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.message).toBe(msg);
  });

  it('refuses a file that group or others may write, a relative or a missing one', () => {
    for (const mode of [0o664, 0o646]) {
      expect(describeWith(conf(['min-length = 8'], mode)).message)
        .toBe('The module\'s configuration file must not be writable by group or others (server configuration error)');
    }
    expect(describeWith('relative.conf').message).toBe('--config must be an absolute path (server configuration error)');
    expect(describeWith('/nonexistent/changepassword.conf').message)
      .toBe('The module\'s configuration file cannot be read (server configuration error)');
  });

  it('checks the breached list by SHA-1 in either form, in any case, with CRLF lines', () => {
    const f = passwdFile();
    const d = tempDir('xexec-pwned-');
    const sha = (s: string) => createHash('sha1').update(s).digest('hex');
    const h = sha('correct horse battery');
    fs.writeFileSync(path.join(d, h.slice(0, 5).toUpperCase()), `${h.slice(5)}:3\r\n`); // lower case, no .txt
    const list = path.join(d, 'sorted.txt');
    fs.writeFileSync(list, `${sha('tr0ub4dor&3').toUpperCase()}\n`); // no count
    for (const [breached, pw] of [[d, 'correct horse battery'], [list, 'tr0ub4dor&3']] as const) {
      const r = chpw(f, 'alice', [pw], { extra: [`--breached-list=${breached}`] });
      expect(r.status).toBe(2);
      expect(r.message).toBe('The new password is in a list of passwords known from data breaches; please choose another one');
      expect(chpw(f, 'alice', ['not in the list 1'], { extra: [`--breached-list=${breached}`] }).status).toBe(0);
    }
  });
});
