// Issue 9, finding 1: a module that finishes while another command holds
// the output (a FETCH in the middle of a literal the client has not read
// yet) must not write into that literal. Its reply waits until the output is
// free, as Dovecot's own commands do.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModules, USERS, waitFor, type ModuleEntry } from './fixture/index.js';
import { listProcs } from '../support/procs.mjs';
import { parseTagged, parseXexecData, stripTiming, type ImapClient } from './imap-client.js';
import { expectNoop, itStopsCleanly, marker, useServer } from './helpers.js';
import { ownModule } from './hardening/stage.js';

const server = useServer({
  modules: (dir: string): ModuleEntry[] => [
    ...defaultModules(dir),
    ownModule(dir, 'waitgo', 'waitgo.sh'),
  ],
});

// Far more than the loopback connection can hold while the client does not
// read (the server's send buffer grows to tcp_wmem's 4 MiB at most, the
// unread receive buffer stays small), so FETCH must stop inside the literal.
const MESSAGE_SIZE = 8 * 1024 * 1024;

/** A message of `size` bytes, CRLF lines of varied printable text. */
function bigMessage(size: number): Buffer {
  const head = 'From: a@example.org\r\nTo: alice@example.com\r\nSubject: big\r\n\r\n';
  const lines: string[] = [head];
  let used = head.length;
  for (let i = 0; used < size; i++) {
    const line = `${i} ${'abcdefghijklmnopqrstuvwxyz0123456789'.slice(i % 30)}${'x'.repeat(i % 50)}\r\n`;
    lines.push(line);
    used += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size - 2);
}

let stored: Buffer | null = null;

/** Logs alice in with the big message as INBOX's message 1, INBOX selected. */
async function session(): Promise<ImapClient> {
  const c = await server().login(USERS.alice);
  if (!stored) {
    stored = Buffer.concat([bigMessage(MESSAGE_SIZE), Buffer.from('\r\n')]);
    const r = await c.command(Buffer.concat([Buffer.from(`APPEND INBOX {${stored.length}+}\r\n`), stored]));
    expect(r.status, r.text).toBe('OK');
  }
  const sel = await c.command('SELECT INBOX');
  expect(sel.status, sel.text).toBe('OK');
  return c;
}

/** Recv-Q and Send-Q of the TCP socket from local port `from` to peer port `to`. */
function queues(from: number, to: number): { recv: number; send: number } | null {
  const r = spawnSync('ss', ['-tnH', 'state', 'established'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`ss (iproute2) could not list the sockets: ${r.error?.message ?? r.stderr}`);
  const out = r.stdout;
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length >= 4 && f[2]!.endsWith(`:${from}`) && f[3]!.endsWith(`:${to}`)) {
      return { recv: Number(f[0]), send: Number(f[1]) };
    }
  }
  return null;
}

/** The pid of the module process that carries `m` on its command line. */
async function modulePid(m: string): Promise<number> {
  const p = await waitFor(`the module with ${m}`, () => listProcs().find((x) => x.cmdline.includes(m) &&
    x.cmdline.includes('waitgo.sh')));
  return p.pid;
}

/**
 * With the client not reading: waits until FETCH has begun its literal and
 * cannot have finished it (what the kernel holds is less than the literal),
 * then lets the modules finish and waits until the imap process has reaped
 * them, which is where it handles their end (child-wait calls back from its
 * waitpid loop).
 */
async function finishModulesDuringFetch(c: ImapClient, go: string, pids: number[]): Promise<void> {
  const s = server();
  const local = c.socket.localPort!;
  const q = await waitFor('FETCH output to reach the client', () => {
    const cl = queues(local, s.imapPort);
    const sv = queues(s.imapPort, local);
    return cl && sv && cl.recv > 0 ? { cl, sv } : null;
  });
  expect(q.cl.recv + q.sv.send).toBeLessThan(MESSAGE_SIZE);
  fs.writeFileSync(go, '');
  for (const pid of pids) await waitFor(`module ${pid} to be reaped`, () => !fs.existsSync(`/proc/${pid}`));
}

/** Reads lines until every tag in `tags` has its tagged reply; returns all lines. */
async function readUntilTagged(c: ImapClient, tags: string[]): Promise<Buffer[]> {
  const lines: Buffer[] = [];
  const left = new Set(tags);
  while (left.size > 0) {
    const l = await c.readLine();
    lines.push(l);
    const tag = l.toString('latin1').split(' ')[0]!;
    left.delete(tag);
  }
  return lines;
}

