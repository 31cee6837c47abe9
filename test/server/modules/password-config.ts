// The changepassword module as an administrator configures it for a password back end
// (docs/SERVER.md "Password back ends"): a configuration file (`key = value` lines) named by
// --config=, and an auth listener that the mail uid may use, for the module's login checks
// (`doveadm auth test`). Shared by the password-* test files; the examples in SERVER.md are
// these files' texts.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stagedDirs, type ModuleEntry } from '../fixture/config.js';
import { mailIds } from '../fixture/index.js';

/** The auth listener's name (in base_dir, the instance's run/). */
export const AUTH_LISTENER = 'auth-xexec';

/** The user the mail uid is (nobody as root, else the user running the tests). */
export function mailUser(): string {
  if (process.getuid!() !== 0) return os.userInfo().username;
  return execFileSync('id', ['-nu', String(mailIds().uid)], { encoding: 'utf8' }).trim();
}

/**
 * An auth listener for the mail uid only: `doveadm auth test` there checks a user's password
 * against the passdb as a login would. Same text in 2.3 and 2.4 (a listener without `type` is
 * an auth-client one on both; 2.3 tells by the name, and "xexec" is no special suffix).
 */
export function authListenerConfig(user = mailUser()): string {
  return `service auth {
  unix_listener ${AUTH_LISTENER} {
    mode = 0600
    user = ${user}
  }
}
`;
}

export function authSocket(dir: string): string {
  return path.join(dir, 'run', AUTH_LISTENER);
}

/** Where the module's configuration file of a server is. */
export function passwordConfigPath(dir: string, name = 'changepassword'): string {
  return path.join(dir, 'etc', `${name}.conf`);
}

/**
 * Writes the configuration file (root's or the test user's, 0644: only its owner may write it)
 * and returns the module entry that names it. Called from a server's `modules` callback, when
 * the instance folder exists.
 */
export function passwordModule(dir: string, lines: string[], name = 'changepassword'): ModuleEntry {
  const file = passwordConfigPath(dir, name);
  fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  const script = path.join(stagedDirs(dir).ref, 'changepassword.sh');
  return { name, command: `${script} --dovecot-config=${path.join(dir, 'dovecot.conf')} --config=${file} %u` };
}
