// Issue 9, finding 7: real IMAP client libraries against the real server.
// A human line "* OK ... {40}" looked like a literal announcement to Python's
// imaplib, which then swallowed 40 bytes and with them the data line.
// PROTOCOL.md §4.1: no "* OK" line ends in {digits} or {digits+}.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { USERS } from './fixture/index.js';
import { decodeBase64url, parseXexecData } from './imap-client.js';
import { itStopsCleanly, useServer, VECTORS } from './helpers.js';

const HERE = path.dirname(new URL(import.meta.url).pathname);

interface LineVector { name: string; hex: string }

const server = useServer();

const LINES: LineVector[] = VECTORS.lines;
/** The emit module's argument for a line: its hex, or "" for the empty line. */
const arg = (v: LineVector) => (v.hex === '' ? '""' : v.hex);

interface PyResult { status: string; tagged: string | null; xexec: unknown[] }
interface PyRun { each: PyResult[]; all: PyResult | null; noop: string | null; error?: string }

/** The output lines of one imaplib XEXEC result, as hex; throws when the data is not one whole line. */
function pyLines(r: PyResult): string[] {
  expect(r.status).toBe('OK');
  expect(r.xexec).toHaveLength(1);
  const data = r.xexec[0];
  // A [head, literal] pair means imaplib took something for a literal.
  expect(typeof data).toBe('string');
  return parseXexecData(Buffer.from(`* XEXEC ${data as string}`, 'latin1')).items.map((b) => b.toString('hex'));
}

describe('Python imaplib (issue 9, finding 7)', () => {
  it('every line of the vectors comes back whole; the next command works', () => {
    const s = server();
    const input = JSON.stringify({
      port: s.imapPort, user: USERS.alice, password: s.passwords[USERS.alice],
      module: 'emit', lines: LINES.map(arg),
    });
    const p = spawnSync('python3', [path.join(HERE, 'hardening/imaplib_client.py')],
      { input, encoding: 'utf8', timeout: 300_000 });
    expect(p.status, p.stderr).toBe(0);
    const out = JSON.parse(p.stdout) as PyRun;
    expect(out.error).toBeUndefined();
    expect(out.each).toHaveLength(LINES.length);
    LINES.forEach((v, i) => expect(pyLines(out.each[i]!), v.name).toEqual([v.hex]));
    expect(pyLines(out.all!)).toEqual(LINES.map((v) => v.hex));
    expect(out.noop).toBe('OK');
  });
});

interface FlowUntagged { attributes: Array<{ type: string; value: unknown }> }
/** imapflow's own command runner (internal, not in its typings): a custom command with handlers. */
interface FlowExec {
  exec(command: string, attributes: Array<{ type: string; value: string }> | false,
    options?: { untagged?: Record<string, (u: FlowUntagged) => Promise<void>> }):
    Promise<{ response: { command: string }; next(): void }>;
}

/** The output lines of an imapflow-parsed "* XEXEC" response, as hex. */
function flowLines(untagged: FlowUntagged): string[] {
  const list = untagged.attributes[1] as unknown as Array<{ type: string; value: string }>;
  return list.map((item) => item.type === 'ATOM' && item.value.startsWith('~')
    ? decodeBase64url(item.value.slice(1)).toString('hex')
    : Buffer.from(item.value, 'utf8').toString('hex'));
}

describe('imapflow (issue 9, finding 7)', () => {
  it('every line of the vectors comes back whole; the next command works', async () => {
    const s = server();
    const client = new ImapFlow({
      host: '127.0.0.1', port: s.imapPort, secure: false, logger: false,
      auth: { user: USERS.alice, pass: s.passwords[USERS.alice]! },
    });
    await client.connect();
    const raw = client as unknown as FlowExec;
    try {
      const run = async (args: string[]) => {
        const seen: string[][] = [];
        const r = await raw.exec('XEXEC', [{ type: 'ATOM', value: 'emit' }, ...args.map((a) => a === '""'
          ? { type: 'STRING', value: '' } : { type: 'ATOM', value: a })], {
          untagged: { XEXEC: async (u) => { seen.push(flowLines(u)); } },
        });
        r.next();
        expect(r.response.command).toBe('OK');
        return seen;
      };
      for (const v of LINES) expect(await run([arg(v)]), v.name).toEqual([[v.hex]]);
      expect(await run(LINES.map(arg))).toEqual([LINES.map((v) => v.hex)]);
      const noop = await raw.exec('NOOP', false);
      noop.next();
      expect(noop.response.command).toBe('OK');
      const st = await client.status('INBOX', { messages: true });
      expect(st && st.messages).toBeGreaterThanOrEqual(0);
    } finally {
      await client.logout();
    }
  });
});

itStopsCleanly(server);
