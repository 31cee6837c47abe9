// Runs the reference modules of server/modules directly, as the Dovecot
// plugin does (PROTOCOL.md §5): no shell between us and the script's argv,
// a clean environment, stdin /dev/null. With XEXEC_DOVECOT=other they run inside the other
// release's root (its sh, sievec, doveadm), from a staged copy in the temp folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, expect } from 'vitest';
import { commandPrefix, dovecotRoot, isDovecot24, tempRoot } from '../fixture/dovecot.js';

const here = path.dirname(new URL(import.meta.url).pathname);
/** The reference modules in the checkout. */
export const CHECKOUT_MODULES = path.resolve(here, '../../../server/modules');

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface InDovecotOptions {
  /** Run with this server's Dovecot prefix (its settings modules: its dovecot.conf then parses). */
  server?: { prefix(): string[] };
  /** Run as this uid/gid (setpriv, the last exec before `cmd`; do not pass uid/gid to spawn). */
  uid?: number;
  gid?: number;
}

/**
 * [command, args] that run `cmd args` in `cwd` with the selected Dovecot's system: as is for
 * native; inside the root for other (in-root.sh with the system PATH; the program gets the
 * caller's PATH back, and the working directory, which chroot resets to /). Every step execs
 * the next, so the spawned pid is `cmd`'s.
 */
export function inDovecot(cmd: string, args: string[], cwd = '/', env: Record<string, string> = {},
  o: InDovecotOptions = {}): [string, string[]] {
  const ids = o.uid === undefined ? [] : ['setpriv', `--reuid=${o.uid}`, `--regid=${o.gid ?? o.uid}`, '--clear-groups'];
  const prefix = o.server ? o.server.prefix() : commandPrefix();
  if (prefix.length === 0) return ids.length > 0 ? [ids[0]!, [...ids.slice(1), cmd, ...args]] : [cmd, args];
  return ['/usr/bin/env', [`PATH=${SYSTEM_PATH}`, ...prefix,
    '/bin/sh', '-c', 'cd "$1" || exit 127; PATH=$2; export PATH; shift 2; exec "$@"', 'sh', cwd,
    env.PATH ?? process.env.PATH ?? SYSTEM_PATH, ...ids, cmd, ...args]];
}

export interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout split at LF as PROTOCOL.md §4.1 does (no trailing empty line). */
  lines: string[];
  /** The last non-empty stderr line: the user's error message. */
  message: string;
}

export interface RunOptions {
  home?: string | null;
  /** Extra environment (e.g. CONFIG_FILE for sievec). */
  env?: Record<string, string>;
  /** Words the administrator configured before the user name. */
  options?: string[];
  timeout?: number;
}

function splitLines(s: string): string[] {
  if (s === '') return [];
  const l = s.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

function toResult(r: ReturnType<typeof spawnSync>): Result {
  if (r.error) throw r.error;
  const stdout = (r.stdout as Buffer).toString('utf8');
  const stderr = (r.stderr as Buffer).toString('utf8');
  const errLines = stderr.split('\n').filter((l) => l !== '');
  return {
    status: r.status, signal: r.signal, stdout, stderr,
    lines: splitLines(stdout), message: errLines[errLines.length - 1] ?? '',
  };
}

export function moduleEnv(user: string, module: string, o: RunOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    USER: user, XEXEC_USER: user, XEXEC_MODULE: module, XEXEC_PROTOCOL: '1',
    XEXEC_SESSION: 'test-session', XEXEC_REMOTE_IP: '127.0.0.1',
  };
  if (o.home !== null && o.home !== undefined) env.HOME = o.home;
  return { ...env, ...o.env };
}

/** The root sees only the temp folder: there, the modules run from a copy (removed after the file). */
function stagedModules(): string {
  if (dovecotRoot() === null) return CHECKOUT_MODULES;
  const d = tempDir('xexec-refmods-');
  fs.chmodSync(d, 0o755);
  const m = path.join(d, 'modules');
  fs.cpSync(CHECKOUT_MODULES, m, { recursive: true });
  return m;
}

/** Runs server/modules/<module>.sh <options...> <user> <args...> with sh (dash). */
export function run(module: string, user: string, args: string[], o: RunOptions = {}): Result {
  const script = path.join(MODULES, `${module}.sh`);
  const env = moduleEnv(user, module, o);
  const [cmd, argv] = inDovecot('sh', [script, ...(o.options ?? []), user, ...args], o.home ?? '/', env);
  const r = spawnSync(cmd, argv, {
    env, cwd: o.home ?? '/', stdio: ['ignore', 'pipe', 'pipe'],
    timeout: o.timeout ?? 60_000, maxBuffer: 64 * 1024 * 1024,
  });
  return toResult(r);
}

/**
 * Like run(), for client arguments that are not valid UTF-8 (Node can only
 * pass strings): a tiny sh wrapper rebuilds each argument from octal escapes
 * and execs the module, so the module still sees exactly those bytes.
 */
