// Watchdog for a test's system-wide policies.json (policy-file.ts):
//   node policy-watchdog.mjs <test-pid> <file> <sha256 of its text> [<dir the test created>]
// Runs detached. When the test process disappears without removing the file (killed with
// SIGKILL, say), it removes the file if it still holds exactly what the test wrote, then the
// directory if the test created it and it is empty. remove() in the test kills the watchdog.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

const [parentArg, file, hash, createdDir] = process.argv.slice(2);
const parent = Number(parentArg);

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

const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  try {
    if (createHash('sha256').update(fs.readFileSync(file, 'utf8')).digest('hex') === hash) fs.rmSync(file, { force: true });
  } catch {
    // already gone
  }
  if (createdDir) {
    try { fs.rmdirSync(createdDir); } catch { /* not empty, or gone */ }
  }
  process.exit(0);
}, 250);
