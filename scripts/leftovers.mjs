// What a test run left behind: processes that belong to it and files in its TMPDIR.
// A process belongs to the run when its environment carries the run's TMPDIR, its command line or
// working directory is inside that folder, or it descends from one that does (Dovecot and
// Thunderbird give their children a clean environment, and modules run in users' homes).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listProcs, sleep, withDescendants, worksIn } from '../test/support/procs.mjs';

/** @typedef {{pid: number, ppid: number, cmdline: string}} Proc */

/** @param {string} dir @returns {Proc[]} */
function runProcs(dir) {
  const procs = listProcs({ environ: true }).filter((p) => p.pid !== process.pid);
  const mine = withDescendants(procs, procs.filter((p) =>
    (p.environ ?? []).some((e) => e === `TMPDIR=${dir}` || e.startsWith(`TMPDIR=${dir}/`)) ||
    p.cmdline.includes(dir) || worksIn(p, dir)).map((p) => p.pid));
  return procs.filter((p) => mine.has(p.pid)).map(({ pid, ppid, cmdline }) => ({ pid, ppid, cmdline: cmdline.trim() }));
}

/**
 * Waits up to `waitMs` for the run's processes to end by themselves (stop() calls that are still
 * finishing), then reports what is left.
 * @param {string} dir the run's TMPDIR
 * @returns {Promise<{processes: Proc[], files: string[]}>}
 */
export async function leftovers(dir, waitMs = 15_000) {
  const deadline = Date.now() + waitMs;
  let processes = runProcs(dir);
  while (processes.length > 0 && Date.now() < deadline) {
    await sleep(250);
    processes = runProcs(dir);
  }
  let files = [];
  try { files = fs.readdirSync(dir).map((f) => path.join(dir, f)); } catch {}
  return { processes, files };
}

/** @param {Proc[]} processes */
export function killLeftovers(processes) {
  for (const p of processes) {
    try { process.kill(p.pid, 'SIGKILL'); } catch {}
  }
}
