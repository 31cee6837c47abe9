// A system-wide policies.json for one test, written only where none exists and always
// removed again: by remove(), by an exit handler (normal exit, SIGINT, SIGTERM, SIGHUP) and,
// when the test process is killed outright, by a detached watchdog (test/support/watchdog.mjs).
// Only a file that still holds exactly what the test wrote is removed; a policy file the
// test did not write is never touched.
//
// Thunderbird 153 reads policies only from /etc/thunderbird/policies/policies.json (first)
// and <install dir>/distribution/policies.json (the pref browser.policies.alternatePath is
// ignored outside Mozilla's automation). Both are checked; the test writes the second.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WATCHDOG, thunderbirdBinary } from './thunderbird.js';

export const SYSTEM_POLICY_FILE = '/etc/thunderbird/policies/policies.json';

/** The distribution directory of the Thunderbird the tests run (next to its binary). */
export function distributionPolicyFile(): string {
  return path.join(path.dirname(fs.realpathSync(thunderbirdBinary())), 'distribution', 'policies.json');
}

export interface PolicyFile {
  readonly path: string;
  /** Removes the file (if it is still ours) and the directory if the test created it. */
  remove(): void;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Removes `file` only when it holds exactly `text`; then `createdDir` when it is empty. */
export function removeIfOurs(file: string, hash: string, createdDir: string | null): void {
  try {
    if (sha256(fs.readFileSync(file, 'utf8')) === hash) fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
  if (createdDir) {
    try { fs.rmdirSync(createdDir); } catch { /* not empty, or gone */ }
  }
}

/**
 * Writes `{"policies": policies}` as the distribution policies.json. Throws, writing
 * nothing, when either policy file exists: the test must not run over an administrator's.
 */
export function writePolicyFile(policies: unknown): PolicyFile {
  const file = distributionPolicyFile();
  for (const existing of [SYSTEM_POLICY_FILE, file]) {
    if (fs.existsSync(existing)) {
      throw new Error(`${existing} exists: this test installs a policies.json of its own and never replaces one it did not ` +
        'write. Run it on a machine (or container) without Thunderbird policies.');
    }
  }
  const dir = path.dirname(file);
  const createdDir = fs.existsSync(dir) ? null : dir;
  if (createdDir) fs.mkdirSync(createdDir, { mode: 0o755 });
  const text = `${JSON.stringify({ policies }, null, 2)}\n`;
  const hash = sha256(text);
  try {
    fs.writeFileSync(file, text, { flag: 'wx', mode: 0o644 }); // wx: fails if it appeared meanwhile
  } catch (e) {
    if (createdDir) { try { fs.rmdirSync(createdDir); } catch {} }
    throw e;
  }

  let watchdog: ChildProcess | null = spawn(process.execPath,
    [WATCHDOG, String(process.pid), JSON.stringify({ kind: 'file', file, hash, createdDir })],
    { stdio: 'ignore', detached: true });
  watchdog.unref();

  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    removeIfOurs(file, hash, createdDir);
    if (watchdog?.pid) { try { process.kill(watchdog.pid, 'SIGTERM'); } catch {} }
    watchdog = null;
    process.off('exit', remove);
    for (const sig of SIGNALS) process.off(sig, onSignal[sig]);
  };
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  const onSignal = Object.fromEntries(SIGNALS.map((sig) => [sig, () => {
    remove();
    process.kill(process.pid, sig);
  }])) as Record<(typeof SIGNALS)[number], () => void>;
  process.on('exit', remove);
  for (const sig of SIGNALS) process.once(sig, onSignal[sig]);
  return { path: file, remove };
}
