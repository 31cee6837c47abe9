// vacation module run directly (PROTOCOL.md §6.4).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectCompiles, inDovecot, newHome, readState, run, runBytes, sieveConfig, sieveScript, sieveTest, stateFile, tempDir,
} from './run.js';

const U = 'user@example.org';
const FRESH = ['status off', 'subject ', 'days 7'];

function setOk(home: string, args: string[]) {
  const r = run('vacation', U, ['set', ...args], { home });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r;
}

/** Opcode lines of the compiled script, e.g. "VACATION", "JMPFALSE". */
function opcodes(home: string): string[] {
  const d = tempDir('xexec-dump-');
  const bin = path.join(d, 'x.svbin');
  expect(spawnSync(...inDovecot('sievec', ['-c', sieveConfig(), stateFile(home, 'xexec.sieve'), bin])).status).toBe(0);
  const r = spawnSync(...inDovecot('sieve-dump', ['-c', sieveConfig(), bin]), { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const main = r.stdout.split('* Main program')[1] ?? '';
  return [...main.matchAll(/^[0-9a-f]{8}:\s+(?:\d+:\s+)?([A-Z][A-Z_-]*(?: [A-Z]+)*)\b/gm)].map((m) => m[1]!);
}

describe('vacation', () => {
  it('show on a fresh account: off with defaults, no state written', () => {
    const home = newHome();
    const r = run('vacation', U, ['show'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(FRESH);
    expect(fs.existsSync(stateFile(home, ''))).toBe(false);
  });

  it('the first set needs a body; nothing is stored without one', () => {
    const home = newHome();
    const r = run('vacation', U, ['set', 'subject=Away', 'days=3'], { home });
    expect(r.status).toBe(2);
    expect(r.message).toBe('The first vacation set needs the message text: body=...');
    expect(readState(home, 'vacation')).toBeNull();
    expect(run('vacation', U, ['show'], { home }).lines).toEqual(FRESH);
  });

  it('set, partial set, off and set again keep what was not given', () => {
    const home = newHome();
    let r = setOk(home, ['subject=Out of office', 'body=I am away.\n\nBack on Monday.', 'days=3',
      'start=2024-02-29', 'end=2024-03-10']);
    const full = ['status on', 'subject Out of office', 'days 3', 'start 2024-02-29', 'end 2024-03-10',
      'body I am away.', 'body ', 'body Back on Monday.'];
    expect(r.lines).toEqual(full);
    expect(run('vacation', U, ['show'], { home }).lines).toEqual(full);
    expectCompiles(home);

    r = setOk(home, ['body=New text']);
    expect(r.lines).toEqual([...full.slice(0, 5), 'body New text']);

    r = run('vacation', U, ['off'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status off', ...full.slice(1, 5), 'body New text']);
    expect(sieveScript(home)).not.toMatch(/^require|^\s*vacation\b/m);
    expectCompiles(home);

    r = setOk(home, ['start=', 'days=60']);
    expect(r.lines).toEqual(['status on', 'subject Out of office', 'days 60', 'end 2024-03-10', 'body New text']);
    r = setOk(home, ['end=', 'subject=']);
    expect(r.lines).toEqual(['status on', 'subject ', 'days 60', 'body New text']);
    const s = sieveScript(home);
    expect(s).toMatch(/^require \["vacation"\];$/m);
    expect(s).not.toMatch(/:subject|currentdate/);
    expectCompiles(home);
  });

  it('off on a fresh account works and stays off', () => {
    const home = newHome();
    const r = run('vacation', U, ['off'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(FRESH);
    expectCompiles(home);
  });

  it('CRLF in the body is read as LF; trailing line breaks are dropped', () => {
    const home = newHome();
    const r = setOk(home, ['body=one\r\ntwo\r\n\r\nthree\r\n\r\n']);
    expect(r.lines).toEqual(['status on', 'subject ', 'days 7', 'body one', 'body two', 'body ', 'body three']);
    expect(sieveTest(home, 'a@example.net').vacationBody).toBe('one\ntwo\n\nthree\n');
  });

  it('hostile subject and body stay text: compiled script has no other action, reply is byte-exact', () => {
    const home = newHome();
    const body = [
      'Hi "there" \\ back\\', '; } ]) {', 'text:', '.', '..', '.x', '. ', 'discard; stop;',
      '"; discard; stop; #', '}', 'redirect "evil@example.com";', '${hex:41} ${1} /* not a comment */',
      '# not a comment', 'require "fileinto"; fileinto "Trash";', '\ttab', 'Grüße 日本語 📬', '.',
    ].join('\n');
    const subject = '"; discard; stop; # \\ } text: ${x}';
    setOk(home, [`subject=${subject}`, `body=${body}`, 'days=2']);
    expect(run('vacation', U, ['show'], { home }).lines)
      .toEqual(['status on', `subject ${subject}`, 'days 2', ...body.split('\n').map((l) => `body ${l}`)]);
    expectCompiles(home);
    const ops = opcodes(home);
    expect(ops).toContain('VACATION');
    expect(ops.filter((o) => /DISCARD|STOP|REDIRECT|FILEINTO|KEEP/.test(o))).toEqual([]);
    expect(sieveScript(home)).toMatch(/^require \["vacation"\];$/m);
    const t = sieveTest(home, 'friend@example.net');
    expect(t.actions[0]).toBe('* send vacation message:');
    expect(t.actions).toContain(`=> subject : ${subject}`);
    // Action headers start with "* "; the body is printed in between.
    expect(t.actions.filter((l) => l.startsWith('* '))).toEqual(['* send vacation message:']);
    expect(t.keep).toEqual(['* store message in folder: INBOX']);
    expect(t.vacationBody).toBe(`${body}\n`);
  });

  it('dates decide whether the reply is sent (currentdate)', () => {
    const home = newHome();
    setOk(home, ['body=Away', 'start=2000-01-01', 'end=2999-12-31']);
    expect(sieveScript(home)).toMatch(/^require \["vacation", "date", "relational"\];$/m);
    expectCompiles(home);
    expect(sieveTest(home, 'a@example.net').actions[0]).toBe('* send vacation message:');
    setOk(home, ['start=2999-01-01', 'end=']);
    expectCompiles(home);
    expect(sieveTest(home, 'a@example.net').actions).toEqual(['(none)']);
    setOk(home, ['start=', 'end=2000-01-02']);
    expectCompiles(home);
    expect(sieveTest(home, 'a@example.net').actions).toEqual(['(none)']);
    setOk(home, ['end=']);
    expect(sieveScript(home)).not.toMatch(/"date"|currentdate/);
    expect(sieveTest(home, 'a@example.net').actions[0]).toBe('* send vacation message:');
  });

  it('accepts the limits', () => {
    const home = newHome();
    // 16384 bytes of two-byte characters, 255 bytes of subject.
    const body = 'é'.repeat(8192);
    const subject = 'a'.repeat(255);
    const r = setOk(home, [`body=${body}`, `subject=${subject}`, 'days=1', 'start=2000-02-29', 'end=2000-02-29']);
    expect(r.lines).toEqual(['status on', `subject ${subject}`, 'days 1', 'start 2000-02-29', 'end 2000-02-29', `body ${body}`]);
    expectCompiles(home);
  });

  const bad: [string, string[], RegExp][] = [
    ['days 0', ['days=0'], /whole number from 1 to 60/],
    ['days 61', ['days=61'], /whole number from 1 to 60/],
    ['days empty', ['days='], /whole number/],
    ['days 07', ['days=07'], /whole number/],
    ['days 1e1', ['days=1e1'], /whole number/],
    ['days -1', ['days=-1'], /whole number/],
    ['not a leap year', ['start=2023-02-29'], /start date must be a real date/],
    ['1900 is no leap year', ['end=1900-02-29'], /end date must be a real date/],
    ['month 13', ['start=2024-13-01'], /real date/],
    ['day 31 in April', ['start=2024-04-31'], /real date/],
    ['day 00', ['start=2024-04-00'], /real date/],
    ['year 0000', ['start=0000-01-01'], /real date/],
    ['short form', ['start=2024-1-1'], /real date/],
    ['trailing text', ['end=2024-01-01x'], /real date/],
    ['end before start', ['start=2024-05-02', 'end=2024-05-01'], /end date must not be before the start date/],
    ['end before the stored start', ['end=2023-12-31'], /end date must not be before/],
    ['subject too long', [`subject=${'a'.repeat(256)}`], /at most 255 bytes/],
    ['subject multi-byte too long', [`subject=${'é'.repeat(128)}`], /at most 255 bytes/],
    ['subject with LF', ['subject=a\nb'], /subject must not contain control/],
    ['subject with tab', ['subject=a\tb'], /subject must not contain control/],
    ['subject with DEL', ['subject=a\x7fb'], /subject must not contain control/],
    ['body too long', [`body=${'a'.repeat(16385)}`], /at most 16384 bytes/],
    ['body with control byte', ['body=a\x01b'], /body must not contain control/],
    ['body with lone CR', ['body=a\rb'], /body must not contain control/],
    ['body with final CR', ['body=ab\r'], /body must not contain control/],
    ['body with ESC', ['body=a\x1b[31m'], /body must not contain control/],
    ['empty body', ['body='], /body must not be empty/],
    ['only line breaks', ['body=\n\r\n'], /body must not be empty/],
    ['unknown key', ['subjekt=x'], /Unknown key 'subjekt'/],
    ['no =', ['body'], /not of the form key=value/],
    ['valid first, invalid last', ['body=changed', 'subject=changed', 'days=99'], /1 to 60/],
  ];
  it.each(bad)('set refuses %s with exit 2 and changes nothing', (_name, args, msg) => {
    const home = newHome();
    setOk(home, ['body=Stored', 'subject=Stored', 'start=2024-01-01', 'end=2024-01-31']);
    run('vacation', U, ['off'], { home });
    const before = readState(home, 'vacation');
    const sieveBefore = sieveScript(home);
    const r = run('vacation', U, ['set', ...args], { home });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.message).toMatch(msg);
    expect(readState(home, 'vacation')).toBe(before);
    expect(sieveScript(home)).toBe(sieveBefore);
  });

  it('refuses text that is not UTF-8', () => {
    const home = newHome();
    for (const arg of [Buffer.from('body=a\xffb', 'latin1'), Buffer.from('subject=\xc3(', 'latin1')]) {
      // Each key once: the valid companion is the other key.
      const other = arg.toString('latin1').startsWith('body=') ? 'subject=ok' : 'body=ok';
      const r = runBytes('vacation', U, [Buffer.from('set'), Buffer.from(other), arg], { home });
      expect(r.status).toBe(2);
      expect(r.message).toMatch(/must be UTF-8 text/);
    }
    expect(readState(home, 'vacation')).toBeNull();
    // The byte-exact path itself works.
    const ok = runBytes('vacation', U, [Buffer.from('set'), Buffer.from('body=ok\n')], { home });
    expect(ok.status).toBe(0);
  });

  it('usage errors exit 2', () => {
    const home = newHome();
    const cases: [string[], RegExp][] = [
      [[], /Missing command/], [['enable'], /Unknown command 'enable'/], [['set'], /at least one/],
      [['show', 'x'], /takes no arguments/], [['off', 'now'], /takes no arguments/],
    ];
    for (const [args, msg] of cases) {
      const r = run('vacation', U, args, { home });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.message).toMatch(msg);
    }
  });
});
