// Every case of test/vectors/protocol.json against the real server:
// arguments reach the module byte for byte, refused ones are refused, output
// lines come back in exactly the vector's wire form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from './fixture/index.js';
import { parseTagged, parseXexecData, stripTiming, type ImapClient } from './imap-client.js';
import { expectNoop, hex, itStopsCleanly, useServer, VECTORS, xexec } from './helpers.js';

interface ArgVector { name: string; wire: string; hex: string }
interface LineVector { name: string; hex: string; item: string; humanHex: string }

const server = useServer();
let c: ImapClient;
beforeAll(async () => { c = await server().login(USERS.alice); });
afterAll(async () => { await c?.logout(); });

describe('arguments reach the module byte for byte', () => {
  const cases: Array<[string, ArgVector]> = [
    ...VECTORS.arguments.map((v: ArgVector) => [`arguments: ${v.name}`, v]),
    ...VECTORS.acceptedArguments.map((v: ArgVector) => [`acceptedArguments: ${v.name}`, v]),
  ];

  it.each(cases)('%s', async (_name, v) => {
    const r = await xexec(c, `XEXEC echoargs ${v.wire}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true, code: null });
    expect(r.data.module).toBe('echoargs');
    expect(r.lines).toEqual([v.hex]);
  });

  it('all argument vectors at once, in order, in the UID form', async () => {
    const all: ArgVector[] = [...VECTORS.arguments, ...VECTORS.acceptedArguments];
    const r = await xexec(c, `UID XEXEC echoargs ${all.map((v) => v.wire).join(' ')}`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(r.lines).toEqual(all.map((v) => v.hex));
  });
});

describe('refused arguments', () => {
  const refused: ArgVector[] = VECTORS.refusedArguments;

  it.each(refused.map((v) => [v.name, v] as const))('%s -> NO [XEXEC-BADARGS], no module runs', async (_n, v) => {
    const r = await xexec(c, `XEXEC echoargs ${v.wire}`);
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-BADARGS', detail: null });
    expect(r.tagged.message).toMatch(/^Argument 1\b/);
    expect(r.human).toEqual([]);
    expect(r.dataLine.toString()).toBe('* XEXEC echoargs ()');
    await expectNoop(c);
  });

  it('the reason names the argument by its position', async () => {
    const r = await xexec(c, 'XEXEC echoargs ok "fine" ~Q');
    expect(r.tagged).toMatchObject({ code: 'XEXEC-BADARGS' });
    expect(r.tagged.message).toMatch(/^Argument 3\b/);
  });

  it('one bad argument refuses the whole command: the module does not run', async () => {
    const r = await xexec(c, 'XEXEC argv first ~YQBi');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-BADARGS' });
    expect(r.dataLine.toString()).toBe('* XEXEC argv ()');
  });

  it('a missing module name -> NO [XEXEC-BADARGS] with a data line', async () => {
    const r = await xexec(c, 'XEXEC');
    expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-BADARGS' });
    expect(r.data.items).toEqual([]);
    const u = await xexec(c, 'UID XEXEC');
    expect(u.tagged).toMatchObject({ ok: false, code: 'XEXEC-BADARGS' });
  });
});

describe('output lines come back exactly', () => {
  const lines: LineVector[] = VECTORS.lines;

  it.each(lines.map((v) => [v.name, v] as const))('%s', async (_n, v) => {
    const r = await xexec(c, `XEXEC emit "${v.hex}"`);
    expect(r.tagged, r.response.text).toMatchObject({ ok: true });
    expect(r.human.map((h) => h.toString('hex'))).toEqual([v.humanHex]);
    expect(r.dataLine.toString('hex')).toBe(Buffer.from(`* XEXEC emit (${v.item})`, 'utf8').toString('hex'));
    expect(r.data.items.map((b) => b.toString('hex'))).toEqual([v.hex]);
  });

  it('all line vectors in one output, in order', async () => {
    const r = await xexec(c, `XEXEC emit ${lines.map((v) => `"${v.hex}"`).join(' ')}`);
    expect(r.human.map((h) => h.toString('hex'))).toEqual(lines.map((v) => v.humanHex));
    expect(r.dataLine.toString('hex')).toBe(
      Buffer.from(`* XEXEC emit (${lines.map((v) => v.item).join(' ')})`, 'utf8').toString('hex'));
  });

  it('a last line without LF still counts', async () => {
    const r = await xexec(c, `XEXEC emit --nonl ${hex('ab')} ${hex('cd')}`);
    expect(r.lines).toEqual(['ab', 'cd']);
    expect(r.dataLine.toString()).toBe('* XEXEC emit ("ab" "cd")');
  });

  it('an empty output has no lines', async () => {
    const r = await xexec(c, 'XEXEC emit');
    expect(r.tagged.ok).toBe(true);
    expect(r.human).toEqual([]);
    expect(r.dataLine.toString()).toBe('* XEXEC emit ()');
  });

  it('an empty last line is a line; CR before LF is kept in the line', async () => {
    const r = await xexec(c, `XEXEC emit "${hex('x\r')}" ""`);
    expect(r.data.items.map((b) => b.toString('hex'))).toEqual([hex('x\r'), '']);
    expect(r.dataLine.toString()).toBe(`* XEXEC emit (~${Buffer.from('x\r').toString('base64url')} "")`);
  });

  it('control bytes and DEL become ? in human lines only', async () => {
    const raw = '01021f7f41';
    const r = await xexec(c, `XEXEC emit ${raw}`);
    expect(r.human.map((h) => h.toString('latin1'))).toEqual(['* OK ????A']);
    expect(r.data.items.map((b) => b.toString('hex'))).toEqual([raw]);
  });
});

describe('module names', () => {
  const names = VECTORS.moduleNames as { valid: string[]; invalid: string[] };

  it.each(names.invalid.map((n) => [JSON.stringify(n), n] as const))(
    'invalid %s -> NO [XEXEC-UNKNOWN] with module ""', async (_j, name) => {
      const r = await xexec(c, `XEXEC "${name}" x`);
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-UNKNOWN' });
      expect(r.dataLine.toString()).toBe('* XEXEC "" ()');
      expect(r.human).toEqual([]);
    });

  it.each(names.valid.map((n) => [n] as const))('valid %s is looked up (data line names it)', async (name) => {
    const r = await xexec(c, `XEXEC ${name} list`);
    if (name.toLowerCase() === 'blacklist') {
      expect(r.data.module).toBe('blacklist');
      expect(r.tagged.code).not.toBe('XEXEC-UNKNOWN');
    } else {
      expect(r.tagged).toMatchObject({ ok: false, code: 'XEXEC-UNKNOWN' });
      expect(r.data.module).toBe(name.toLowerCase());
      expect(r.data.items).toEqual([]);
    }
  });
});

describe('client-side parsers agree with the vectors', () => {
  interface DataLineVector { name: string; line: string; module: string; hex: string[] }
  interface TaggedVector { line: string; ok: boolean; code?: string; detail?: number | null; message?: string }

  it.each((VECTORS.dataLines as DataLineVector[]).map((v) => [v.name, v] as const))('data line: %s', (_n, v) => {
    const d = parseXexecData(Buffer.from(v.line, 'utf8'));
    expect(d.module).toBe(v.module);
    expect(d.items.map((b) => b.toString('hex'))).toEqual(v.hex);
  });

  it.each((VECTORS.tagged as TaggedVector[]).map((v) => [v.line, v] as const))('tagged: %s', (_l, v) => {
    const t = parseTagged(v.line);
    expect(t.ok).toBe(v.ok);
    if (!v.ok) expect(t).toMatchObject({ code: v.code, detail: v.detail, message: v.message });
    expect(stripTiming(v.line)).not.toMatch(/secs\)\.$/);
  });

  it('rejects malformed data lines', () => {
    for (const bad of ['* XEXEC x ("a"  "b")', '* XEXEC x ("a" ) ', '* XEXEC x (~YQ==)', '* XEXEC x (abc)',
      '* XEXEC x ("a\\n")', '* XEXEC x ("a"']) {
      expect(() => parseXexecData(Buffer.from(bad)), bad).toThrow();
    }
  });
});

itStopsCleanly(server);
