// The alerts module run directly (PROTOCOL.md §5, §6.6): its command line, every value check,
// the code's rules (24 hours, 5 wrong tries, 3 codes an hour), the administrator's options, and
// the shared hostile-input corpus (test/vectors/hostile.json) against each of its actions:
// refused with a clear one-line message or stored safely; the Sieve script still compiles and
// does nothing but what the state says (with "variables" required, "${...}" of user text stays
// literal).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectClean, HOSTILE, hostileBytes, runFilesAsync } from './hardening.js';
import { expectCompiles, newHome, readState, run, sieveScript, sieveTest, stateFile, tempDir, type RunOptions } from './run.js';

const U = 'user@example.org';
const TARGET = 'boss@sms.example';
const B = (s: string) => Buffer.from(s, 'utf8');
const cat = (...p: (string | Buffer)[]) => Buffer.concat(p.map((x) => typeof x === 'string' ? B(x) : x));

/** A capturing sendmail in a temp folder (the module runs it as PATH -i -f FROM -- TARGET). */
function capture(): { dir: string; program: string; codes: () => { args: string[]; code: string }[] } {
  const dir = tempDir('xexec-alerts-cap-');
  fs.chmodSync(dir, 0o777);
  const program = path.join(dir, 'sendmail');
  fs.writeFileSync(program, `#!/bin/sh\nn=$(date +%s%N).$$\n{ printf '%s\\n' "$@"; printf -- '----\\n'; cat; } > "${dir}/$n.eml"\n`, { mode: 0o755 });
  const codes = () => fs.readdirSync(dir).filter((n) => n.endsWith('.eml')).sort().map((n) => {
    const t = fs.readFileSync(path.join(dir, n), 'utf8');
    return { args: t.split('\n----\n')[0]!.split('\n'), code: /^Subject: Mail alert code (\d{6})\r$/m.exec(t)?.[1] ?? '' };
  });
  return { dir, program, codes };
}

function alerts(args: string[], o: RunOptions & { sendmail: string }) {
  return run('alerts', U, args, { ...o, options: [`--sendmail=${o.sendmail}`, ...(o.options ?? [])] });
}

/** Every line a state file may hold. */
const STATE_LINE = /^(status (on|off)|target [^\s]+@[^\s]+|confirmed (yes|no)|urgent (yes|no)|contacts (yes|no)|cap \d+|length \d+|from [^\s]+|domain [a-z0-9.-]+|sender [^\s]*@[^\s]+|word [^,\x00-\x1f\x7f]{1,64})$/;

