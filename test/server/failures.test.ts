// Failures (PROTOCOL.md §3.2, §4.3): every one is answered in the documented
// form, kills what it has to, and leaves the session usable.
import { describe, expect, it } from 'vitest';
import { defaultModules, USERS, waitFor, type ModuleEntry } from './fixture/index.js';
import { TEST_MODULE_DIR } from './fixture/config.js';
import { listProcs } from '../support/procs.mjs';
import type { ImapClient } from './imap-client.js';
import { expectNoop, hex, itStopsCleanly, marker, useServer, xexec } from './helpers.js';

const server = useServer({
  timeout: '2s',
  outputLimit: '1M',
  modules: (dir: string): ModuleEntry[] => [
    ...defaultModules(dir),
    { name: 'broken', command: '/nonexistent/xexec-module %u' },
    { name: 'noexec', command: '/etc/hostname %u' },
  ],
});

const enc = (s: string) => '~' + Buffer.from(s, 'utf8').toString('base64url');

async function session(): Promise<ImapClient> {
  return server().login(USERS.bob);
}

/** Processes whose command line carries the marker, with their process groups. */
function withMarker(m: string) {
  return listProcs().filter((p) => p.cmdline.includes(m) && !p.cmdline.includes('pgrep'));
}

/** Waits until the module and its background child run; returns their process groups. */
async function runningGroups(m: string): Promise<number[]> {
  const procs = await waitFor(`processes with ${m}`, () => {
    const p = withMarker(m);
    return p.length >= 2 ? p : null;
  });
  return [...new Set(procs.map((p) => p.pgid))];
}

async function expectGone(m: string, groups: number[]): Promise<void> {
  await waitFor(`every process of ${m} to be gone`, () =>
    withMarker(m).length === 0 && !listProcs().some((p) => groups.includes(p.pgid)), 20_000);
}

describe('names', () => {
  it('an unknown module -> NO [XEXEC-UNKNOWN], data line with the name lower-cased', async () => {
    const c = await session();
    const r = await xexec(c, 'XEXEC nosuch arg');
    expect(r.human).toEqual([]);
    expect(r.dataLine.toString()).toBe('* XEXEC nosuch ()');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-UNKNOWN', message: 'Unknown module nosuch' });
    const u = await xexec(c, 'UID XEXEC NoSuch');
    expect(u.dataLine.toString()).toBe('* XEXEC nosuch ()');
    expect(u.tagged).toMatchObject({ ok: false, code: 'XEXEC-UNKNOWN' });
    await expectNoop(c);
    await c.logout();
  });

  it('path-like names never reach the file system', async () => {
    const c = await session();
    for (const name of ['../echoargs', '/bin/sh', `${TEST_MODULE_DIR}/echoargs.sh`, 'echoargs.sh', 'echoargs/',
      '.', '..', 'echo\\\\args', './echoargs', 'echoargs ']) {
      const r = await xexec(c, `UID XEXEC "${name}" x`);
      expect(r.tagged, name).toMatchObject({ ok: false, code: 'XEXEC-UNKNOWN' });
      expect(r.dataLine.toString(), name).toBe('* XEXEC "" ()');
    }
    await expectNoop(c);
    await c.logout();
  });

  it('a name with CR LF (in a literal) cannot inject a response line', async () => {
    const c = await session();
    const r = await xexec(c, 'XEXEC {15}\r\nx\r\n* BYE evil\r\n arg');
    expect(r.response.untagged).toHaveLength(1);
    expect(r.dataLine.toString()).toBe('* XEXEC "" ()');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-UNKNOWN' });
    expect(r.response.tagged.toString('latin1')).not.toMatch(/[\x00-\x1f]/);
    await expectNoop(c);
    await c.logout();
  });

  it('a module that cannot be started -> NO [XEXEC-UNAVAILABLE] with the server\'s sentence', async () => {
    const c = await session();
    for (const name of ['broken', 'noexec']) {
      const r = await xexec(c, `XEXEC ${name}`);
      expect(r.dataLine.toString()).toBe(`* XEXEC ${name} ()`);
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-UNAVAILABLE', message: `Module ${name} is not available` });
    }
    await expectNoop(c);
    await c.logout();
  });
});

