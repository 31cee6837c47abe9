// blacklist / whitelist modules run directly (PROTOCOL.md §6.1).
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  expectCompiles, newHome, readState, run, runBytes, sieveConfig, sieveScript, sieveTest, stateFile,
} from './run.js';

const U = 'user@example.org';

describe.each(['blacklist', 'whitelist'])('%s', (list) => {
  it('list on a fresh account prints nothing and creates no state', () => {
    const home = newHome();
    const r = run(list, U, ['list'], { home });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(stateFile(home, ''))).toBe(false);
  });

  it('add trims and lower-cases, reports each argument, keeps the list sorted and unique', () => {
    const home = newHome();
    let r = run(list, U, ['add', ' Spam@Example.COM\t', '@SPAM.example', 'x+tag@a.bc', 'spam@example.com'], { home });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual([
      'added spam@example.com', 'added @spam.example', 'added x+tag@a.bc', 'exists spam@example.com',
    ]);
    r = run(list, U, ['add', 'x+tag@a.bc', 'new@a.bc'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['exists x+tag@a.bc', 'added new@a.bc']);
    r = run(list, U, ['list'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['@spam.example', 'new@a.bc', 'spam@example.com', 'x+tag@a.bc']);
    expect(readState(home, list)).toBe('@spam.example\nnew@a.bc\nspam@example.com\nx+tag@a.bc\n');
    expect(fs.statSync(stateFile(home, '')).mode & 0o777).toBe(0o700);
    expect(fs.statSync(stateFile(home, list)).mode & 0o777).toBe(0o600);
  });

  it('del reports removed/absent per argument and keeps the rest', () => {
    const home = newHome();
    expect(run(list, U, ['add', 'a@a.bc', 'b@a.bc', '@c.de'], { home }).status).toBe(0);
    const r = run(list, U, ['del', 'B@A.BC', 'nope@a.bc', 'b@a.bc'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['removed b@a.bc', 'absent nope@a.bc', 'absent b@a.bc']);
    expect(run(list, U, ['list'], { home }).lines).toEqual(['@c.de', 'a@a.bc']);
    const all = run(list, U, ['del', 'a@a.bc', '@c.de'], { home });
    expect(all.lines).toEqual(['removed a@a.bc', 'removed @c.de']);
    expect(run(list, U, ['list'], { home }).stdout).toBe('');
    expectCompiles(home);
  });

  it('accepts the edges of the entry grammar', () => {
    const home = newHome();
    const valid = [
      '@a.bc', '{weird}|~`^=/&%$#!*\'.-@a.bc', `${'l'.repeat(64)}@a.bc`, `x@${'d'.repeat(63)}.bc`,
      // 254 bytes, the longest entry.
      'x@1-2.3', `@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`,
    ];
    const r = run(list, U, ['add', ...valid], { home });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(valid.map((v) => `added ${v.toLowerCase()}`));
    expectCompiles(home);
  });

  const invalid = [
    '', ' ', '@', 'nobody', 'a@b', 'a@b.', 'a@.b.c', 'a@b..c', '@-a.bc', '@a-.bc', 'a@b_c.de',
    'a b@c.de', 'a"b@c.de', 'a\\b@c.de', 'a?b@c.de', 'a@b@c.de', 'a(b)@c.de', 'a,b@c.de',
    `${'l'.repeat(65)}@a.bc`, `x@${'d'.repeat(64)}.bc`, `@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`,
    'line\n@a.bc', 'a@b.c\nd', 'tab\t@a.bc', 'Grüße@a.bc', 'a@ä.de', '"; discard; #@a.bc',
  ];
  it.each(invalid)('add refuses %j with exit 2 and changes nothing', (bad) => {
    const home = newHome();
    expect(run(list, U, ['add', 'keep@a.bc'], { home }).status).toBe(0);
    const before = readState(home, list);
    const sieveBefore = sieveScript(home);
    for (const cmd of ['add', 'del']) {
      const r = run(list, U, [cmd, 'ok@a.bc', bad, 'keep@a.bc'], { home });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.message).toMatch(/is not a valid address or @domain entry; nothing was changed$/);
      // The message names the entry (control bytes shown as "?").
      expect(r.message).toContain(`'${bad.replace(/[\x00-\x1f]/g, '?')}'`);
      expect(readState(home, list)).toBe(before);
      expect(sieveScript(home)).toBe(sieveBefore);
    }
  });

  it('refuses an entry that is not UTF-8 (raw bytes)', () => {
    const home = newHome();
    const r = runBytes(list, U, [Buffer.from('add'), Buffer.from([0xff, 0x40, 0x61, 0x2e, 0x62, 0x63])], { home });
    expect(r.status).toBe(2);
    expect(readState(home, list)).toBeNull();
  });

  it('usage errors exit 2 with a sentence', () => {
    const home = newHome();
    const cases: [string[], RegExp][] = [
      [[], /Missing command/],
      [['frobnicate'], /Unknown command 'frobnicate'/],
      [['LIST'], /Unknown command/],
      [['list', 'x'], /takes no arguments/],
      [['add'], /at least one/],
      [['del'], /at least one/],
    ];
    for (const [args, msg] of cases) {
      const r = run(list, U, args, { home });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.message).toMatch(msg);
    }
  });
});

