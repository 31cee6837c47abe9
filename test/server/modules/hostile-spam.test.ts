// The spam module run directly (PROTOCOL.md §5, §6.5): its command line, every value check,
// the administrator's options, and the shared hostile-input corpus (test/vectors/hostile.json)
// against each of its actions: refused with a clear one-line message or stored safely, and the
// Sieve script still compiles and does nothing but what the state says.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spamtestSettings } from '../fixture/config.js';
import { isDovecot24 } from '../fixture/dovecot.js';
import { expectClean, HOSTILE, hostileBytes, runFilesAsync } from './hardening.js';
import { expectCompiles, newHome, readState, run, sieveConfig, sievec, sieveScript, sieveTest, stateFile } from './run.js';

const U = 'user@example.org';
const B = (s: string) => Buffer.from(s, 'utf8');
const cat = (...p: (string | Buffer)[]) => Buffer.concat(p.map((x) => typeof x === 'string' ? B(x) : x));
const DELETE = ['--delete-folder=Junk-Expiring', '--delete-days=30'];

/** Every line a state file may hold: nothing but the grammar. */
const STATE_LINE = /^(level (off|lenient|standard|strict|allowed-only)|action (junk|delete)|folder Junk-Expiring|days 30|tld [a-z][a-z0-9-]*|charset [a-z0-9][a-z0-9._:+-]*)$/;