describe('NUL and IMAP syntax', () => {
  it('NUL in an encoded argument or a literal -> NO [XEXEC-BADARGS]', async () => {
    const c = await session();
    for (const arg of [Buffer.from('~YQBi'), Buffer.from('{3}\r\na\0b'), Buffer.from('{3+}\r\na\0b'), Buffer.from('{1}\r\n\0')]) {
      const r = await xexec(c, Buffer.concat([Buffer.from('XEXEC echoargs ok '), arg]));
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-BADARGS' });
      expect(r.tagged.message).toMatch(/^Argument 2\b/);
      expect(r.dataLine.toString()).toBe('* XEXEC echoargs ()');
      await expectNoop(c);
    }
    await c.logout();
  });

  it('what IMAP cannot parse gets a plain BAD; the session goes on', async () => {
    const c = await session();
    for (const cmd of [Buffer.from('XEXEC echoargs "a\0b"'), Buffer.from('XEXEC echoargs "unterminated')]) {
      const r = await c.command(cmd);
      expect(r.status).toBe('BAD');
      expect(r.untagged).toEqual([]);
      await expectNoop(c);
    }
    await c.logout();
  });
});

describe('module failures', () => {
  it('exit status n -> NO [XEXEC-EXIT n] with the last stderr line; stdout lines are sent', async () => {
    const c = await session();
    const r = await xexec(c, 'XEXEC fail 3');
    expect(r.human.map(String)).toEqual(['* OK fail stdout 1', '* OK fail stdout 2']);
    expect(r.dataLine.toString()).toBe('* XEXEC fail ("fail stdout 1" "fail stdout 2")');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-EXIT', detail: 3, message: 'fail stderr last' });
    await expectNoop(c);
    await c.logout();
  });

  it('the message: last non-empty stderr line, else last non-empty stdout line, else the server\'s', async () => {
    const c = await session();
    const a = await xexec(c, 'XEXEC fail 1 --err=real "--err=" --out=out "--out="');
    expect(a.tagged).toMatchObject({ code: 'XEXEC-EXIT', detail: 1, message: 'real' });
    expect(a.lines).toEqual(['out', '']);
    const b = await xexec(c, 'XEXEC fail 4 --out=first --out=second "--out="');
    expect(b.tagged).toMatchObject({ code: 'XEXEC-EXIT', detail: 4, message: 'second' });
    const d = await xexec(c, 'XEXEC fail 255 "--out="');
    expect(d.tagged).toMatchObject({ code: 'XEXEC-EXIT', detail: 255 });
    expect(d.tagged.message).not.toBe('');
    await expectNoop(c);
    await c.logout();
  });

  it('the message is made safe: control bytes (0x00-0x1F, 0x7F) become ?', async () => {
    const c = await session();
    const r = await xexec(c, `XEXEC fail 2 ${enc('--err=a\tb\x1b[31mc\x7fd')}`);
    expect(r.tagged.code).toBe('XEXEC-EXIT');
    expect(Buffer.from(r.tagged.message).toString('hex')).toBe(Buffer.from('a?b?[31mc?d').toString('hex'));
    await expectNoop(c);
    await c.logout();
  });

  it('the message keeps at most 400 bytes, cut at a UTF-8 character boundary', async () => {
    const c = await session();
    const long = 'x' + 'é'.repeat(300);
    const t = await xexec(c, `XEXEC fail 2 ${enc('--err=' + long)}`);
    expect(t.tagged.code).toBe('XEXEC-EXIT');
    // Dovecot's str_sanitize() marks a cut with "..." (of which the timing
    // suffix then eats one "."); the kept bytes must still be a prefix.
    const m = /^(.*?)(\.\.)?$/s.exec(t.tagged.message)!;
    const kept = m[1] ?? '';
    expect(Buffer.byteLength(kept) + (m[2] ? 3 : 0)).toBeLessThanOrEqual(400);
    expect(Buffer.byteLength(kept)).toBeGreaterThanOrEqual(390);
    expect(long.startsWith(kept)).toBe(true);
    await expectNoop(c);
    await c.logout();
  });

  it('a crash -> NO [XEXEC-SIGNAL 11] with the module\'s message; its output is sent', async () => {
    const c = await session();
    const r = await xexec(c, 'XEXEC crash');
    expect(r.human.map(String)).toEqual(['* OK about to crash']);
    expect(r.dataLine.toString()).toBe('* XEXEC crash ("about to crash")');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-SIGNAL', detail: 11, message: 'crash stderr' });
    await expectNoop(c);
    await c.logout();
  });
});

