// The rules module run directly (PROTOCOL.md §5, §6.7): the rule vectors of test/vectors/rules.json
// (normal form, or refused naming the line), every subcommand's checks, the administrator's limits
// (number of rules; the server's sieve_max_script_size, exit 1 and nothing changed), abilities
// detected from the server's Sieve (body, mime), a state file edited by hand, and the shared
// hostile-input corpus (test/vectors/hostile.json) in every place of a rule: refused with a clear
// one-line message or stored, the script still compiles, and sieve-test shows it does nothing but
// what the rule says ("${...}" stays literal also when the script requires "variables").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDovecot24 } from '../fixture/dovecot.js';
import { expectClean, HOSTILE, hostileBytes, runFilesAsync } from './hardening.js';
import { expectCompiles, newHome, readState, run, runBytes, sieveScript, sieveTest, stateFile, tempDir, type RunOptions } from './run.js';

const U = 'user@example.org';
const B = (s: string) => Buffer.from(s, 'utf8');
const cat = (...p: (string | Buffer)[]) => Buffer.concat(p.map((x) => typeof x === 'string' ? B(x) : x));

interface Vector { rule: string; list?: string[]; refused?: string }
const VECTORS: Vector[] = JSON.parse(fs.readFileSync(
  path.join(path.dirname(new URL(import.meta.url).pathname), '../../vectors/rules.json'), 'utf8'));

const rules = (args: string[], o: RunOptions = {}) => run('rules', U, args, o);

/** A Dovecot configuration for the module's sievec: the script size limit, extensions switched off. */
function config(o: { maxSize?: string; off?: string[] }): string {
  const d = tempDir('xexec-rules-conf-');
  fs.chmodSync(d, 0o755);
  const f = path.join(d, 'dovecot.conf');
  const off = o.off ?? [];
  fs.writeFileSync(f, (isDovecot24()
    ? ['dovecot_config_version = 2.4.1', 'dovecot_storage_version = 2.4.1', 'mail_driver = maildir', `mail_path = ${d}/Maildir`,
        `sieve_max_script_size = ${o.maxSize ?? '0'}`,
        ...(off.length > 0 ? ['sieve_extensions {', ...off.map((e) => `  ${e} = no`), '}'] : []), '']
    : [`mail_location = maildir:${d}/Maildir`, 'plugin {', `  sieve_max_script_size = ${o.maxSize ?? '0'}`,
        ...(off.length > 0 ? [`  sieve_extensions = ${off.map((e) => '-' + e).join(' ')}`] : []), '}', '']).join('\n'));
  fs.chmodSync(f, 0o644);
  return f;
}

const ruleIds = (lines: string[]) => lines.filter((l) => l.startsWith('rule ')).map((l) => Number(l.slice(5)));