describe('blacklist and whitelist in the Sieve script', () => {
  it('has no require for unused extensions and files blacklisted senders into Junk', () => {
    const home = newHome();
    expect(run('blacklist', U, ['add', 'spam@example.com', '@spam.example'], { home }).status).toBe(0);
    const s = sieveScript(home);
    expect(s).toMatch(/^require \["envelope", "fileinto", "mailbox"\];$/m);
    expect(s).not.toMatch(/^\s*(vacation|redirect)\b|"copy"|"date"|"vacation"/m);
    expectCompiles(home);
    expect(sieveTest(home, 'spam@example.com').actions)
      .toEqual(['* store message in folder: Junk', '+ create mailbox if it does not exist']);
    expect(sieveTest(home, 'SPAM@Example.COM').actions[0]).toBe('* store message in folder: Junk');
    expect(sieveTest(home, 'anyone@spam.example').actions[0]).toBe('* store message in folder: Junk');
    // Only the domain itself, not its subdomains or look-alikes.
    expect(sieveTest(home, 'x@sub.spam.example').keep).toEqual(['* store message in folder: INBOX']);
    expect(sieveTest(home, 'x@notspam.example').keep).toEqual(['* store message in folder: INBOX']);
    // Envelope sender alone is enough.
    const env = sieveTest(home, 'friend@example.net', { envelope: 'spam@example.com' });
    expect(env.actions[0]).toBe('* store message in folder: Junk');
    expect(sieveTest(home, 'friend@example.net').actions).toEqual(['(none)']);
  });

  it('a whitelisted sender passes the blacklist (header From or envelope)', () => {
    const home = newHome();
    expect(run('blacklist', U, ['add', '@example.com', 'bad@example.net'], { home }).status).toBe(0);
    // A whitelist alone is no filter at all: nothing to exempt from.
    const wlHome = newHome();
    expect(run('whitelist', U, ['add', 'boss@example.com'], { home: wlHome }).status).toBe(0);
    expect(sieveScript(wlHome)).not.toMatch(/require|if /);
    expectCompiles(wlHome);

    expect(run('whitelist', U, ['add', 'boss@example.com', '@example.net'], { home }).status).toBe(0);
    expectCompiles(home);
    expect(sieveTest(home, 'worker@example.com').actions[0]).toBe('* store message in folder: Junk');
    expect(sieveTest(home, 'Boss@Example.com').keep).toEqual(['* store message in folder: INBOX']);
    expect(sieveTest(home, 'worker@example.com', { envelope: 'boss@example.com' }).keep)
      .toEqual(['* store message in folder: INBOX']);
    expect(sieveTest(home, 'bad@example.net').keep).toEqual(['* store message in folder: INBOX']);
    expect(run('whitelist', U, ['del', '@example.net'], { home }).status).toBe(0);
    expect(sieveTest(home, 'bad@example.net').actions[0]).toBe('* store message in folder: Junk');
  });
});

describe('100,000 entries', () => {
  // sieve_max_script_size defaults to 1 MiB: a list this long needs the
  // administrator to raise it. sievec reads CONFIG_FILE like every Dovecot tool.
  const env = { CONFIG_FILE: sieveConfig() };
  const entries = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? `@d${i}.example` : `user${i}@host${i % 97}.example`));
  const sorted = [...entries].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  it('adds in batches, lists fast and correctly, adds and deletes on the big list', () => {
    const home = newHome();
    let t = Date.now();
    for (let i = 0; i < entries.length; i += 25_000) {
      const r = run('blacklist', U, ['add', ...entries.slice(i, i + 25_000)], { home, env });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.lines.length).toBe(25_000);
      expect(r.lines.every((l) => l.startsWith('added '))).toBe(true);
    }
    console.log(`blacklist: 4 x add 25,000 entries: ${Date.now() - t} ms`);

    t = Date.now();
    const l = run('blacklist', U, ['list'], { home });
    console.log(`blacklist: list 100,000 entries: ${Date.now() - t} ms (including node's spawn)`);
    expect(l.status).toBe(0);
    expect(l.lines).toEqual(sorted);

    t = Date.now();
    const a = run('blacklist', U, ['add', 'late@a.bc', entries[5]!, '@a.example'], { home, env });
    console.log(`blacklist: add 3 entries to 100,000: ${Date.now() - t} ms`);
    expect(a.status).toBe(0);
    expect(a.lines).toEqual(['added late@a.bc', `exists ${entries[5]}`, 'added @a.example']);

    t = Date.now();
    const d = run('blacklist', U, ['del', entries[7]!, 'nope@a.bc'], { home, env });
    console.log(`blacklist: del 2 entries from 100,002: ${Date.now() - t} ms`);
    expect(d.lines).toEqual([`removed ${entries[7]}`, 'absent nope@a.bc']);
    const after = run('blacklist', U, ['list'], { home }).lines;
    expect(after.length).toBe(100_001);
    expect(after).toEqual([...sorted.filter((e) => e !== entries[7]), 'late@a.bc', '@a.example']
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expectCompiles(home);
    expect(sieveTest(home, entries[3]!).actions[0]).toBe('* store message in folder: Junk');
    expect(sieveTest(home, 'x@d10.example').actions[0]).toBe('* store message in folder: Junk');
  }, 120_000);

  it('with the default size limit a too-long list is refused, and nothing changes', () => {
    const home = newHome();
    // 50,000 entries need about 2.5 MB of Sieve, over the default 1 MiB.
    const r1 = run('blacklist', U, ['add', ...entries.slice(0, 1000)], { home });
    expect(r1.status).toBe(0);
    const before = readState(home, 'blacklist');
    const sieveBefore = sieveScript(home);
    const r = run('blacklist', U, ['add', ...entries.slice(1000, 50_000)], { home });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.message).toBe("The mail filter would exceed the server's Sieve size limit (sieve_max_script_size); nothing was changed");
    expect(readState(home, 'blacklist')).toBe(before);
    expect(sieveScript(home)).toBe(sieveBefore);
    expect(fs.readdirSync(stateFile(home, '')).sort()).toEqual(['.lock', 'blacklist', 'xexec.sieve', 'xexec.svbin']);
  }, 60_000);
});