describe('limits and kills', () => {
  it('timeout -> NO [XEXEC-TIMEOUT 2], no lines; the module and its background child are killed', async () => {
    const c = await session();
    const m = marker('timeout');
    const pending = xexec(c, `XEXEC sleep ${m}`);
    const groups = await runningGroups(m);
    const r = await pending;
    expect(r.human).toEqual([]);
    expect(r.dataLine.toString()).toBe('* XEXEC sleep ()');
    expect(r.tagged).toMatchObject({
      ok: false, code: 'XEXEC-TIMEOUT', detail: 2, message: 'Module sleep did not finish within 2 seconds',
    });
    await expectGone(m, groups);
    await expectNoop(c);
    await c.logout();
  });

  it('what a module leaves running in its group is killed when it exits', async () => {
    const c = await session();
    const m = marker('detach');
    const r = await xexec(c, `XEXEC sleep ${m} --detach`);
    expect(r.tagged.ok).toBe(true);
    expect(r.lines).toEqual([`started ${m}`]);
    await expectGone(m, []);
    await expectNoop(c);
    await c.logout();
  });

  it('20 MiB of output -> NO [XEXEC-LIMIT 1048576], no lines; the module is killed', async () => {
    const c = await session();
    const r = await xexec(c, 'XEXEC flood 20');
    expect(r.human).toEqual([]);
    expect(r.dataLine.toString()).toBe('* XEXEC flood ()');
    expect(r.tagged).toMatchObject({
      ok: false, code: 'XEXEC-LIMIT', detail: 1048576, message: 'Module flood wrote more than the reply limit of 1048576 bytes',
    });
    await waitFor('flood to be gone', () => !server().processes().some((p) => /flood\.sh|yes x{20}/.test(p.cmdline)));
    await expectNoop(c);
    await c.logout();
  });

  it('output just under the limit is not cut', async () => {
    const c = await session();
    // 30000 lines = 288894 bytes; the reply (the limit's measure, PROTOCOL.md
    // §4.4): 2 * 288894 + 30000 * 10 = 877788 bytes < 1 MiB
    const r = await xexec(c, 'XEXEC big 30000');
    expect(r.tagged.ok).toBe(true);
    expect(r.lines).toHaveLength(30000);
    expect(r.lines[29999]).toBe('line 30000');
    await c.logout();
  });

  it('client disconnect mid-run kills the module\'s group; the server keeps serving', async () => {
    const c = await session();
    const m = marker('disconnect');
    c.send(`d1 XEXEC sleep ${m}\r\n`);
    const groups = await runningGroups(m);
    c.close();
    await expectGone(m, groups);
    const c2 = await session();
    const r = await xexec(c2, `XEXEC echoargs ${hex('after')}`);
    expect(r.lines).toEqual([hex(hex('after'))]);
    await c2.logout();
  });

  it('LOGOUT pipelined behind a running XEXEC waits for its reply', async () => {
    const c = await session();
    c.send('l1 XEXEC big 3\r\nl2 LOGOUT\r\n');
    const lines: string[] = [];
    while (!lines.some((l) => l.startsWith('l2 '))) lines.push((await c.readLine()).toString());
    expect(lines.map((l) => l.replace(/ \(\d.*secs\)\.$/, ''))).toEqual([
      '* OK line 1', '* OK line 2', '* OK line 3', '* XEXEC big ("line 1" "line 2" "line 3")',
      'l1 OK command exited successfully', '* BYE Logging out', 'l2 OK Logout completed',
    ]);
    await c.waitClosed();
  });
});

itStopsCleanly(server);