/** Checks the one FETCH response: BODY[] is a literal byte-identical to the stored message. */
function expectFetchIntact(lines: Buffer[]): void {
  const fetches = lines.filter((l) => l.toString('latin1').startsWith('* 1 FETCH '));
  expect(fetches).toHaveLength(1);
  const f = fetches[0]!;
  const m = /^\* 1 FETCH \(BODY\[\] \{(\d+)\}\r\n/.exec(f.subarray(0, 64).toString('latin1'));
  expect(m).not.toBeNull();
  const start = m![0].length;
  expect(Number(m![1])).toBe(stored!.length);
  const literal = f.subarray(start, start + stored!.length);
  // Not toEqual on 8 MB: report where it differs.
  const diff = literal.findIndex((b, i) => b !== stored![i]);
  expect(diff).toBe(-1);
  expect(f.subarray(start + stored!.length).toString('latin1')).toBe(')');
}

/** The reply of XEXEC `tag` is a contiguous block: human lines, data line, tagged OK. */
function expectXexecBlock(lines: Buffer[], tag: string, expected: string[]): void {
  const end = lines.findIndex((l) => l.toString('latin1').startsWith(tag + ' '));
  expect(end).toBeGreaterThanOrEqual(expected.length + 1);
  const block = lines.slice(end - expected.length - 1, end + 1).map((l) => l.toString('utf8'));
  expect(block.slice(0, expected.length)).toEqual(expected.map((e) => `* OK ${e}`));
  expect(parseXexecData(Buffer.from(block[expected.length]!)).items.map(String)).toEqual(expected);
  expect(parseTagged(block[expected.length + 1]!.slice(tag.length + 1))).toMatchObject({ ok: true });
}

describe('a module that finishes while FETCH holds the output (issue 9, finding 1)', () => {
  it('XEXEC + FETCH BODY.PEEK[] pipelined, not read: the literal is intact, the reply follows it', async () => {
    const c = await session();
    const m = marker('lock1');
    const go = path.join(server().dir, `go-${m}`);
    c.socket.pause();
    c.send(`x1 XEXEC waitgo ${m} ${go} alpha "beta gamma"\r\nf1 FETCH 1 BODY.PEEK[]\r\n`);
    const pid = await modulePid(m);
    await finishModulesDuringFetch(c, go, [pid]);
    c.socket.resume();
    const lines = await readUntilTagged(c, ['x1', 'f1']);
    expectFetchIntact(lines);
    expectXexecBlock(lines, 'x1', ['alpha', 'beta gamma']);
    // Nothing of the reply may come before the FETCH response.
    const fetchAt = lines.findIndex((l) => l.toString('latin1').startsWith('* 1 FETCH '));
    expect(fetchAt).toBe(0);
    expect(stripTiming(lines.find((l) => l.toString('latin1').startsWith('f1 '))!.toString())).toMatch(/^f1 OK /);
    await expectNoop(c);
    expect(server().readLog()).not.toMatch(/Panic|Fatal/);
    await c.logout();
  });

  it('two XEXECs pipelined before the FETCH: both replies whole, after the literal', async () => {
    const c = await session();
    const m1 = marker('lock2a');
    const m2 = marker('lock2b');
    const go = path.join(server().dir, `go-${m1}`);
    c.socket.pause();
    c.send(`x1 XEXEC waitgo ${m1} ${go} one\r\nx2 UID XEXEC waitgo ${m2} ${go} two three\r\nf1 FETCH 1 BODY.PEEK[]\r\n`);
    const pids = [await modulePid(m1), await modulePid(m2)];
    await finishModulesDuringFetch(c, go, pids);
    c.socket.resume();
    const lines = await readUntilTagged(c, ['x1', 'x2', 'f1']);
    expect(lines[0]!.toString('latin1')).toMatch(/^\* 1 FETCH /);
    expectFetchIntact(lines);
    expectXexecBlock(lines, 'x1', ['one']);
    expectXexecBlock(lines, 'x2', ['two', 'three']);
    await expectNoop(c);
    expect(server().readLog()).not.toMatch(/Panic|Fatal/);
    await c.logout();
  });

  it('IDLE pipelined behind XEXEC and FETCH: literal intact, XEXEC answered, then IDLE works', async () => {
    const c = await session();
    const m = marker('lock3');
    const go = path.join(server().dir, `go-${m}`);
    c.socket.pause();
    c.send(`x1 XEXEC waitgo ${m} ${go} idle-line\r\nf1 FETCH 1 BODY.PEEK[]\r\ni1 IDLE\r\n`);
    const pid = await modulePid(m);
    await finishModulesDuringFetch(c, go, [pid]);
    c.socket.resume();
    const lines = await readUntilTagged(c, ['x1', 'f1']);
    expectFetchIntact(lines);
    expectXexecBlock(lines, 'x1', ['idle-line']);
    const idling = await c.readLine();
    expect(idling.toString('latin1')).toMatch(/^\+ /);
    c.send('DONE\r\n');
    const done = await c.readLine();
    expect(done.toString('latin1')).toMatch(/^i1 OK /);
    await expectNoop(c);
    expect(server().readLog()).not.toMatch(/Panic|Fatal/);
    await c.logout();
  });

  it('the client disconnects while the reply waits for the output: no reply, no crash', async () => {
    const c = await session();
    const m = marker('lock4');
    const go = path.join(server().dir, `go-${m}`);
    c.socket.pause();
    c.send(`x1 XEXEC waitgo ${m} ${go} gone\r\nf1 FETCH 1 BODY.PEEK[]\r\n`);
    const pid = await modulePid(m);
    await finishModulesDuringFetch(c, go, [pid]);
    c.close();
    await c.waitClosed();
    // The session is gone: a new one works and the log stays clean.
    const d = await session();
    await expectNoop(d);
    await d.logout();
    expect(server().readLog()).not.toMatch(/Panic|Fatal/);
  });
});

itStopsCleanly(server);
