// The one /proc reader of the tests, scripts and benchmarks, with what is built on it: alive(),
// signals, sleeps, poll(), process-group and Dovecot-instance cleanup.
// Plain JavaScript so that watchdog.mjs runs it without a TypeScript loader, also from a copy
// staged next to a test server after the checkout is gone (test/server/fixture/stage.ts).
import * as fs from 'node:fs';

/**
 * @typedef {{pid: number, ppid: number, pgid: number, start: string, cmdline: string, cwd: string, environ?: string[]}} Proc
 */

/** @param {string} file */
function read(file) {
  try { return fs.readFileSync(file, 'latin1'); } catch { return ''; }
}

/**
 * Fields 3.. of /proc/<pid>/stat (state first), or null when the process is gone.
 * @param {number | string} pid
 * @returns {string[] | null}
 */
function statFields(pid) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  // The command name (field 2) may contain spaces and parentheses.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** @param {string[] | null} fields */
function live(fields) {
  return fields !== null && fields[0] !== 'Z' && fields[0] !== 'X'; // Z/X: dead, only unreaped
}

/**
 * True while the process exists and is not a zombie.
 * @param {number} pid
 */
export function alive(pid) {
  return Number.isInteger(pid) && pid > 0 && live(statFields(pid));
}

/**
 * Every live process we can see.
 * @param {{environ?: boolean}} [opts] environ: also read each process's environment
 * @returns {Proc[]}
 */
export function listProcs(opts = {}) {
  /** @type {Proc[]} */
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(name);
    if (!live(fields) || !fields) continue; // gone while we looked, or a zombie
    let cwd = '';
    try { cwd = fs.readlinkSync(`/proc/${name}/cwd`); } catch {}
    /** @type {Proc} */
    const p = {
      pid: Number(name), ppid: Number(fields[1]), pgid: Number(fields[2]),
      start: fields[19], cmdline: read(`/proc/${name}/cmdline`).replace(/\0/g, ' '), cwd,
    };
    if (opts.environ) p.environ = read(`/proc/${name}/environ`).split('\0');
    out.push(p);
  }
  return out;
}

/**
 * The pids of `seeds` and of all their descendants in `procs`.
 * @param {Proc[]} procs @param {Iterable<number>} seeds
 * @returns {Set<number>}
 */
export function withDescendants(procs, seeds) {
  const mine = new Set(seeds);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  return mine;
}

/** @param {number} pid @param {NodeJS.Signals | 0} sig */
export function signal(pid, sig) {
  try { process.kill(pid, sig); return true; } catch { return false; }
}

/** @param {number} ms */
export function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** @param {number} ms @returns {Promise<void>} */
export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Calls `check` every `everyMs` until it returns a truthy value; throws after `waitMs`.
 * @template T
 * @param {string} what named in the timeout's error
 * @param {() => T | Promise<T>} check
 * @param {number} [waitMs] @param {number} [everyMs]
 * @returns {Promise<NonNullable<T>>}
 */
export async function poll(what, check, waitMs = 30_000, everyMs = 50) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const v = await check();
    if (v) return /** @type {NonNullable<T>} */ (v);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * The live processes of a process group.
 * @param {number} pgid
 * @returns {Proc[]}
 */
export function groupMembers(pgid) {
  return listProcs().filter((p) => p.pgid === pgid);
}

/**
 * Terminates, then kills, a process group until none of it is left (synchronous).
 * @param {number} pgid
 */
export function killGroupSync(pgid) {
  for (let i = 0; i < 50 && groupMembers(pgid).length > 0; i++) {
    if (!signal(-pgid, i < 20 ? 'SIGTERM' : 'SIGKILL')) break;
    sleepSync(100);
  }
}

/**
 * Whether a process works inside `dir` (a unique temp dir). A process in another mount namespace
 * shows its working directory from here with that namespace's root in front (a process chrooted
 * into a Debian root: the root + its own path), so a working directory that ends in `dir` or has
 * it as a folder counts.
 * @param {Proc} p @param {string} dir
 */
export function worksIn(p, dir) {
  return p.cwd.endsWith(dir) || p.cwd.includes(dir + '/');
}

/**
 * The processes that belong to a Dovecot instance: descendants of its master, and
 * anything whose command line mentions its directory or whose working
 * directory is inside it (module processes run in the users' homes; see worksIn()).
 * @param {{masterPid?: number, dir: string, root?: string | null}} inst
 * @returns {Proc[]}
 */
export function instanceProcs(inst) {
  const procs = listProcs().filter((p) => p.pid !== process.pid);
  const seeds = procs.filter((p) => p.pid === inst.masterPid ||
    (p.cmdline.includes(inst.dir) && !p.cmdline.includes('watchdog.mjs')) ||
    worksIn(p, inst.dir)).map((p) => p.pid);
  const mine = inst.masterPid ? withDescendants(procs, seeds) : new Set(seeds);
  return procs.filter((p) => mine.has(p.pid));
}

/**
 * Synchronous last-resort cleanup of a Dovecot instance (exit handlers, watchdog): asks Dovecot to
 * stop, then terminates and finally kills whatever of the instance is left.
 * `prefix` runs doveadm with the instance's Dovecot (in-root.sh for the other release's).
 * @param {{masterPid?: number, dir: string, root?: string | null, config: string, keepDir?: boolean, prefix?: string[]}} inst
 * @param {(cmd: string, args: string[]) => void} run synchronous command runner
 */
export function cleanupSync(inst, run) {
  const stop = [...(inst.prefix ?? []), 'doveadm', '-c', inst.config, 'stop'];
  try { run(stop[0], stop.slice(1)); } catch {}
  for (let i = 0; i < 100; i++) {
    const left = instanceProcs(inst);
    if (left.length === 0) break;
    for (const p of left) signal(p.pid, i < 40 ? 'SIGTERM' : 'SIGKILL');
    sleepSync(100);
  }
  if (!inst.keepDir) {
    try { fs.rmSync(inst.dir, { recursive: true, force: true }); } catch {}
  }
}
