// Watchdog for one test Thunderbird: node watchdog.mjs <test-pid> <json {pgid, pid, dir}>
// Runs detached. When the test process disappears without stopping its
// Thunderbird (killed with SIGKILL, say), it kills Thunderbird's process group
// and removes the temp dir (profile, HOME, TMPDIR). A normal stop() kills the watchdog.
import * as fs from 'node:fs';

const parent = Number(process.argv[2]);
const inst = JSON.parse(process.argv[3]);

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  for (let i = 0; i < 50; i++) {
    let left = false;
    try { process.kill(-inst.pgid, i < 20 ? 'SIGTERM' : 'SIGKILL'); left = true; } catch {}
    if (!left && !alive(inst.pid)) break;
    sleepSync(100);
  }
  try { fs.rmSync(inst.dir, { recursive: true, force: true }); } catch {}
  process.exit(0);
}, 500);
