// What a test run left behind: processes that belong to it and files in its TMPDIR.
// A process belongs to the run when its environment carries the run's TMPDIR, its command line or
// working directory is inside that folder, or it descends from one that does (Dovecot and
// Thunderbird give their children a clean environment, and modules run in users' homes).
import * as fs from 'node:fs';
import * as path from 'node:path';

/** @typedef {{pid: number, ppid: number, cmdline: string}} Proc */

function read(file) {
  try { return fs.readFileSync(file, 'latin1'); } catch { return ''; }
}

/** @param {string} dir @returns {Proc[]} */
function runProcs(dir) {
  const procs = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') continue;
    let cwd = '';
    try { cwd = fs.readlinkSync(`/proc/${name}/cwd`); } catch {}
    procs.push({
      pid: Number(name), ppid: Number(fields[1]),
      cmdline: read(`/proc/${name}/cmdline`).replace(/\0/g, ' ').trim(),
      environ: read(`/proc/${name}/environ`).split('\0'),
      cwd,
    });
  }
  const mine = new Set(procs.filter((p) =>
    p.environ.some((e) => e === `TMPDIR=${dir}` || e.startsWith(`TMPDIR=${dir}/`)) ||
    p.cmdline.includes(dir) || p.cwd === dir || p.cwd.startsWith(dir + '/')).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  return procs.filter((p) => mine.has(p.pid)).map(({ pid, ppid, cmdline }) => ({ pid, ppid, cmdline }));
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
    await new Promise((r) => setTimeout(r, 250));
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
