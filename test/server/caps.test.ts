// Issue 9, finding 5 (plugin part): caps on modules running at once, per
// imap process (xexec_max_per_process) and per user over all sessions
// (xexec_max_per_user), refused with NO [XEXEC-BUSY]; and RLIMIT_CPU for
// modules (xexec_cpu_limit), so a module cannot burn a CPU for its whole
// timeout.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModules, isDovecot24, USERS, waitFor, type ModuleEntry } from './fixture/index.js';
import { listProcs } from '../support/procs.mjs';
import type { ImapClient } from './imap-client.js';
import { expectNoop, itStopsCleanly, marker, useServer, xexec } from './helpers.js';
import { ownModule } from './hardening/stage.js';

// Lower than the defaults (2 per user, 8 per process, 30 s) so that both
// caps can be reached one at a time: a process (one session) stops at 2, the
// user (two sessions) at 3.
function capsConfig(): string {
  const keys = 'xexec_max_per_user = 3\nxexec_max_per_process = 2\nxexec_cpu_limit = 1s\n';
  return isDovecot24() ? keys : `plugin {\n${keys}}\n`;
}

const server = useServer({
  timeout: '20s',
  modules: (dir: string): ModuleEntry[] => [
    ...defaultModules(dir),
    ownModule(dir, 'waitgo', 'waitgo.sh'),
    ownModule(dir, 'burn', 'burn.sh'),
  ],
  extraConfig: capsConfig(),
});

const USER = USERS.dave;

/** Starts `XEXEC waitgo` (tag t) and waits until its module runs. */
async function startWaiting(c: ImapClient, tag: string, go: string): Promise<string> {
  const m = marker(tag);
  c.send(`${tag} XEXEC waitgo ${m} ${go} ${tag}-done\r\n`);
  await waitFor(`module ${m}`, () => listProcs().some((p) => p.cmdline.includes(m)));
  return m;
}

/** Reads until every tag has its tagged reply (in any order); returns them by tag. */
async function tagged(c: ImapClient, ...tags: string[]): Promise<Record<string, string>> {
  const got: Record<string, string> = {};
  while (Object.keys(got).length < tags.length) {
    const l = (await c.readLine()).toString('utf8');
    const t = tags.find((x) => l.startsWith(`${x} `));
    if (t) got[t] = l;
  }
  return got;
}

describe('caps on running modules (issue 9, finding 5)', () => {
  it('per process: a third module while two run -> NO [XEXEC-BUSY]; afterwards it runs', async () => {
    const go = path.join(server().dir, `go-${marker('proc')}`);
    const c = await server().login(USER);
    await startWaiting(c, 'w1', go);
    await startWaiting(c, 'w2', go);
    const r = await xexec(c, 'XEXEC echoargs 61', { tag: 'b1' });
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-BUSY' });
    expect(r.tagged.message).toBe('Too many modules are running in this server process (2 at most); try again when one has finished');
    expect(r.dataLine.toString()).toBe('* XEXEC echoargs ()');
    fs.writeFileSync(go, '');
    const done = await tagged(c, 'w1', 'w2');
    expect(done.w1).toMatch(/^w1 OK /);
    expect(done.w2).toMatch(/^w2 OK /);
    const ok = await xexec(c, 'XEXEC echoargs 61');
    expect(ok.tagged.ok).toBe(true);
    await expectNoop(c);
    await c.logout();
  });

  it('per user, over sessions: 2 in one session + 1 in another, then the fourth -> NO [XEXEC-BUSY]', async () => {
    const go = path.join(server().dir, `go-${marker('user')}`);
    const a = await server().login(USER);
    const b = await server().login(USER);
    await startWaiting(a, 'a1', go);
    await startWaiting(a, 'a2', go);
    await startWaiting(b, 'b1', go);
    const r = await xexec(b, 'XEXEC echoargs 62', { tag: 'b2' });
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-BUSY' });
    expect(r.tagged.message).toBe('Too many modules are running for this user (3 at most); try again when one has finished');
    // Another user is not affected.
    const other = await server().login(USERS.carol);
    expect((await xexec(other, 'XEXEC echoargs 63')).tagged.ok).toBe(true);
    await other.logout();
    fs.writeFileSync(go, '');
    const doneA = await tagged(a, 'a1', 'a2');
    const doneB = await tagged(b, 'b1');
    expect([doneA.a1, doneA.a2, doneB.b1].map((l) => l!.split(' ')[1])).toEqual(['OK', 'OK', 'OK']);
    expect((await xexec(b, 'XEXEC echoargs 64')).tagged.ok).toBe(true);
    await a.logout();
    await b.logout();
  });

  it('a session that ends frees its slots: its killed modules no longer count', async () => {
    const go = path.join(server().dir, `go-${marker('free')}`);
    const a = await server().login(USER);
    const m1 = await startWaiting(a, 'k1', go);
    const m2 = await startWaiting(a, 'k2', go);
    a.close();
    await waitFor('the modules to be gone', () => !listProcs().some((p) => p.cmdline.includes(m1) || p.cmdline.includes(m2)));
    // The ending imap process lets go of a slot once the module's group is gone.
    const slots = path.join(server().home(USER), '.xexec-slots');
    await waitFor('every slot to be free', () => fs.readdirSync(slots).every((f) =>
      spawnSync('flock', ['-n', path.join(slots, f), 'true']).status === 0));
    const b = await server().login(USER);
    const go2 = path.join(server().dir, `go-${marker('free2')}`);
    await startWaiting(b, 'n1', go2);
    await startWaiting(b, 'n2', go2);
    fs.writeFileSync(go2, '');
    const done = await tagged(b, 'n1', 'n2');
    expect(done.n1).toMatch(/^n1 OK /);
    expect(done.n2).toMatch(/^n2 OK /);
    await b.logout();
  });
});

describe('RLIMIT_CPU (issue 9, finding 5)', () => {
  it('a module that burns CPU is stopped by its CPU limit (SIGXCPU), not by the 20 s timeout', async () => {
    const c = await server().login(USER);
    const r = await xexec(c, 'XEXEC burn');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-SIGNAL', detail: 24 });
    await expectNoop(c);
    await c.logout();
  });
});

itStopsCleanly(server);
