// Issue 9, finding 4 (plugin part): a module that the server stops (timeout,
// output limit, client disconnect) gets SIGTERM first, so its cleanup traps
// run, and SIGKILL only after a grace period. With SIGKILL alone, the
// reference modules left a copy of every list or every password hash behind
// for each cut-off command.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModules, isDovecot24, USERS, waitFor, type ModuleEntry } from './fixture/index.js';
import { listProcs } from '../support/procs.mjs';
import type { ImapClient } from './imap-client.js';
import { expectNoop, itStopsCleanly, marker, useServer, xexec } from './helpers.js';
import { ownModule } from './hardening/stage.js';

const server = useServer({
  timeout: '2s',
  outputLimit: '1M',
  modules: (dir: string): ModuleEntry[] => [...defaultModules(dir), ownModule(dir, 'trapper', 'trapper.sh')],
  // Ten sessions in a row, each with a module still ending: above the default cap of 2.
  extraConfig: isDovecot24() ? 'xexec_max_per_user = 20\n' : 'plugin {\n  xexec_max_per_user = 20\n}\n',
});

const USER = USERS.carol;

/** A file in the user's home that the module creates and its SIGTERM trap removes. */
function tempFile(m: string): string {
  return path.join(server().home(USER), `trap-${m}`);
}

/** The process group of the running trapper with marker m (waits until it runs and made its file). */
async function groupOf(m: string): Promise<number> {
  const p = await waitFor(`trapper ${m}`, () => listProcs().find((x) => x.cmdline.includes(m) && x.cmdline.includes('trapper.sh')));
  await waitFor(`the file of ${m}`, () => fs.existsSync(tempFile(m)));
  return p.pgid;
}

async function expectGroupGone(pgid: number): Promise<void> {
  await waitFor(`process group ${pgid} to be gone`, () => !listProcs().some((p) => p.pgid === pgid));
}

async function session(): Promise<ImapClient> {
  return server().login(USER);
}

describe('SIGTERM first, so cleanup traps run (issue 9, finding 4)', () => {
  it('timeout: NO [XEXEC-TIMEOUT 2]; the trap removed its file', async () => {
    const c = await session();
    const m = marker('term-timeout');
    const pending = xexec(c, `XEXEC trapper ${m} ${tempFile(m)}`);
    const pgid = await groupOf(m);
    const r = await pending;
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-TIMEOUT', detail: 2 });
    await expectGroupGone(pgid);
    expect(fs.existsSync(tempFile(m))).toBe(false);
    await expectNoop(c);
    await c.logout();
  });

  it('output limit: NO [XEXEC-LIMIT]; the trap removed its file', async () => {
    const c = await session();
    const m = marker('term-limit');
    const r = await xexec(c, `XEXEC trapper ${m} ${tempFile(m)} --flood`);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-LIMIT' });
    await waitFor(`every process of ${m} to be gone`, () => !listProcs().some((p) => p.cmdline.includes(m)));
    await waitFor('no yes(1) of the flood left', () => !server().processes().some((p) => p.cmdline.includes('flooding the reply')));
    expect(fs.existsSync(tempFile(m))).toBe(false);
    await expectNoop(c);
    await c.logout();
  });

  it('client disconnect: the trap removed its file before the imap process ended', async () => {
    const c = await session();
    const m = marker('term-disconnect');
    c.send(`d1 XEXEC trapper ${m} ${tempFile(m)}\r\n`);
    const pgid = await groupOf(m);
    c.close();
    await expectGroupGone(pgid);
    expect(fs.existsSync(tempFile(m))).toBe(false);
  });

  it('ten disconnects in a row leave no file behind', async () => {
    const ms: string[] = [];
    const groups: number[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await session();
      const m = marker(`term-many-${i}`);
      c.send(`d1 XEXEC trapper ${m} ${tempFile(m)}\r\n`);
      groups.push(await groupOf(m));
      ms.push(m);
      c.close();
    }
    for (const g of groups) await expectGroupGone(g);
    expect(ms.filter((m) => fs.existsSync(tempFile(m)))).toEqual([]);
  });
});

describe('SIGKILL after the grace period', () => {
  it('timeout: a module that ignores SIGTERM is killed all the same', async () => {
    const c = await session();
    const m = marker('kill-timeout');
    const pending = xexec(c, `XEXEC trapper ${m} ${tempFile(m)} --ignore-term`);
    const pgid = await groupOf(m);
    const r = await pending;
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-TIMEOUT', detail: 2 });
    await expectGroupGone(pgid);
    // It ignored SIGTERM, so its trap never ran: SIGKILL ended it.
    expect(fs.existsSync(tempFile(m))).toBe(true);
    fs.rmSync(tempFile(m));
    await expectNoop(c);
    await c.logout();
  });

  it('disconnect: a module that ignores SIGTERM does not outlive the imap process', async () => {
    const c = await session();
    const m = marker('kill-disconnect');
    c.send(`d1 XEXEC trapper ${m} ${tempFile(m)} --ignore-term\r\n`);
    const pgid = await groupOf(m);
    c.close();
    await expectGroupGone(pgid);
    fs.rmSync(tempFile(m));
    const d = await session();
    await expectNoop(d);
    await d.logout();
  });
});

itStopsCleanly(server);
