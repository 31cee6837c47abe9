// The watchdog of everything a test starts outside its own process:
//   node watchdog.mjs <test-pid> <json job>
// Runs detached. When the test process disappears without cleaning up (killed with SIGKILL, say),
// it does the job's cleanup and exits; a normal cleanup in the test kills the watchdog. Jobs:
//   {kind: 'dovecot', ...instance}  stop the Dovecot, kill what is left of it, remove its dir
//                                   (test/server/fixture; this file and procs.mjs are staged
//                                   into the server's temp dir, so it works after the checkout
//                                   is deleted)
//   {kind: 'group', pgid, dir}      kill the process group (Thunderbird), remove dir
//   {kind: 'file', file, hash, createdDir?}  remove a file if it still holds the text with that
//                                   sha256, then createdDir if empty (test/e2e/policy-file.ts)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { alive, cleanupSync, killGroupSync } from './procs.mjs';

const parent = Number(process.argv[2]);
const job = JSON.parse(process.argv[3]);

function cleanup() {
  if (job.kind === 'dovecot') {
    cleanupSync(job, (cmd, args) => { spawnSync(cmd, args, { stdio: 'ignore', timeout: 10000 }); });
  } else if (job.kind === 'group') {
    killGroupSync(job.pgid);
    try { fs.rmSync(job.dir, { recursive: true, force: true }); } catch {}
  } else if (job.kind === 'file') {
    try {
      if (createHash('sha256').update(fs.readFileSync(job.file, 'utf8')).digest('hex') === job.hash) fs.rmSync(job.file, { force: true });
    } catch {
      // already gone
    }
    if (job.createdDir) {
      try { fs.rmdirSync(job.createdDir); } catch { /* not empty, or gone */ }
    }
  }
}

const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  cleanup();
  process.exit(0);
}, 250);