describe('rules: vectors, commands and limits', () => {
  it.each(VECTORS.map((v, i) => [i, v.rule.split('\n')[0]!.slice(0, 40), v] as const))('vector %i (%s)', (_i, _n, v) => {
    const home = newHome();
    const r = rules(['add', v.rule], { home });
    if (v.list) {
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(r.lines).toEqual(['added 1', 'ability body', 'limit rules 500', 'rule 1', ...v.list]);
      expectCompiles(home);
      // The normal form is accepted as it is, and check compiles it with the stored one.
      expect(rules(['replace', '1', v.list.join('\n')], { home }).lines.slice(3)).toEqual(v.list);
      expect(rules(['check', v.list.join('\n')], { home }).lines).toEqual(['ok']);
    } else {
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.message).toContain(v.refused);
      expect(r.message).not.toMatch(/[\x00-\x1f]/);
      expect(readState(home, 'rules')).toBe(null);
      expect(rules(['check', v.rule], { home }).status).toBe(2);
    }
  });

  it('ids: stable through changes, never given twice; unknown ids and positions are refused; nothing changes then', () => {
    const home = newHome();
    for (const n of ['a', 'b', 'c']) expect(rules(['add', `name ${n}\nif size over 1\ndo read`], { home }).status).toBe(0);
    expect(ruleIds(rules(['list'], { home }).lines)).toEqual([1, 2, 3]);
    expect(ruleIds(rules(['move', '3', 'up'], { home }).lines)).toEqual([1, 3, 2]);
    expect(ruleIds(rules(['move', '1', 'up'], { home }).lines)).toEqual([1, 3, 2]);
    expect(ruleIds(rules(['move', '1', '3'], { home }).lines)).toEqual([3, 2, 1]);
    expect(ruleIds(rules(['move', '1', 'down'], { home }).lines)).toEqual([3, 2, 1]);
    expect(ruleIds(rules(['delete', '3'], { home }).lines)).toEqual([2, 1]);
    expect(rules(['add', 'name d\nif size over 1\ndo flag'], { home }).lines[0]).toBe('added 4');
    const before = readState(home, 'rules');
    for (const [args, msg] of [
      [['delete', '3'], 'There is no rule 3 (it may have been deleted in another session)'],
      [['enable', '99'], 'There is no rule 99 (it may have been deleted in another session)'],
      [['move', '1', '4'], 'There is no position 4: there are 3 rules'],
      [['move', '1', 'top'], 'Move a rule up, down or to a position (1 is the first rule)'],
      [['delete', '01'], "'01' is not a rule id"],
      [['delete', '-1'], "'-1' is not a rule id"],
      [['replace', '1'], 'Usage: rules replace <id> <rule>'],
      [['list', 'x'], 'The list command takes no arguments'],
      [['show'], "Unknown command 'show': use list, add, replace, delete, move, enable, disable or check"],
    ] as [string[], string][]) {
      const r = rules(args, { home });
      expect([r.status, r.stdout, r.message], args.join(' ')).toEqual([2, '', msg]);
    }
    expect(readState(home, 'rules')).toBe(before);
    // enable/disable change only that line; the script leaves a disabled rule out.
    const r = rules(['disable', '2'], { home });
    expect(r.lines.slice(r.lines.indexOf('rule 2'), r.lines.indexOf('rule 2') + 3)).toEqual(['rule 2', 'name b', 'enabled no']);
    expect(sieveScript(home)).not.toContain('# Rule 2\n');
    expect(sieveScript(home)).toContain('# Rule 1\n');
    expect(rules(['enable', '2'], { home }).lines).toContain('enabled yes');
    expect(sieveScript(home)).toContain('# Rule 2\n');
  });

  it('check stores nothing; --max-rules refuses the rule over it (exit 1) and nothing changes; bad options', () => {
    const home = newHome();
    expect(rules(['check', 'name a\nif size over 1\ndo read'], { home }).lines).toEqual(['ok']);
    expect(readState(home, 'rules')).toBe(null);
    expect(fs.existsSync(stateFile(home, 'xexec.sieve'))).toBe(false);
    const o = { home, options: ['--max-rules=2'] };
    expect(rules(['add', 'name a\nif size over 1\ndo read'], o).status).toBe(0);
    expect(rules(['add', 'name b\nif size over 1\ndo read'], o).lines.slice(0, 3)).toEqual(['added 2', 'ability body', 'limit rules 2']);
    const before = readState(home, 'rules');
    for (const cmd of ['add', 'check']) {
      const r = rules([cmd, 'name c\nif size over 1\ndo read'], o);
      expect([r.status, r.message]).toEqual([1, "At most 2 rules can be stored (the server's limit); nothing was changed"]);
    }
    expect(readState(home, 'rules')).toBe(before);
    // Under a lowered limit the rules stay, and can still be changed and deleted.
    expect(rules(['disable', '1'], { home, options: ['--max-rules=1'] }).status).toBe(0);
    expect(rules(['delete', '1'], { home, options: ['--max-rules=1'] }).status).toBe(0);
    for (const opt of ['--max-rules=0', '--max-rules=10001', '--max-rules=x']) {
      expect(rules(['list'], { home, options: [opt] }).message).toBe('--max-rules must be a number from 1 to 10000 (server configuration error)');
    }
    expect(rules(['list'], { home, options: ['--limit=3'] }).message).toBe('Unknown module option --limit (server configuration error)');
  });

  it('the server\'s script size limit: refused (exit 1) naming sieve_max_script_size; nothing changed', () => {
    const home = newHome();
    const o = { home, options: [`--dovecot-config=${config({ maxSize: '4k' })}`] };
    let last: ReturnType<typeof rules> | undefined;
    let stored = 0;
    for (let i = 0; i < 20; i++) {
      const before = readState(home, 'rules');
      const script = fs.existsSync(stateFile(home, 'xexec.sieve')) ? sieveScript(home) : null;
      last = rules(['add', `name r${i}\nif subject contains ${'x'.repeat(900)}\ndo move F${i}`], o);
      if (last.status !== 0) {
        expect(readState(home, 'rules')).toBe(before);
        expect(sieveScript(home)).toBe(script);
        break;
      }
      stored++;
    }
    expect(stored).toBeGreaterThan(0);
    expect([last!.status, last!.message]).toEqual([1,
      "The mail filter would exceed the server's Sieve size limit (sieve_max_script_size); nothing was changed"]);
    const c = rules(['check', `name c\nif subject contains ${'x'.repeat(900)}\ndo read`], o);
    expect([c.status, c.message]).toEqual([1, "With this rule the mail filter would exceed the server's Sieve size limit (sieve_max_script_size)"]);
    expect(ruleIds(rules(['list'], o).lines)).toHaveLength(stored);
  });

  it('abilities come from the server\'s Sieve: without body and mime, no "ability body", body refused, attachment by header', () => {
    const home = newHome();
    const o = { home, options: [`--dovecot-config=${config({ off: ['body', 'mime'] })}`] };
    expect(rules(['list'], o).lines).toEqual(['limit rules 500']);
    const r = rules(['add', 'name b\nif body contains x\ndo read'], o);
    expect([r.status, r.message]).toEqual([2, 'Line 2 of the rule: this server cannot test the body of messages']);
    expect(rules(['add', 'name a\nif attachment\ndo move Attachments'], o).status).toBe(0);
    const script = sieveScript(home);
    expect(script).toMatch(/^require \["fileinto", "mailbox"\];$/m);
    expect(script).toContain('if allof (header :contains "content-type" "multipart/mixed")');
    // With mime (the default servers), the MIME parts are looked at.
    const home2 = newHome();
    expect(rules(['add', 'name a\nif attachment\ndo move Attachments'], { home: home2 }).status).toBe(0);
    expect(sieveScript(home2)).toMatch(/^require \["fileinto", "mailbox", "mime"\];$/m);
    expect(sieveScript(home2)).toContain('header :mime :anychild :type :is "content-disposition" "attachment"');
  });

  it('values stay values: "; discard; ", quotes, backslashes and ${...} are literal, with and without "variables"', () => {
    for (const stopFirst of [false, true]) {
      const home = newHome();
      // A stop rule followed by others makes the script require "variables".
      if (stopFirst) expect(rules(['add', 'name s\nif subject is zz-never\ndo flag\nstop yes'], { home }).status).toBe(0);
      const values = ['x"; discard; "', 'a\\"b', '${x}', '\\', 'back\\slash*?'];
      values.forEach((v, i) => {
        expect(rules(['add', `name ${v}\nif subject is ${v}\ndo move F${i}`], { home }).status).toBe(0);
      });
      expect(sieveScript(home).includes('"variables"')).toBe(stopFirst);
      expectCompiles(home);
      values.forEach((v, i) => {
        expect(sieveTest(home, 'a@example.net', { subject: v }).actions, v).toContain(`* store message in folder: F${i}`);
      });
      const other = sieveTest(home, 'a@example.net', { subject: 'x' });
      expect(other.actions.join('\n')).not.toMatch(/discard|store message|redirect/);
      // begins/ends/matches: "*" and "?" wildcards only in matches; a literal "\" everywhere.
      const h2 = newHome();
      if (stopFirst) rules(['add', 'name s\nif subject is zz-never\ndo flag\nstop yes'], { home: h2 });
      rules(['add', 'name 1\nif subject begins a*\ndo move Begins'], { home: h2 });
      rules(['add', 'name 2\nif subject matches \\b?c*\ndo move Matches'], { home: h2 });
      expect(sieveTest(h2, 'a@example.net', { subject: 'a*z' }).actions.join()).toMatch(/folder: Begins/);
      expect(sieveTest(h2, 'a@example.net', { subject: 'abc' }).actions.join()).not.toMatch(/folder: Begins/);
      expect(sieveTest(h2, 'a@example.net', { subject: '\\bXcdef' }).actions.join()).toMatch(/folder: Matches/);
      expect(sieveTest(h2, 'a@example.net', { subject: 'bXcdef' }).actions.join()).not.toMatch(/folder: Matches/);
    }
  });

  it('"?" of matches is one byte in Pigeonhole, as PROTOCOL.md §6.7 says: "ü" takes two', () => {
    const home = newHome();
    rules(['add', 'name 1\nif subject matches a?b\ndo move One'], { home });
    rules(['add', 'name 2\nif subject matches a??b\ndo move Two'], { home });
    expect(sieveTest(home, 'a@example.net', { subject: 'aüb' }).actions).toEqual(['* store message in folder: Two', '+ create mailbox if it does not exist']);
  });

  it('non-UTF-8 bytes and control characters are refused in every place', () => {
    const home = newHome();
    for (const bad of [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80])]) {
      for (const t of [['name ', '\nif size over 1\ndo read'], ['name n\nif subject is ', '\ndo read'], ['name n\nif size over 1\ndo move ', '']]) {
        const r = runBytes('rules', U, [B('add'), cat(t[0]!, bad, t[1]!)], { home });
        expect([r.status, r.message]).toEqual([2, 'The rule must be UTF-8 text']);
      }
    }
    for (const c of ['\r', '\t', '\x1b', '\x7f', '\x00x'.slice(1) + '\x01']) {
      const r = rules(['add', `name a${c}b\nif size over 1\ndo read`], { home });
      expect([r.status, r.message]).toEqual([2, 'The rule must not contain control characters (only line breaks between its lines)']);
    }
    expect(readState(home, 'rules')).toBe(null);
  });

  it('a state file edited by hand never becomes code: bad lines are left out, the script compiles', () => {
    const home = newHome();
    expect(rules(['add', 'name a\nif size over 1\ndo read'], { home }).status).toBe(0);
    fs.appendFileSync(stateFile(home, 'rules'), [
      'rule 7', 'name x', 'enabled yes', 'match all', 'if subject is a"; discard; "', 'if size over 1; discard',
      'if header bad"field is x', 'do forward x"@y; discard', 'do move "; discard; "', 'do move a\rb', 'stop no', ''].join('\n'));
    expect(rules(['list'], { home }).status).toBe(0); // repairs the script (the stamp changed)
    expectCompiles(home);
    const s = sieveScript(home);
    expect(s).toContain('# Rule 7');
    expect(s).not.toMatch(/^\s*discard;/m);
    expect(s).not.toContain('redirect');
    expect(sieveTest(home, 'a@example.net', { subject: 'x' }).actions.join()).not.toMatch(/discard/);
  });
});

