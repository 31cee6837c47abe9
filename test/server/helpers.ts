// Shared pieces of the server test files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { header, startServer, type Captured, type ServerOptions, type TestServer } from './fixture/index.js';
import { parseTagged, parseXexecData, type ImapClient, type Response, type Tagged, type XexecData } from './imap-client.js';

export const VECTORS = JSON.parse(fs.readFileSync(
  path.join(path.dirname(new URL(import.meta.url).pathname), '../vectors/protocol.json'), 'utf8'));

/** Starts a server for the file (beforeAll) and stops it at the end (afterAll, as a safety net). */
export function useServer(options: ServerOptions = {}): () => TestServer {
  let server: TestServer | undefined;
  beforeAll(async () => { server = await startServer(options); });
  afterAll(async () => { await server?.stop(); });
  return () => {
    if (!server) throw new Error('server did not start');
    return server;
  };
}

/**
 * The last test of every file: stop the server, then no process of it is
 * left, the log has no Panic/Fatal and, under valgrind, every imap process
 * reported "ERROR SUMMARY: 0 errors".
 */
export function itStopsCleanly(get: () => TestServer): void {
  const vg = process.env.XEXEC_VALGRIND === '1';
  it(`stops cleanly: no process left, no Panic/Fatal in the log${vg ? ', valgrind: 0 errors' : ''}`, async () => {
    const s = get();
    await s.stop();
    expect(s.processes()).toEqual([]);
    expect(fs.existsSync(s.dir)).toBe(s.options.keepDir ?? process.env.XEXEC_KEEP === '1');
    s.assertLogClean();
    expect(s.valgrind).toBe(vg);
    if (vg) s.assertValgrindClean();
  });
}

export interface XexecReply {
  response: Response;
  /** Tagged reply parsed (code, detail, message without the timing suffix). */
  tagged: Tagged;
  /** The "* OK ..." lines before the data line, raw. */
  human: Buffer[];
  /** The one data line, raw. */
  dataLine: Buffer;
  data: XexecData;
  /** The output lines as UTF-8 strings. */
  lines: string[];
}

const SYNC_LINE = /^\* (\d+ (EXISTS|RECENT|EXPUNGE|FETCH)|OK \[(HIGHESTMODSEQ|UIDNEXT|UIDVALIDITY)\b)/;

/**
 * Runs an XEXEC command and checks the reply shape of PROTOCOL.md §4: human
 * lines "* OK ...", then exactly one data line, then the tagged OK or NO
 * (only mailbox sync lines may follow the data line).
 */
export async function xexec(c: ImapClient, cmd: string | Buffer, opts: { tag?: string } = {}): Promise<XexecReply> {
  const response = await c.command(cmd, opts);
  const show = () => [...response.untagged, response.tagged].map((l) => l.toString('latin1')).join('\n');
  const dataIdx = response.untagged.findIndex((l) => l.subarray(0, 8).toString('latin1') === '* XEXEC ');
  if (dataIdx < 0) throw new Error(`no "* XEXEC" data line in:\n${show()}`);
  const human = response.untagged.slice(0, dataIdx);
  for (const h of human) {
    if (h.subarray(0, 5).toString('latin1') !== '* OK ') throw new Error(`unexpected line before the data line:\n${show()}`);
  }
  for (const l of response.untagged.slice(dataIdx + 1)) {
    if (!SYNC_LINE.test(l.toString('latin1'))) throw new Error(`unexpected line after the data line:\n${show()}`);
  }
  if (response.status === 'BAD') throw new Error(`XEXEC answered BAD:\n${show()}`);
  const dataLine = response.untagged[dataIdx]!;
  const data = parseXexecData(dataLine);
  return {
    response, tagged: parseTagged(response.text), human, dataLine, data,
    lines: data.items.map((b) => b.toString('utf8')),
  };
}

/** One command in a session of its own: log in as `user`, run it, log out. */
export async function xexecAs(s: TestServer, user: string, command: string): Promise<XexecReply> {
  const c = await s.login(user);
  try {
    return await xexec(c, command);
  } finally {
    await c.logout();
  }
}

/** xexecAs() for a command that must succeed: its output lines. */
export async function xexecOk(s: TestServer, user: string, command: string): Promise<string[]> {
  const r = await xexecAs(s, user, command);
  expect(r.tagged, `${command}: ${r.response.text}`).toMatchObject({ ok: true, code: null });
  return r.lines;
}

/** The session still works: NOOP answers OK. */
export async function expectNoop(c: ImapClient): Promise<void> {
  const r = await c.command('NOOP');
  expect(r.text).toMatch(/^OK /);
}

/** Hex of a UTF-8 string. */
export function hex(s: string): string {
  return Buffer.from(s, 'utf8').toString('hex');
}

/** Unique marker for processes started by a test. */
export function marker(what: string): string {
  return `xexec-marker-${what}-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
}

/** An alert's text as the sendmail capture holds it: its Subject (UTF-8 encoded words decoded) and its body. */
export function alertText(m: Captured): { subject: string; body: string } {
  const raw = header(m.data, 'Subject') ?? '';
  const subject = raw.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc: string, t: string) =>
    enc.toLowerCase() === 'b' ? Buffer.from(t, 'base64').toString('utf8')
      : Buffer.from(t.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
  const body = m.data.slice(m.data.search(/\r?\n\r?\n/)).replace(/^\r?\n\r?\n/, '').replace(/\r\n/g, '\n').replace(/\n+$/, '');
  return { subject, body };
}