describe('spam: commands and values', () => {
  it('show on a fresh account prints the defaults and creates no state', () => {
    const home = newHome();
    const r = run('spam', U, ['show'], { home });
    expect([r.status, r.stderr, r.lines]).toEqual([0, '', ['level off', 'action junk', 'contacts 0']]);
    expect(fs.existsSync(stateFile(home, ''))).toBe(false);
    // The administrator's deletion is shown, so a client can offer it.
    expect(run('spam', U, ['show'], { home, options: DELETE }).lines).toEqual(['level off', 'action junk', 'delete-days 30', 'contacts 0']);
  });

  it('set normalizes the lists (dots, case, separators, duplicates) and keeps what is not given', () => {
    const home = newHome();
    let r = run('spam', U, ['set', 'tlds=.RU, cn\tcn\nxn--p1ai', 'charsets=KOI8-R,GB2312 big5'], { home });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(r.lines).toEqual(['level off', 'action junk', 'tld cn', 'tld ru', 'tld xn--p1ai',
      'charset big5', 'charset gb2312', 'charset koi8-r', 'contacts 0']);
    r = run('spam', U, ['set', 'level=allowed-only'], { home });
    expect(r.lines).toEqual(['level allowed-only', 'action junk', 'tld cn', 'tld ru', 'tld xn--p1ai',
      'charset big5', 'charset gb2312', 'charset koi8-r', 'contacts 0']);
    expect(readState(home, 'spam')!.split('\n').filter((l) => l !== '').every((l) => STATE_LINE.test(l))).toBe(true);
    expect(fs.statSync(stateFile(home, 'spam')).mode & 0o777).toBe(0o600);
    expectCompiles(home);
    expect(run('spam', U, ['off'], { home }).lines[0]).toBe('level off');
    // Level off: no spam part in the script at all.
    expect(sieveScript(home)).not.toMatch(/require|mime|Junk/);
  });

  const refused: [string[], RegExp][] = [
    [[], /^Missing command: use show, set, off or contacts$/],
    [['frob'], /^Unknown command 'frob': use show, set, off or contacts$/],
    [['show', 'x'], /^The show command takes no arguments$/],
    [['off', 'x'], /^The off command takes no arguments$/],
    [['set'], /^Give at least one of level=, action=, tlds=, charsets=$/],
    [['set', 'level'], /^'level' is not of the form key=value$/],
    [['set', 'level=off', 'level=strict'], /^The key 'level' is given more than once$/],
    [['set', 'colour=red'], /^Unknown key 'colour': use level, action, tlds or charsets$/],
    [['set', 'level=high'], /^The level must be off, lenient, standard, strict or allowed-only$/],
    [['set', 'level=Strict'], /^The level must be/],
    [['set', 'action=discard'], /^The action must be junk or delete$/],
    [['set', 'tlds=ru,r'], /^'r' is not a top-level domain \(such as ru or com\); nothing was changed$/],
    [['set', 'tlds=mail.ru'], /^'mail\.ru' is not a top-level domain/],
    [['set', 'tlds=r1'], /^'r1' is not a top-level domain/],
    [['set', 'tlds=*'], /^'\*' is not a top-level domain/],
    [['set', 'tlds=xn--'], /^'xn--' is not a top-level domain/],
    [['set', 'tlds=рф'], /^'рф' is not a top-level domain/],
    [['set', 'tlds=ru";discard;#'], /^'ru";discard;#' is not a top-level domain/],
    [['set', `tlds=${'a'.repeat(64)}`], /is not a top-level domain/],
    [['set', 'charsets=koi8-r,"utf-8"'], /^'"utf-8"' is not a character set name \(such as koi8-r\); nothing was changed$/],
    [['set', `charsets=${'a'.repeat(41)}`], /is not a character set name/],
    [['set', 'charsets=-x'], /is not a character set name/],
  ];
  it.each(refused)('refuses %j with exit 2 and changes nothing', (args, msg) => {
    const home = newHome();
    expect(run('spam', U, ['set', 'tlds=de', 'level=allowed-only'], { home }).status).toBe(0);
    const before = readState(home, 'spam');
    const script = sieveScript(home);
    const r = run('spam', U, args, { home });
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.message).toMatch(msg);
    expect(readState(home, 'spam')).toBe(before);
    expect(sieveScript(home)).toBe(script);
  });

  it('contacts: set checks every address first, lists them sorted, clear empties', () => {
    const home = newHome();
    let r = run('spam', U, ['contacts', 'set', ' B@Example.org', 'a@example.org', 'b@example.org'], { home });
    expect([r.status, r.stderr, r.lines.at(-1)]).toEqual([0, '', 'contacts 2']);
    expect(run('spam', U, ['contacts', 'list'], { home }).lines).toEqual(['a@example.org', 'b@example.org']);
    expect(readState(home, 'contacts')).toBe('a@example.org\nb@example.org\n');
    for (const bad of ['@example.org', 'nobody', 'a"; discard; #@b.cd', 'x@y.z\nq@r.st']) {
      r = run('spam', U, ['contacts', 'set', 'c@example.org', bad], { home });
      expect([r.status, r.stdout]).toEqual([2, '']);
      expect(r.message).toBe(`'${bad.replace(/\n/g, '?')}' is not a valid e-mail address; nothing was changed`);
    }
    expect(readState(home, 'contacts')).toBe('a@example.org\nb@example.org\n');
    const usage: [string[], string][] = [
      [['contacts'], 'Use contacts list, contacts set <address>... or contacts clear'],
      [['contacts', 'add', 'a@b.cd'], 'Use contacts list, contacts set <address>... or contacts clear'],
      [['contacts', 'set'], 'Give at least one address to contacts set (or use contacts clear)'],
      [['contacts', 'list', 'x'], 'The contacts list command takes no arguments'],
      [['contacts', 'clear', 'x'], 'The contacts clear command takes no arguments'],
    ];
    for (const [args, msg] of usage) expect([run('spam', U, args, { home }).status, run('spam', U, args, { home }).message]).toEqual([2, msg]);
    expect(run('spam', U, ['contacts', 'clear'], { home }).lines.at(-1)).toBe('contacts 0');
    expect(readState(home, 'contacts')).toBe('');
    expectCompiles(home);
  });

  it('at most 300 TLDs and 100 charsets', () => {
    const home = newHome();
    const tlds = Array.from({ length: 301 }, (_, i) => 'x' + String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + Math.floor(i / 26)));
    expect(run('spam', U, ['set', `tlds=${tlds.slice(0, 300).join(',')}`], { home }).status).toBe(0);
    expectCompiles(home);
    const r = run('spam', U, ['set', `tlds=${tlds.join(',')}`], { home });
    expect([r.status, r.message]).toEqual([2, 'At most 300 top-level domains can be blocked']);
    const cs = Array.from({ length: 101 }, (_, i) => `cs-${i}`);
    expect(run('spam', U, ['set', `charsets=${cs.join(',')}`], { home }).message).toBe('At most 100 character sets can be blocked');
  });

  it('action=delete: refused (exit 1) unless the administrator offers it; back to junk when the offer goes', () => {
    const home = newHome();
    const no = run('spam', U, ['set', 'action=delete'], { home });
    expect([no.status, no.stdout, no.message]).toEqual([1, '',
      'This server does not delete spam automatically, so spam can only be moved to Junk; nothing was changed']);
    const yes = run('spam', U, ['set', 'action=delete', 'level=allowed-only'], { home, options: DELETE });
    expect(yes.lines).toEqual(['level allowed-only', 'action delete', 'delete-days 30', 'contacts 0']);
    expect(readState(home, 'spam')).toMatch(/^folder Junk-Expiring\ndays 30$/m);
    // The administrator took the options away: the next change stores junk.
    expect(run('spam', U, ['set', 'tlds=ru'], { home }).lines.slice(0, 2)).toEqual(['level allowed-only', 'action junk']);
  });

  it('the administrator\'s options are checked (exit 2, server configuration error)', () => {
    const cases: [string[], string][] = [
      [['--delete-days=30'], '--delete-folder and --delete-days go together (server configuration error)'],
      [['--delete-folder=Junk'], '--delete-folder and --delete-days go together (server configuration error)'],
      [['--delete-folder=Junk";discard', '--delete-days=3'], '--delete-folder must be a folder name of letters, digits and . _ / - (server configuration error)'],
      [['--delete-folder=.hidden', '--delete-days=3'], '--delete-folder must be a folder name of letters, digits and . _ / - (server configuration error)'],
      [['--delete-folder=Junk', '--delete-days=0'], '--delete-days must be a number of days from 1 to 3999 (server configuration error)'],
      [['--delete-folder=Junk', '--delete-days=4000'], '--delete-days must be a number of days from 1 to 3999 (server configuration error)'],
      [['--frob=1'], 'Unknown module option --frob (server configuration error)'],
    ];
    for (const [options, msg] of cases) {
      const r = run('spam', U, ['show'], { home: newHome(), options });
      expect([options, r.status, r.message]).toEqual([options, 2, msg]);
    }
  });

  it('a state file edited by hand does not become Sieve code', () => {
    const home = newHome();
    expect(run('spam', U, ['set', 'level=allowed-only', 'tlds=de'], { home }).status).toBe(0);
    fs.appendFileSync(stateFile(home, 'spam'), 'tld ru"; discard; #\ncharset x" ]) { discard; } #\nfolder a"; discard; #\n');
    fs.writeFileSync(stateFile(home, 'spam'), fs.readFileSync(stateFile(home, 'spam'), 'utf8').replace('action junk', 'action delete'));
    expect(run('blacklist', U, ['add', 'x@a.bc'], { home }).status).toBe(0);
    expectCompiles(home);
    expect(sieveScript(home)).not.toMatch(/discard/);
    expect(sieveTest(home, 'plain@example.net').actions[0]).toBe('* store message in folder: Junk');
    // The next spam change stores only what is valid.
    fs.appendFileSync(stateFile(home, 'spam'), 'level xyz\n');
    expect(run('spam', U, ['set', 'charsets=big5'], { home }).status).toBe(0);
    expect(readState(home, 'spam')).toBe('level allowed-only\naction junk\ntld de\ncharset big5\n');
  });
});

