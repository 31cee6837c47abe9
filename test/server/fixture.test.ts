// The fixture itself: a server is cleaned up even when the test process dies,
// imap really runs under valgrind in valgrind mode, and the valgrind log
// check catches real errors (and a process that never finished).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dovecotWhich, loginLogPattern, startServer, waitFor } from './fixture/index.js';
import { FIXTURE_DIR, REPO_DIR, valgrindCommand, VALGRIND_ERROR_EXITCODE } from './fixture/config.js';
import { ensurePlugin } from './fixture/build.js';
import { listProcs } from '../support/procs.mjs';
import { readValgrindLogs, valgrindProblems } from './fixture/valgrind.js';
import { hex, marker, xexec } from './helpers.js';

interface ChildInfo {
  dir: string;
  masterPid: number;
  procs: Array<{ pid: number; start: string }>;
  replies: Record<string, string>;
}

const children = new Set<ChildProcess>();
// Every outcome: a child still running after its test (failed, timed out) is killed here, and
// then cleans up through its watchdog like in the tests below. It would also notice that this
// process is gone (it polls its parent) if this one died first.
afterEach(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

/** Starts selftest/child.ts of `checkout`, which starts a server and a module, and returns what it started. */
async function startChild(mark: string, checkout = REPO_DIR) {
  const child = spawn(path.join(REPO_DIR, 'node_modules/.bin/vite-node'),
    [path.join(checkout, 'test/server/fixture/selftest/child.ts'), mark, String(process.pid)],
    { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const info = await waitFor('the child to report its server', () => {
    if (child.exitCode !== null) throw new Error(`child exited: ${err}`);
    const line = out.split('\n').find((l) => l.startsWith('{'));
    return line ? JSON.parse(line) as ChildInfo : null;
  }, 120_000);
  return { child, info };
}

function alive(procs: ChildInfo['procs']): number[] {
  const now = new Map(listProcs().map((p) => [p.pid, p.start]));
  return procs.filter((p) => now.get(p.pid) === p.start).map((p) => p.pid);
}

async function expectCleanedUp(info: ChildInfo, mark: string): Promise<void> {
  await waitFor('every process of the dead test\'s server to be gone', () =>
    alive(info.procs).length === 0 && !listProcs().some((p) => p.cmdline.includes(mark)), 60_000);
  await waitFor('its temp dir to be removed', () => !fs.existsSync(info.dir), 30_000);
}

describe('cleanup when the test process dies', () => {
  for (const sig of ['SIGKILL', 'SIGTERM'] as const) {
    it(`${sig}: Dovecot, its children and a running module are gone, the temp dir removed`, async () => {
      const mark = marker(`die-${sig}`);
      const { child, info } = await startChild(mark);
      expect(info.procs.map((p) => p.pid)).toContain(info.masterPid);
      expect(listProcs().filter((p) => p.cmdline.includes(mark)).length).toBeGreaterThanOrEqual(2);
      expect(fs.existsSync(info.dir)).toBe(true);
      child.kill(sig);
      await expectCleanedUp(info, mark);
    });
  }
});

describe('a checkout under a 0700 folder', () => {
  let parent: string | undefined;
  afterEach(() => { if (parent) fs.rmSync(parent, { recursive: true, force: true }); });

  it('runs a server with the reference and test modules; its watchdog cleans up after the checkout is deleted', async () => {
    ensurePlugin(); // the copy then finds it current
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-checkout-'));
    expect(fs.statSync(parent).mode & 0o777).toBe(0o700);
    const checkout = path.join(parent, 'repo');
    // What the fixture needs, timestamps kept (so the built plugin is not stale in the copy).
    for (const p of ['package.json', 'tsconfig.json', 'server', 'test/server', 'test/support', 'test/vectors',
      'scripts/in-root.sh', 'scripts/debian-root.sh']) {
      fs.cpSync(path.join(REPO_DIR, p), path.join(checkout, p), { recursive: true, preserveTimestamps: true });
    }
    fs.symlinkSync(path.join(REPO_DIR, 'node_modules'), path.join(checkout, 'node_modules'));
    const mark = marker('checkout0700');
    const { child, info } = await startChild(mark, checkout);
    expect(info.replies['XEXEC echoargs x']).toMatch(/^\* OK 78\n\* XEXEC echoargs \("78"\)\nOK /);
    expect(info.replies['XEXEC blacklist add spam@example.com']).toMatch(/\nOK /);
    expect(info.replies['XEXEC blacklist list']).toMatch(/^\* OK spam@example\.com\n/);
    // Nothing of the server refers to the checkout: it may go away.
    expect(fs.readFileSync(path.join(info.dir, 'dovecot.conf'), 'utf8')).not.toContain(checkout);
    fs.rmSync(parent, { recursive: true, force: true });
    child.kill('SIGKILL');
    await expectCleanedUp(info, mark);
  }, 180_000);
});

describe('stop()', () => {
  it('finds and kills a module orphaned by a killed imap process (by its working directory, also in the root)', async () => {
    const s = await startServer({ valgrind: false, timeout: '600s' });
    const mark = marker('orphan');
    try {
      const c = await s.login();
      c.send(`z1 XEXEC sleep ${mark}\r\n`);
      await waitFor('the module', () => listProcs().some((p) => p.cmdline.includes(`${mark}-child`)));
      const mpid = Number(loginLogPattern().exec(s.readLog())?.[1]);
      process.kill(mpid, 'SIGKILL');
      await c.waitClosed();
      // Its parent is gone: only the working directory (a home in the temp dir) ties it to the server.
      await waitFor('the module to be orphaned', () => {
        const left = listProcs().filter((p) => p.cmdline.includes(mark));
        return left.length > 0 && left.every((p) => !s.processes().some((q) => q.pid === p.ppid && q.pid !== p.pid && q.cmdline.includes('imap'))) ? left : null;
      });
      // The instance's processes first, then what of the module still lives: the module's shell
      // may still be ending (the imap process's death signal), its detached child stays.
      const found = s.processes().map((p) => p.pid);
      const living = listProcs().filter((p) => p.cmdline.includes(mark));
      expect(living.some((p) => p.cmdline.includes(`${mark}-child`))).toBe(true);
      expect(found).toEqual(expect.arrayContaining(living.map((p) => p.pid)));
    } finally {
      await s.stop();
    }
    expect(listProcs().filter((p) => p.cmdline.includes(mark))).toEqual([]);
  });
});

describe('the server log check', () => {
  it('a crashed imap process fails assertLogClean()', async () => {
    const s = await startServer({ valgrind: false });
    try {
      const c = await s.login();
      const mpid = Number(await waitFor('the login line', () => loginLogPattern().exec(s.readLog())?.[1]));
      expect(() => s.assertLogClean()).not.toThrow();
      process.kill(mpid, 'SIGSEGV');
      await c.waitClosed();
      await waitFor('the master to log the crash', () => /killed with signal 11/.test(s.readLog()));
      expect(() => s.assertLogClean()).toThrow(/child \d+ killed with signal 11/);
    } finally {
      await s.stop();
    }
  });
});

describe('valgrind mode', () => {
  if (dovecotWhich() === 'other') {
    it('is refused for the other release\'s Dovecot, with a sentence saying so', async () => {
      await expect(startServer({ valgrind: true })).rejects.toThrow(/valgrind runs only with the native Dovecot/);
    });
    return;
  }
  it('imap runs under valgrind, its logs are kept after stop and judged clean', async () => {
    const s = await startServer({ valgrind: true });
    try {
      const c = await s.login();
      const r = await xexec(c, 'XEXEC echoargs x');
      expect(r.lines).toEqual([hex('x')]);
      await c.logout();
    } finally {
      await s.stop();
    }
    // The imap process of that session (mpid in the login line) wrote a complete log.
    const mpid = Number(loginLogPattern().exec(s.readLog())?.[1]);
    const log = s.valgrindLogs().find((l) => l.pid === mpid);
    expect(log?.text).toContain('Command: /usr/lib/dovecot/imap');
    expect(log?.errors).toBe(0);
    s.assertValgrindClean();
    s.assertLogClean();
  });
});

describe('the valgrind log check', () => {
  let dir: string;
  let prog: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xexec-vgcheck-'));
    prog = path.join(dir, 'vgprog');
    const cc = spawnSync('gcc', ['-O0', '-g', '-o', prog, path.join(FIXTURE_DIR, 'selftest/vgprog.c')], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
  });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  /** Runs vgprog under exactly the valgrind command line the fixture gives imap. */
  function run(mode: string) {
    const logDir = fs.mkdtempSync(path.join(dir, `${mode}-`));
    const r = spawnSync('/bin/sh', ['-c', `${valgrindCommand(logDir, prog)} ${mode}`], { encoding: 'utf8' });
    return { status: r.status, problems: valgrindProblems(readValgrindLogs(logDir)), logs: readValgrindLogs(logDir) };
  }

  it('a clean program passes', () => {
    const r = run('clean');
    expect(r.status).toBe(0);
    expect(r.logs).toHaveLength(1);
    expect(r.problems).toEqual([]);
  });

  it('a real memory error fails it (and sets the exit code the log check looks for)', () => {
    const r = run('bug');
    expect(r.status).toBe(VALGRIND_ERROR_EXITCODE);
    expect(r.problems.join('\n')).toMatch(/ERROR SUMMARY: [1-9]/);
    expect(r.problems.join('\n')).toMatch(/Conditional jump|Invalid write/);
  });

  it('a forked child that execs another program is not counted as unfinished', () => {
    const r = run('fork');
    expect(r.logs).toHaveLength(2);
    expect(r.problems).toEqual([]);
  });

  it('an error in a forked child before exec fails it', () => {
    const r = run('forkbug');
    expect(r.problems.join('\n')).toMatch(/Invalid write/);
  });

  it('a process killed before valgrind could write its summary fails it', async () => {
    const logDir = fs.mkdtempSync(path.join(dir, 'sleep-'));
    const p = spawn('/bin/sh', ['-c', `exec ${valgrindCommand(logDir, prog)} sleep`], { stdio: 'ignore' });
    await waitFor('the valgrind log', () => readValgrindLogs(logDir).some((l) => l.text.includes('Parent PID')));
    const exited = new Promise((r) => p.on('exit', r));
    p.kill('SIGKILL');
    await exited;
    expect(valgrindProblems(readValgrindLogs(logDir)).join('\n')).toMatch(/no ERROR SUMMARY/);
  });
});
