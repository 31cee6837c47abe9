// Fault injection for the module tests of issue 9: wrappers in front of PATH
// that stop a module at a chosen step, and modules run in the background so
// that a test can SIGKILL them there (as the plugin does on a timeout or a
// disconnect, when no trap runs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODULES, moduleEnv, tempDir, type RunOptions } from './run.js';

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
