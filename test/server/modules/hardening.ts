// Fault injection for the module tests of issue 9: wrappers in front of PATH
// that stop a module at a chosen step, and modules run in the background so
// that a test can SIGKILL them there (as the plugin does on a timeout or a
// disconnect, when no trap runs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { sleep } from '../../support/procs.mjs';
import { MODULES, moduleEnv, tempDir, type Result, type RunOptions } from './run.js';

export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * A directory of wrapper scripts (tool -> sh code run before the real tool,
 * which it may replace by exiting) and the PATH that puts them first.
 */
export function faultPath(wrappers: Record<string, string>): string {
  const bin = tempDir('xexec-fault-');
  fs.chmodSync(bin, 0o755);
  for (const [tool, code] of Object.entries(wrappers)) {
    const real = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8', env: { PATH: SYSTEM_PATH } }).stdout.trim();
    if (!real) throw new Error(`no ${tool} on PATH`);
    fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\n${code}\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  return `${bin}:${SYSTEM_PATH}`;
}

/** Runs a module in its own process group, in the background. */
export function spawnModule(module: string, user: string, args: string[], o: RunOptions = {}): ChildProcess {
  return spawn('sh', [path.join(MODULES, `${module}.sh`), ...(o.options ?? []), user, ...args], {
    env: moduleEnv(user, module, o), cwd: o.home ?? '/', stdio: 'ignore', detached: true,
  });
}

/** Waits until `file` exists (the wrapper's sign), then SIGKILLs the whole group. */
export async function killWhen(child: ChildProcess, file: string): Promise<void> {
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let gone = false;
  void exited.then(() => { gone = true; });
  for (let i = 0; i < 1500 && !fs.existsSync(file) && !gone; i++) await sleep(20);
  if (!fs.existsSync(file)) throw new Error(`the module never reached the step (${file})`);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch { /* already gone */ }
  await exited;
  fs.rmSync(file, { force: true });
}

/**
 * Like run.ts' runBytes(), for arguments of any size: each argument goes
 * through a file (runBytes puts octal escapes on a command line, which stops
 * at 128 kB a word), and a small sh wrapper execs the module with them.
 */
export function runFiles(module: string, user: string, args: Buffer[], o: RunOptions = {}): Result {
  const [wrapper, env] = filesWrapper(module, user, args, o);
  const r = spawnSync('sh', ['-c', wrapper], {
    env, cwd: o.home ?? '/', stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeout ?? 60_000, maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return result(r.status, r.signal, r.stdout, r.stderr);
}

/** runFiles() without blocking, so that many can run at once. */
export function runFilesAsync(module: string, user: string, args: Buffer[], o: RunOptions = {}): Promise<Result> {
  const [wrapper, env] = filesWrapper(module, user, args, o);
  return new Promise((resolve, reject) => {
    const p = spawn('sh', ['-c', wrapper], { env, cwd: o.home ?? '/', stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [], err: Buffer[] = [];
    p.stdout!.on('data', (d: Buffer) => out.push(d));
    p.stderr!.on('data', (d: Buffer) => err.push(d));
    p.on('error', reject);
    p.on('close', (status, signal) => resolve(result(status, signal, Buffer.concat(out), Buffer.concat(err))));
  });
}

function filesWrapper(module: string, user: string, args: Buffer[], o: RunOptions): [string, Record<string, string>] {
  const d = tempDir('xexec-args-');
  let wrapper = 'set --';
  args.forEach((a, i) => {
    const f = path.join(d, String(i));
    fs.writeFileSync(f, a);
    // $(...) drops trailing LFs: the "x" guards them.
    wrapper += ` "$(cat '${f}'; printf x)"`;
  });
  wrapper += '\nn=$#; for a in "$@"; do set -- "$@" "${a%x}"; done; shift "$n"\n';
  wrapper += `exec sh "$MODULE_SCRIPT" ${(o.options ?? []).map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ')} "$MODULE_USER" "$@"\n`;
  const env = { ...moduleEnv(user, module, o), MODULE_SCRIPT: path.join(MODULES, `${module}.sh`), MODULE_USER: user };
  return [wrapper, env];
}

function result(status: number | null, signal: NodeJS.Signals | null, out: Buffer, err: Buffer): Result {
  const stdout = out.toString('utf8');
  const stderr = err.toString('utf8');
  const errLines = stderr.split('\n').filter((l) => l !== '');
  const lines = stdout === '' ? [] : stdout.replace(/\n$/, '').split('\n');
  return { status, signal, stdout, stderr, lines, message: errLines[errLines.length - 1] ?? '' };
}

/** The shared hostile-input corpus, test/vectors/hostile.json. */
export interface HostileEntry { name: string; text?: string; hex?: string }
export const HOSTILE: HostileEntry[] = JSON.parse(fs.readFileSync(
  path.join(path.dirname(new URL(import.meta.url).pathname), '../../vectors/hostile.json'), 'utf8')).entries;
export const hostileBytes = (e: HostileEntry) => e.hex !== undefined ? Buffer.from(e.hex, 'hex') : Buffer.from(e.text!, 'utf8');

const UNEXPECTED = 'The command failed because of an unexpected error on the server';

/** Refused with a clear sentence, or done. Never a signal, never a silent failure. */
export function expectClean(r: Result, what: string): void {
  expect(r.signal, what).toBe(null);
  expect([0, 1, 2], what).toContain(r.status);
  if (r.status !== 0) {
    expect(r.stdout, what).toBe('');
    expect(r.message, what).not.toBe('');
    expect(r.message, what).not.toBe(UNEXPECTED);
    expect(Buffer.byteLength(r.message), what).toBeLessThanOrEqual(400);
    expect(r.message, what).not.toMatch(/[\x00-\x1f\x7f]/);
  }
}