export function runBytes(module: string, user: string, args: Buffer[], o: RunOptions = {}): Result {
  const script = path.join(MODULES, `${module}.sh`);
  // printf %b with \0NNN escapes: no byte of the value is ever a format.
  const octal = (b: Buffer) => [...b].map((x) => '\\0' + x.toString(8).padStart(3, '0')).join('');
  let wrapper = 'set --';
  for (const a of args) wrapper += ` "$(printf '%bx' '${octal(a)}')"`;
  // Command substitution drops trailing LFs: the "x" guards them; strip it.
  wrapper += '\nn=$#; i=0; for a in "$@"; do set -- "$@" "${a%x}"; done; shift "$n"\n';
  wrapper += 'exec sh "$MODULE_SCRIPT" "$MODULE_USER" "$@"\n';
  const env = { ...moduleEnv(user, module, o), MODULE_SCRIPT: script, MODULE_USER: user };
  const [cmd, argv] = inDovecot('sh', ['-c', wrapper], o.home ?? '/', env);
  const r = spawnSync(cmd, argv, {
    env, cwd: o.home ?? '/', stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeout ?? 60_000,
  });
  return toResult(r);
}

const tempDirs: string[] = [];
afterAll(() => {
  if (process.env.XEXEC_KEEP === '1') return;
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = 'xexec-mod-'): string {
  const d = fs.mkdtempSync(path.join(tempRoot(), prefix));
  tempDirs.push(d);
  return d;
}

export const MODULES = stagedModules();

/** A fresh home directory. */
export function newHome(): string {
  return tempDir('xexec-home-');
}

export function stateFile(home: string, name: string): string {
  return path.join(home, '.xexec', name);
}

export function readState(home: string, name: string): string | null {
  const f = stateFile(home, name);
  return fs.existsSync(f) ? fs.readFileSync(f, 'latin1') : null;
}

export function sieveScript(home: string): string {
  return fs.readFileSync(stateFile(home, 'xexec.sieve'), 'utf8');
}

/** A dovecot config for sievec/sieve-test in tests: no script size limit, a
 * mail uid (sieve-test refuses to run as root without one). */
export function sieveConfig(): string {
  const d = tempDir('xexec-conf-');
  fs.chmodSync(d, 0o755);
  const f = path.join(d, 'dovecot.conf');
  fs.writeFileSync(f, (isDovecot24()
    ? ['dovecot_config_version = 2.4.1', 'dovecot_storage_version = 2.4.1', 'mail_uid = 65534', 'mail_gid = 65534',
        'mail_driver = maildir', `mail_path = ${d}/Maildir`, 'sieve_max_script_size = 0', '']
    : ['mail_uid = 65534', 'mail_gid = 65534', `mail_location = maildir:${d}/Maildir`,
        'plugin {', '  sieve_max_script_size = 0', '}', '']).join('\n'));
  fs.chmodSync(f, 0o644);
  return f;
}

/** Compiles a script with sievec; returns sievec's result. */
export function sievec(script: string, config = sieveConfig()): { status: number | null; stderr: string } {
  const d = tempDir('xexec-svbin-');
  const r = spawnSync(...inDovecot('sievec', ['-c', config, script, path.join(d, 'out.svbin')]), { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

export function expectCompiles(home: string): void {
  const r = sievec(stateFile(home, 'xexec.sieve'));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
}

export interface SieveRun {
  /** Lines of "Performed actions:" (trimmed). */
  actions: string[];
  /** Lines of "Implicit keep:" (trimmed). */
  keep: string[];
  /** The vacation message body between START MESSAGE and END MESSAGE. */
  vacationBody: string | null;
  raw: string;
}

/**
 * Runs sieve-test on the home's generated script with a message from
 * `from` (header From and envelope sender unless `envelope` is given).
 */
export function sieveTest(home: string, from: string, o: { envelope?: string; subject?: string } = {}): SieveRun {
  const d = tempDir('xexec-sievetest-');
  fs.chmodSync(d, 0o755);
  const script = path.join(d, 'x.sieve');
  fs.copyFileSync(stateFile(home, 'xexec.sieve'), script);
  fs.chmodSync(script, 0o644);
  const mail = path.join(d, 'mail.eml');
  fs.writeFileSync(mail, [
    `From: Sender <${from}>`, 'To: user@example.org', `Subject: ${o.subject ?? 'hello'}`,
    'Message-ID: <test@example.net>', 'Date: Mon, 1 Jan 2024 10:00:00 +0000', '', 'Hello.', '',
  ].join('\r\n'));
  fs.chmodSync(mail, 0o644);
  const r = spawnSync(...inDovecot('sieve-test', ['-c', sieveConfig(), '-a', 'user@example.org', '-r', 'user@example.org',
    '-f', o.envelope ?? from, script, mail]), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sieve-test failed (${r.status}): ${r.stderr}`);
  const out = r.stdout;
  // The vacation body is printed inside "Performed actions", so only the
  // fixed headers delimit the sections.
  const A = '\nPerformed actions:\n', K = '\nImplicit keep:\n';
  const a = out.indexOf(A);
  const k = out.indexOf(K);
  if (a < 0 || k < a) throw new Error(`unexpected sieve-test output:\n${out}`);
  const lines = (t: string) => t.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const vb = /\nSTART MESSAGE\n([\s\S]*?)\nEND MESSAGE\n/.exec(out);
  return {
    actions: lines(out.slice(a + A.length, k)), keep: lines(out.slice(k + K.length)),
    vacationBody: vb ? vb[1]!.replace(/\r/g, '') : null, raw: out,
  };
}