describe('alerts: commands, values and the code', () => {
  it('show on a fresh account prints the defaults and the administrator\'s cap and domains; creates no state', () => {
    const home = newHome();
    const r = run('alerts', U, ['show'], { home, options: ['--target-domains=SMS.example,pager.example', '--max-per-hour=5'] });
    expect([r.status, r.stderr, r.lines]).toEqual([0, '', ['status off', 'confirmed no', 'urgent no', 'contacts no',
      'max-per-hour 5', 'target-domain pager.example', 'target-domain sms.example']]);
    expect(fs.existsSync(stateFile(home, ''))).toBe(false);
  });

  it('narrowed --target-domains: any run stores them and suspends a target outside them (no notify, target-allowed no), other modules keep it so; resend refused; allowed again, alerts resume', () => {
    const home = confirmedHome(['words=urgent']);
    const c = capture();
    const narrow = { home, sendmail: c.program, options: ['--target-domains=pager.example'] };
    expect(sieveScript(home)).toMatch(/notify/);
    let r = alerts(['show'], narrow);
    expect([r.status, r.stderr, r.lines.slice(2)]).toEqual([0, '', ['confirmed yes', 'word urgent', 'urgent no', 'contacts no', 'max-per-hour 10',
      'target-domain pager.example', 'target-allowed no']]);
    expect(readState(home, 'alerts')).toMatch(/^domain pager\.example$/m);
    expect(sieveScript(home)).not.toMatch(/notify|sms/);
    expect(notified(home, 'a@example.net', { subject: 'urgent' })).toBe(0);
    // Another module's change regenerates the script from the stored state: still nothing.
    expect(run('blacklist', U, ['add', 'pest@example.net'], { home }).status).toBe(0);
    expect(sieveScript(home)).not.toMatch(/notify/);
    // A second show with the same options changes nothing.
    const state = readState(home, 'alerts');
    expect(alerts(['show'], narrow).lines.at(-1)).toBe('target-allowed no');
    expect(readState(home, 'alerts')).toBe(state);
    // An unconfirmed target outside the domains gets no new code.
    const other = confirmedHome(['urgent=yes']);
    expect(alerts(['set', 'target=new@sms.example'], { home: other, sendmail: c.program }).status).toBe(0);
    r = alerts(['resend'], { ...narrow, home: other });
    expect([r.status, r.message]).toEqual([1, 'Alerts can now only be sent to addresses at pager.example; set another target']);
    expect(c.codes()).toHaveLength(1);
    // Allowed again: the stored target was never unconfirmed.
    r = alerts(['show'], { home, sendmail: c.program, options: ['--target-domains=pager.example,sms.example'] });
    expect(r.lines.slice(-3)).toEqual(['target-domain pager.example', 'target-domain sms.example', 'target-allowed yes']);
    expect(notified(home, 'a@example.net', { subject: 'urgent' })).toBe(1);
    expect(alerts(['show'], { home, sendmail: c.program }).lines.at(-1)).toBe('max-per-hour 10');
    expect(readState(home, 'alerts')).not.toMatch(/^domain /m);
    expect(notified(home, 'a@example.net', { subject: 'urgent' })).toBe(1);
    expectCompiles(home);
  });

  it('the code: one message per new target, nothing in the script before confirm; 5 wrong codes void it; resend; 3 codes an hour', () => {
    const home = newHome();
    const c = capture();
    const o = { home, sendmail: c.program };
    let r = alerts(['set', `target=${TARGET}`, 'words=urgent'], o);
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(c.codes()).toHaveLength(1);
    expect(c.codes()[0]!.args).toEqual(['-i', '-f', U, '--', TARGET]);
    expect(sieveScript(home)).not.toMatch(/notify|sms/);
    expect(readState(home, 'alerts')).not.toContain(c.codes()[0]!.code);
    expect(fs.statSync(stateFile(home, 'alerts-code')).mode & 0o777).toBe(0o600);
    // The same target again: no second code.
    expect(alerts(['set', `target=${TARGET}`, 'urgent=yes'], o).status).toBe(0);
    expect(c.codes()).toHaveLength(1);
    const code = c.codes()[0]!.code;
    const wrong = code === '999999' ? '888888' : '999999';
    for (let i = 4; i >= 1; i--) {
      r = alerts(['confirm', wrong], o);
      expect([r.status, r.message]).toEqual([2, `That is not the code sent to ${TARGET}; ${i} tries left`]);
    }
    r = alerts(['confirm', wrong], o);
    expect([r.status, r.message]).toEqual([1, 'The code was wrong 5 times and is no longer valid; ask for a new one (resend)']);
    r = alerts(['confirm', code], o);
    expect([r.status, r.message]).toEqual([1, 'No confirmation code is waiting for this target; ask for a new one (resend)']);
    expect(sieveScript(home)).not.toMatch(/notify/);
    // resend: the second code of the hour; it confirms.
    expect(alerts(['resend'], o).status).toBe(0);
    expect(c.codes()).toHaveLength(2);
    r = alerts(['confirm', c.codes()[1]!.code], o);
    expect([r.status, r.lines[2]]).toEqual([0, 'confirmed yes']);
    expect(sieveScript(home)).toMatch(/notify :message "\$\{xexec_subject\}" "mailto:boss@sms\.example\?body=\$\{xexec_body\}";/);
    expect(fs.existsSync(stateFile(home, 'alerts-code'))).toBe(false);
    expect([alerts(['resend'], o).status, alerts(['resend'], o).message]).toEqual([1, 'The target address is already confirmed']);
    // A new target: unconfirmed again, the third code; a fourth in the hour is refused and changes nothing.
    expect(alerts(['set', 'target=other@sms.example'], o).lines.slice(1, 3)).toEqual(['target other@sms.example', 'confirmed no']);
    expect(sieveScript(home)).not.toMatch(/notify/);
    const state = readState(home, 'alerts');
    r = alerts(['set', 'target=third@sms.example'], o);
    expect([r.status, r.message]).toEqual([1, 'At most 3 confirmation codes can be sent in an hour; please try again later']);
    expect([alerts(['resend'], o).status, readState(home, 'alerts')]).toEqual([1, state]);
    expect(c.codes()).toHaveLength(3);
    // An expired code.
    fs.writeFileSync(stateFile(home, 'alerts-code'), fs.readFileSync(stateFile(home, 'alerts-code'), 'utf8').replace(/^expires \d+$/m, 'expires 1000'));
    r = alerts(['confirm', c.codes()[2]!.code], o);
    expect([r.status, r.message]).toEqual([1, 'The confirmation code has expired; ask for a new one (resend)']);
    expectCompiles(home);
  });

  it('set needs a target and a condition on a fresh account', () => {
    const home = newHome();
    const o = { home, sendmail: capture().program };
    expect([alerts(['set', 'urgent=yes'], o).status, alerts(['set', 'urgent=yes'], o).message]).toEqual([2, 'Give the address alerts go to: target=<address>']);
    const r = alerts(['set', `target=${TARGET}`], o);
    expect([r.status, r.message]).toEqual([2, 'Choose at least one condition: senders=, words=, urgent=yes or contacts=yes']);
    expect(fs.existsSync(stateFile(home, 'alerts'))).toBe(false);
  });

  it('a sendmail that fails: the settings are kept, the user is told to resend', () => {
    const home = newHome();
    const r = alerts(['set', `target=${TARGET}`, 'urgent=yes'], { home, sendmail: '/bin/false' });
    expect([r.status, r.stdout, r.message]).toEqual([1, '', 'Your settings were saved, but the confirmation code could not be sent; try resend later']);
    expect(readState(home, 'alerts')).toMatch(/^confirmed no$/m);
  });

  const refused: [string[], string[], RegExp][] = [
    [[], [], /^Missing command: use show, set, off, confirm, resend or contacts$/],
    [[], ['frob'], /^Unknown command 'frob': use show, set, off, confirm, resend or contacts$/],
    [[], ['set'], /^Give at least one of target=, senders=, words=, urgent=, contacts=$/],
    [[], ['set', 'urgent'], /^'urgent' is not of the form key=value$/],
    [[], ['set', 'urgent=yes', 'urgent=no'], /^The key 'urgent' is given more than once$/],
    [[], ['set', 'colour=red'], /^Unknown key 'colour': use target, senders, words, urgent or contacts$/],
    [[], ['set', 'urgent=YES'], /^urgent must be yes or no$/],
    [[], ['set', 'contacts=1'], /^contacts must be yes or no$/],
    [[], ['set', `target=${U}`], /^Alerts cannot be sent to this mailbox's own address$/],
    [[], ['set', 'target=USER@Example.org'], /^Alerts cannot be sent to this mailbox's own address$/],
    [[], ['set', 'target=@sms.example'], /^'@sms\.example' is not a valid e-mail address$/],
    [[], ['set', 'target=a"b@sms.example'], /is not a valid e-mail address$/],
    [['--target-domains=sms.example,pager.example'], ['set', 'target=x@evil.example'],
      /^Alerts can only be sent to addresses at pager\.example, sms\.example$/],
    [['--target-domains=sms.example'], ['set', 'target=x@sub.sms.example'], /^Alerts can only be sent to addresses at sms\.example$/],
    [[], ['set', 'senders='], /^Choose at least one condition: senders=, words=, urgent=yes or contacts=yes$/],
    [[], ['set', `target=${TARGET}`, 'urgent=no', 'words=', 'senders='], /^Choose at least one condition/],
    [[], ['set', 'senders=a@b.cd,nobody'], /^senders= takes addresses or @domain entries separated by commas; one of them is not valid$/],
    [[], ['set', `words=${'w'.repeat(65)}`], /^A word or phrase must be at most 64 bytes long$/],
    [[], ['set', `words=${Array.from({ length: 51 }, (_, i) => `w${i}`).join(',')}`], /^At most 50 words can be chosen$/],
    [[], ['set', `senders=${Array.from({ length: 101 }, (_, i) => `s${i}@b.cd`).join(',')}`], /^At most 100 senders can be chosen$/],
    [[], ['set', 'words=a\tb'], /^A word must not contain control characters$/],
    [[], ['set', 'words=a\x1bb'], /^A word must not contain control characters$/],
    [[], ['confirm'], /^Usage: alerts confirm <code>$/],
    [[], ['confirm', '12345a'], /^The confirmation code is the 6 digits sent to the target address$/],
    [[], ['confirm', '1234567'], /^The confirmation code is the 6 digits/],
    [[], ['resend', 'x'], /^The resend command takes no arguments$/],
    [[], ['off', 'x'], /^The off command takes no arguments$/],
    [[], ['show', 'x'], /^The show command takes no arguments$/],
    [[], ['contacts', 'add', 'a@b.cd'], /^Use contacts list, contacts set <address>\.\.\. or contacts clear$/],
  ];
  it.each(refused)('with %j refuses %j with exit 2 and changes nothing', (options, args, msg) => {
    const home = newHome();
    const c = capture();
    expect(alerts(['set', 'target=first@sms.example', 'senders=@partner.example'], { home, sendmail: c.program }).status).toBe(0);
    const before = readState(home, 'alerts');
    const script = sieveScript(home);
    const r = alerts(args, { home, sendmail: c.program, options });
    expect([r.status, r.stdout]).toEqual([2, '']);
    expect(r.message).toMatch(msg);
    expect(readState(home, 'alerts')).toBe(before);
    expect(sieveScript(home)).toBe(script);
    expect(c.codes()).toHaveLength(1);
  });

  it('set normalizes (case, separators, duplicates, trimming) and keeps what is not given; off keeps all', () => {
    const home = newHome();
    const c = capture();
    const o = { home, sendmail: c.program };
    let r = alerts(['set', 'target= Boss@SMS.Example ', 'senders=B@Example.org, @Partner.example\nb@example.org', 'words= Budget ,\r\nboard meeting,Budget,,'], o);
    expect([r.status, r.stderr]).toEqual([0, '']);
    const want = ['status on', `target ${TARGET}`, 'confirmed no', 'sender @partner.example', 'sender b@example.org',
      'word Budget', 'word board meeting', 'urgent no', 'contacts no', 'max-per-hour 10'];
    expect(r.lines).toEqual(want);
    r = alerts(['set', 'urgent=yes'], o);
    expect(r.lines).toEqual(want.map((l) => l === 'urgent no' ? 'urgent yes' : l));
    expect(alerts(['off'], o).lines[0]).toBe('status off');
    expect(alerts(['show'], o).lines.slice(1)).toEqual(want.slice(1).map((l) => l === 'urgent no' ? 'urgent yes' : l));
    expect(readState(home, 'alerts')!.split('\n').filter((l) => l !== '').every((l) => STATE_LINE.test(l))).toBe(true);
    expect(fs.statSync(stateFile(home, 'alerts')).mode & 0o777).toBe(0o600);
  });

  it('the administrator\'s options are checked (exit 2, server configuration error)', () => {
    const cases: [string[], string][] = [
      [['--max-per-hour=0'], '--max-per-hour must be a number from 1 to 1000 (server configuration error)'],
      [['--max-per-hour=1001'], '--max-per-hour must be a number from 1 to 1000 (server configuration error)'],
      [['--length=19'], '--length must be a number from 20 to 1000 (server configuration error)'],
      [['--length=x'], '--length must be a number from 20 to 1000 (server configuration error)'],
      [['--target-domains=a.example,-x'], '--target-domains must be domain names separated by commas (server configuration error)'],
      [['--target-domains='], '--target-domains must be domain names separated by commas (server configuration error)'],
      [['--sendmail=sendmail'], '--sendmail must be an absolute path (server configuration error)'],
      [['--sendmail=/usr/sbin/sendmail -t'], '--sendmail must be an absolute path (server configuration error)'],
      [['--from=postmaster'], '--from must be an e-mail address (server configuration error)'],
      [['--max-per-hour=2', '--max-per-hour=3'], 'Module option --max-per-hour is given twice (server configuration error)'],
      [['--frob=1'], 'Unknown module option --frob (server configuration error)'],
    ];
    for (const [options, msg] of cases) {
      const r = run('alerts', U, ['show'], { home: newHome(), options });
      expect([options, r.status, r.message]).toEqual([options, 2, msg]);
    }
  });
});

/** Confirms TARGET for a fresh home with these keys; returns the home. */
function confirmedHome(keys: string[], options: string[] = []): string {
  const home = newHome();
  const c = capture();
  const o = { home, sendmail: c.program, options };
  expect(alerts(['set', `target=${TARGET}`, ...keys], o).status).toBe(0);
  expect(alerts(['confirm', c.codes()[0]!.code], o).status).toBe(0);
  return home;
}

const notified = (home: string, from: string, o: { envelope?: string; subject?: string } = {}) =>
  sieveTest(home, from, o).actions.filter((a) => a.startsWith("* send notification with method 'mailto:'")).length;

describe('the generated script: "${...}" of user text stays literal with "variables" required', () => {
  it('a word "${x}" matches only a subject containing "${x}", not every subject (an expansion to "" would)', () => {
    const home = confirmedHome(['words=${x},$${y}']);
    expect(sieveScript(home)).toMatch(/"\$\{xexec_d\}\{x\}"/);
    expect(notified(home, 'a@example.net', { subject: 'hello' })).toBe(0);
    expect(notified(home, 'a@example.net', { subject: 'price ${x} today' })).toBe(1);
    expect(notified(home, 'a@example.net', { subject: '$${y}' })).toBe(1);
  });

  it('a sender "a${x}@b.cd" on the lists and in alerts does not match "a@b.cd"', () => {
    const home = confirmedHome(['senders=a${x}@b.cd']);
    expect(run('blacklist', U, ['add', 'q${x}@b.cd'], { home }).status).toBe(0);
    expect(notified(home, 'a@b.cd')).toBe(0);
    expect(notified(home, 'a${x}@b.cd')).toBe(1);
    expect(sieveTest(home, 'q@b.cd').actions).not.toContain('* store message in folder: Junk');
    expect(sieveTest(home, 'q${x}@b.cd').actions).toContain('* store message in folder: Junk');
  });

  it('a vacation text with "${x}" is sent literally while alerts are on', () => {
    const home = confirmedHome(['urgent=yes']);
    expect(run('vacation', U, ['set', 'body=Back on ${date}.\n${1} \\${x}', 'subject=Away ${x}'], { home }).status).toBe(0);
    expectCompiles(home);
    const t = sieveTest(home, 'x@example.net');
    expect(t.vacationBody).toContain('Back on ${date}.\n${1} \\${x}');
    expect(t.raw).toMatch(/=> subject +: Away \$\{x\}\n/);
  });

  it('the target is percent-encoded in the mailto: URI (no "?", "#", "%" or "${" can mean anything there)', () => {
    const home = confirmedHome(['words=hi']);
    const c = capture();
    const o = { home, sendmail: c.program };
    expect(alerts(['set', "target=o'hara+${x}#%?@sms.example"], o).status).toBe(2);
    expect(alerts(['set', "target=o'hara+${x}#%@sms.example"], o).status).toBe(0);
    expect(alerts(['confirm', c.codes()[0]!.code], o).status).toBe(0);
    expect(sieveScript(home)).toContain('"mailto:o%27hara%2B%24%7Bx%7D%23%25@sms.example?body=${xexec_body}"');
    expect(sieveTest(home, 'x@example.net', { subject: 'hi' }).raw).toContain("+ To: o'hara+${x}#%@sms.example");
  });
});

const ACTIONS: ((v: Buffer) => Buffer[])[] = [
  (v) => [B('set'), cat('target=', v), B('urgent=yes')],
  (v) => [B('set'), cat('senders=', v)],
  (v) => [B('set'), cat('senders=a@b.cd,', v)],
  (v) => [B('set'), cat('words=', v)],
  (v) => [B('set'), cat('words=x,', v, ',y')],
  (v) => [B('set'), cat('urgent=', v)],
  (v) => [B('set'), cat('contacts=', v)],
  (v) => [B('set'), B('urgent=yes'), v],
  (v) => [B('set'), cat(v, '=1')],
  (v) => [B('confirm'), v],
  (v) => [v],
  (v) => [B('show'), v],
  (v) => [B('contacts'), B('set'), v],
];

describe('the hostile-input corpus against alerts', () => {
  it.concurrent.each(HOSTILE.map((e) => [e.name, e] as const))('%s', async (_n, e) => {
    const v = hostileBytes(e);
    const home = confirmedHome(['urgent=yes', 'words=start']);
    const c = capture();
    for (const build of ACTIONS) {
      const args = build(v);
      const what = `alerts ${args.map((a) => JSON.stringify(a.toString('latin1').slice(0, 40))).join(' ')}`;
      expectClean(await runFilesAsync('alerts', U, args, { home, options: [`--sendmail=${c.program}`] }), what);
    }
    expectCompiles(home);
    for (const l of readState(home, 'alerts')!.split('\n').filter((x) => x !== '')) expect(l, e.name).toMatch(STATE_LINE);
    // Whatever was stored: a plain message is at most notified, never anything else.
    const t = sieveTest(home, 'plain@example.net', { subject: 'plain' });
    for (const a of t.actions.filter((x) => x.startsWith('* '))) {
      expect(a, e.name).toMatch(/^\* (send notification with method 'mailto:':|track duplicate with handle: xexec-alerts-cap)$/);
    }
    const r = await runFilesAsync('alerts', U, [B('show')], { home });
    expect([r.status, r.stderr]).toEqual([0, '']);
  }, 120_000);
});