/** sieveConfig() plus SpamAssassin's spamtest settings (docs/SERVER.md), for sievec. */
function spamConfig(): string {
  const f = sieveConfig();
  const v24 = isDovecot24();
  const lines = spamtestSettings('spamassassin', v24);
  fs.appendFileSync(f, v24 ? `sieve_extensions {\n  spamtest = yes\n  spamtestplus = yes\n}\n${lines.join('\n')}\n`
    : `plugin {\n  sieve_extensions = +spamtest +spamtestplus\n${lines.map((l) => `  ${l}\n`).join('')}}\n`);
  return f;
}

describe('the generated script with every module', () => {
  it('one allow test (whitelist and contacts) around blacklist, blocked lists and level; vacation and forwarding after', () => {
    const config = spamConfig();
    const home = newHome();
    const steps: [string, string[]][] = [
      ['whitelist', ['add', 'boss@example.com']], ['blacklist', ['add', 'bad@example.net']],
      ['vacation', ['set', 'body=away']], ['forwardmail', ['set', 'fwd@example.net', 'keep']],
      ['spam', ['contacts', 'set', 'anna@example.org']],
      ['spam', ['set', 'level=standard', 'tlds=ru', 'charsets=koi8-r']],
    ];
    for (const [m, args] of steps) {
      const r = run(m, U, args, { home, env: { CONFIG_FILE: config } });
      expect([m, r.status, r.stderr]).toEqual([m, 0, '']);
    }
    const s = sieveScript(home);
    expect(s).toMatch(/^require \["envelope", "fileinto", "mailbox", "vacation", "copy", "mime", "spamtestplus", "relational", "comparator-i;ascii-numeric"\];$/m);
    const order = [/^# Senders on the whitelist are exempt/m, /^ {2}# Blacklist/m, /^ {2}# Blocked top-level domains/m,
      /^ {2}# Level standard: a spam score of at least 50%/m, /^}$/m, /^# Forwarding/m, /^# Vacation reply/m];
    const at = order.map((re) => s.search(re));
    expect(at.every((x) => x >= 0), String(at)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The allow test is written once and names both (header From and envelope each).
    expect(s.split('"boss@example.com"').length - 1).toBe(2);
    expect(s.split('"anna@example.org"').length - 1).toBe(2);
    expect(sievec(stateFile(home, 'xexec.sieve'), config)).toEqual({ status: 0, stderr: '' });
    // Level off takes the whole spam part out, and what it alone required.
    expect(run('spam', U, ['off'], { home, env: { CONFIG_FILE: config } }).status).toBe(0);
    expect(sieveScript(home)).not.toMatch(/spamtest|mime|Blocked|# Level/);
  });
});

/** What a plain message may meet after hostile values: nothing, or Junk (a TLD such as net). */
function expectSafeScript(home: string, what: string): void {
  if (!fs.existsSync(stateFile(home, 'xexec.sieve'))) return;
  expectCompiles(home);
  const raw = sieveTest(home, 'plain@example.net').raw;
  const performed = raw.slice(raw.indexOf('\nPerformed actions:\n'), raw.indexOf('\nImplicit keep:\n'));
  for (const a of performed.split('\n').filter((l) => l.startsWith(' * ')).map((l) => l.trim())) {
    expect(a, what).toBe('* store message in folder: Junk');
  }
  const state = readState(home, 'spam') ?? '';
  for (const l of (readState(home, 'contacts') ?? '').split('\n').filter((x) => x !== '')) expect(l, what).toMatch(/^[a-z0-9!#$%&'*+/=^_`{|}~.-]+@[a-z0-9.-]+$/);
  for (const l of state.split('\n').filter((x) => x !== '')) expect(l, what).toMatch(STATE_LINE);
}

const ACTIONS: ((v: Buffer) => Buffer[])[] = [
  (v) => [B('set'), cat('tlds=', v)],
  (v) => [B('set'), cat('tlds=ru,', v, ',cn')],
  (v) => [B('set'), cat('charsets=', v)],
  (v) => [B('set'), cat('level=', v)],
  (v) => [B('set'), cat('action=', v)],
  (v) => [B('set'), B('level=off'), v],
  (v) => [B('set'), cat(v, '=1')],
  (v) => [v],
  (v) => [B('show'), v],
  (v) => [B('contacts'), B('set'), v],
  (v) => [B('contacts'), B('set'), B('ok@example.org'), v],
  (v) => [B('contacts'), v],
];

describe('the hostile-input corpus against spam', () => {
  it.concurrent.each(HOSTILE.map((e) => [e.name, e] as const))('%s', async (_n, e) => {
    const v = hostileBytes(e);
    const home = newHome();
    for (const build of ACTIONS) {
      const args = build(v);
      const what = `spam ${args.map((a) => JSON.stringify(a.toString('latin1').slice(0, 40))).join(' ')}`;
      expectClean(await runFilesAsync('spam', U, args, { home }), what);
    }
    expectSafeScript(home, e.name);
    const r = await runFilesAsync('spam', U, [B('show')], { home });
    expect([r.status, r.stderr]).toEqual([0, '']);
  }, 120_000);
});
