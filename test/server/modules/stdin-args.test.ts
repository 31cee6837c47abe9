// Client arguments on standard input (issue 9, "the password in the module's
// environment"): with `xexec_args_on_stdin = changepassword` the plugin
// writes "N\n" then N lines, one argument each, and closes the pipe. Nothing
// of the password is then in argv or the environment.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inDovecot, MODULES, moduleEnv, newHome, readState, tempDir } from './run.js';

function passwdFile(): string {
  const d = tempDir('xexec-passwd-');
  const f = path.join(d, 'users');
  fs.writeFileSync(f, 'alice:{PLAIN}old-alice:1:1::/h::\n', { mode: 0o640 });
  return f;
}

/** Runs a module with `input` on stdin and nothing after the user word. */
function runStdin(module: string, user: string, input: string, options: string[] = [], env: Record<string, string> = {}, home?: string) {
  const e = moduleEnv(user, module, { home, env });
  const r = spawnSync(...inDovecot('sh', [path.join(MODULES, `${module}.sh`), ...options, user], '/', e), {
    env: e, input, encoding: 'utf8', timeout: 30_000,
  });
  const err = r.stderr.split('\n').filter((l) => l !== '');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, message: err[err.length - 1] ?? '' };
}

function verifies(hash: string, password: string): boolean {
  const r = spawnSync(...inDovecot('doveadm', ['pw', '-t', hash]), { input: `${password}\n`, encoding: 'utf8' });
  return r.status === 0 && /\(verified\)/.test(r.stdout);
}
const hashOf = (f: string) => fs.readFileSync(f, 'utf8').split(':')[1]!;

describe('arguments on standard input', () => {
  it('changepassword takes the password from stdin', () => {
    const f = passwdFile();
    const pw = 'from stdin -- $(id) "q"';
    const r = runStdin('changepassword', 'alice', `1\n${pw}\n`, [`--passwd-file=${f}`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('Password changed\n');
    expect(verifies(hashOf(f), pw)).toBe(true);
  });

  const refusals: [string, string, string][] = [
    ['three arguments', '3\npassword1\npassword2\npassword3\n', 'Give the new password, or the current and the new password'],
    ['a count that is not a number', 'one\npassword1\n', 'The arguments on standard input are not in the expected format (server error)'],
    ['a signed count', '+1\npassword1\n', 'The arguments on standard input are not in the expected format (server error)'],
    ['fewer lines than the count', '2\npassword1\n', 'The arguments on standard input are not in the expected format (server error)'],
    ['an argument without its LF', '1\npassword1', 'The arguments on standard input are not in the expected format (server error)'],
  ];
  it.each(refusals)('refuses %s; the file is unchanged', (_n, input, msg) => {
    const f = passwdFile();
    const before = fs.readFileSync(f, 'utf8');
    const r = runStdin('changepassword', 'alice', input, [`--passwd-file=${f}`]);
    expect(r.status).toBe(2);
    expect(r.message).toBe(msg);
    expect(fs.readFileSync(f, 'utf8')).toBe(before);
  });

  it.each([['no arguments (count 0)', '0\n'], ['an empty stdin (/dev/null: the module is not in stdin mode)', '']])(
    'with %s says what it needs (PROTOCOL.md §6.2); the file is unchanged', (_n, input) => {
      const f = passwdFile();
      const before = fs.readFileSync(f, 'utf8');
      const r = runStdin('changepassword', 'alice', input, [`--passwd-file=${f}`]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('current-password optional\nmin-length 8\n');
      expect(fs.readFileSync(f, 'utf8')).toBe(before);
    });

  it('argv wins: with client arguments in argv stdin is not read', () => {
    const f = passwdFile();
    const env = moduleEnv('alice', 'changepassword', {});
    const r = spawnSync(...inDovecot('sh', [path.join(MODULES, 'changepassword.sh'), `--passwd-file=${f}`, 'alice', 'argv password'], '/', env), {
      env, input: '1\nstdin password\n', encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(verifies(hashOf(f), 'argv password')).toBe(true);
  });

  it('the other modules understand the format too (vacation set from stdin)', () => {
    const home = newHome();
    const r = runStdin('vacation', 'u@example.org', '3\nset\nsubject=From stdin\nbody=away\n', [], {}, home);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readState(home, 'vacation')).toMatch(/^subject From stdin$/m);
  });
});
