// Watchdog for one test Thunderbird: node watchdog.mjs <test-pid> <json {pgid, pid, dir}>
// Runs detached. When the test process disappears without stopping its
// Thunderbird (killed with SIGKILL, say), it kills Thunderbird's process group
// and removes the temp dir (profile, HOME, TMPDIR). A normal stop() kills the watchdog.
import * as fs from 'node:fs';

const parent = Number(process.argv[2]);
const inst = JSON.parse(process.argv[3]);

/** True while the process exists and is not a zombie. */
function alive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Live (non-zombie) processes of a process group. */
function groupMembers(pgid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && fields[0] !== 'X' && Number(fields[2]) === pgid) out.push(Number(name));
    } catch {
      // it exited while we looked
    }
  }
  return out;
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  for (let i = 0; i < 50 && groupMembers(inst.pgid).length > 0; i++) {
    try { process.kill(-inst.pgid, i < 20 ? 'SIGTERM' : 'SIGKILL'); } catch { break; }
    sleepSync(100);
  }
  try { fs.rmSync(inst.dir, { recursive: true, force: true }); } catch {}
  process.exit(0);
}, 500);
