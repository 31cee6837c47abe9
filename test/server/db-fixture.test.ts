// The throwaway database servers of the sql password driver (fixture/postgres.ts, mariadb.ts):
// stop() leaves no process and no folder, and neither does a test process that dies (SIGKILL:
// no exit handler runs, the watchdog cleans up).
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_DIR } from './fixture/config.js';
import { waitFor } from './fixture/index.js';
import { startMariadb } from './fixture/mariadb.js';
import { startPostgres } from './fixture/postgres.js';
import { alive, groupMembers } from '../support/procs.mjs';

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

describe('the throwaway database servers', () => {
  it.each([['PostgreSQL', startPostgres], ['MariaDB', startMariadb]] as const)(
    '%s: stop() ends the server\'s whole process group and removes its folder', async (_n, start) => {
      const s = await start();
      const pgid = s.db.pid;
      expect(alive(pgid)).toBe(true);
      expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(1);
      expect(fs.existsSync(s.dir)).toBe(true);
      await s.stop();
      expect(groupMembers(pgid)).toEqual([]);
      expect(fs.existsSync(s.dir)).toBe(false);
    }, 120_000);

  it('a test process killed with SIGKILL: the watchdogs end both servers and remove their folders', async () => {
    const child = spawn(path.join(REPO_DIR, 'node_modules/.bin/vite-node'),
      [path.join(REPO_DIR, 'test/server/fixture/selftest/db-child.ts'), String(process.pid)],
      { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const info = await waitFor('the child to report its servers', () => {
      if (child.exitCode !== null) throw new Error(`child exited: ${err}`);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      return line ? JSON.parse(line) as { dirs: string[]; pids: number[] } : null;
    }, 120_000);
    for (const d of info.dirs) expect(fs.existsSync(d)).toBe(true);
    for (const p of info.pids) expect(alive(p)).toBe(true);
    child.kill('SIGKILL');
    await waitFor('both servers\' process groups to be gone', () => info.pids.every((p) => groupMembers(p).length === 0), 60_000);
    await waitFor('both folders to be removed', () => info.dirs.every((d) => !fs.existsSync(d)), 30_000);
  }, 180_000);
});
