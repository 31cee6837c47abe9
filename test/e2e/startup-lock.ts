// Thunderbird reads policies.json once, as it starts, from a system-wide place
// (/etc/thunderbird/policies/ or /usr/lib/thunderbird/distribution/). policy.test.ts puts
// one there for its own Thunderbird. Any other Thunderbird starting meanwhile would read it
// too (and get the add-on force-installed and the test's managed settings), so:
//
// - every start holds a shared slot from spawn until Marionette answers (thunderbird.ts);
// - the policy test takes the exclusive slot: no new shared slot is given out, it waits until
//   the shared ones of other processes are gone, and holds it while its policies.json exists.
//
// The slots are files in one directory of the machine's temp dir, named after the process
// that holds them, so a killed process's slot is seen as stale and ignored. A tiny mkdir
// mutex makes each check-and-take atomic.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alive, sleep as delay } from '../support/procs.mjs';

const DIR = path.join(os.tmpdir(), 'xexec-e2e-startup');
const MUTEX = path.join(DIR, 'mutex');
const EXCLUSIVE = path.join(DIR, 'exclusive');

let counter = 0;


function readPid(file: string): number {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return 0;
  }
}

/** Runs `check` with the mutex held; a mutex left by a dead process is broken. */
async function withMutex<T>(check: () => T): Promise<T> {
  for (;;) {
    try {
      // Again on every try: the last holder removes the directory when it is empty.
      fs.mkdirSync(DIR, { recursive: true, mode: 0o1777 });
      fs.mkdirSync(MUTEX);
      break;
    } catch {
      const owner = readPid(path.join(MUTEX, 'pid'));
      let age = 0;
      try { age = Date.now() - fs.statSync(MUTEX).mtimeMs; } catch {}
      // No pid yet is the short moment between mkdir and write; only an old one is stale.
      if ((owner && !alive(owner)) || (!owner && age > 5_000)) fs.rmSync(MUTEX, { recursive: true, force: true });
      await delay(20);
    }
  }
  try {
    fs.writeFileSync(path.join(MUTEX, 'pid'), String(process.pid));
    return check();
  } finally {
    fs.rmSync(MUTEX, { recursive: true, force: true });
  }
}

/**
 * Removes the directory once nothing is in it, so that a run leaves no folder behind. rmdir
 * fails while anything is inside (another process's mutex or slot), and a process that has
 * just made the directory makes it again before it takes the mutex.
 */
function removeDirIfEmpty(): void {
  try { fs.rmdirSync(DIR); } catch {}
}

/** The live holder of the exclusive slot other than this process, or 0. */
function otherExclusive(): number {
  const owner = readPid(EXCLUSIVE);
  if (owner && !alive(owner)) {
    fs.rmSync(EXCLUSIVE, { force: true });
    return 0;
  }
  return owner === process.pid ? 0 : owner;
}

/** Shared slots of other live processes (stale ones are removed). */
function otherShared(): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(DIR)) {
    const m = /^shared-(\d+)-\d+$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (!alive(pid)) fs.rmSync(path.join(DIR, name), { force: true });
    else if (pid !== process.pid) out.push(name);
  }
  return out;
}

/**
 * A shared slot for one Thunderbird start; waits while another process holds the exclusive
 * one. Resolves the release function.
 */
export async function acquireStartupSlot(waitMs = 300_000): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const file = await withMutex(() => {
      if (otherExclusive()) return null;
      const f = path.join(DIR, `shared-${process.pid}-${++counter}`);
      fs.writeFileSync(f, '');
      return f;
    });
    if (file) return () => { fs.rmSync(file, { force: true }); removeDirIfEmpty(); };
    if (Date.now() > deadline) throw new Error(`a test with a system-wide policies.json (pid ${readPid(EXCLUSIVE)}) still holds ${EXCLUSIVE}`);
    await delay(200);
  }
}

/**
 * The exclusive slot: no other process's Thunderbird starts until the release function is
 * called. Waits for starts already under way in other processes.
 */
export async function acquireExclusiveStartup(waitMs = 300_000): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const taken = await withMutex(() => {
      if (otherExclusive()) return false;
      fs.writeFileSync(EXCLUSIVE, String(process.pid));
      return true;
    });
    if (taken) break;
    if (Date.now() > deadline) throw new Error(`another test (pid ${readPid(EXCLUSIVE)}) holds ${EXCLUSIVE}`);
    await delay(200);
  }
  const release = () => {
    if (readPid(EXCLUSIVE) === process.pid) fs.rmSync(EXCLUSIVE, { force: true });
    removeDirIfEmpty();
  };
  while (otherShared().length > 0) {
    if (Date.now() > deadline) {
      release();
      throw new Error(`Thunderbirds of other tests are still starting: ${otherShared().join(', ')}`);
    }
    await delay(200);
  }
  return release;
}