describe('rules: the hostile corpus in every place of a rule', () => {
  const places: [string, (v: Buffer) => Buffer][] = [
    ['name', (v) => cat('name ', v, '\nif subject is zz-never\ndo move F')],
    ['contains', (v) => cat('name n\nif subject contains ', v, 'zz-never\ndo move F')],
    ['matches', (v) => cat('name n\nif from matches ', v, '\ndo move F')],
    ['header field', (v) => cat('name n\nif header ', v, ' is x\ndo move F')],
    ['folder', (v) => cat('name n\nif subject is zz-never\ndo move ', v)],
    ['forward', (v) => cat('name n\nif subject is zz-never\ndo forward ', v)],
    ['ends', (v) => cat('name n\nif not recipient-domain ends ', v, '\nif subject is zz-never\ndo copy F\nstop yes')],
  ];
  it.concurrent.each(HOSTILE.map((e) => [e.name, e] as const))('%s', async (_n, e) => {
    const v = hostileBytes(e);
    for (const vars of [false, true]) {
      const home = newHome();
      if (vars) expect((await runFilesAsync('rules', U, [B('add'), B('name s\nif size over 1\ndo flag\nstop yes')], { home })).status).toBe(0);
      for (const [place, rule] of places) {
        const what = `${e.name} as ${place}${vars ? ' (variables)' : ''}`;
        expectClean(await runFilesAsync('rules', U, [B('add'), rule(v)], { home }), what);
      }
      if (!fs.existsSync(stateFile(home, 'xexec.sieve'))) continue; // every place refused it
      expectCompiles(home);
      // Only what a rule says: nothing, or filed into F (a "matches" pattern may match); never more.
      const t = sieveTest(home, 'sender@example.net', { subject: 'hello' });
      for (const a of t.actions) expect(a, e.name).toMatch(/^(\(none\)|\* store message in folder: F|\+ create mailbox if it does not exist|\+ add IMAP flags: .*)$/);
      expect(t.raw).not.toMatch(/discard|redirect|reject/i);
    }
  });
});
