// forwardmail module run directly (PROTOCOL.md §6.3), and how all modules
// share the one Sieve script.
import { describe, expect, it } from 'vitest';
import { expectCompiles, newHome, readState, run, sieveScript, sieveTest } from './run.js';

const U = 'user@example.org';

describe('forwardmail', () => {
  it('show on a fresh account', () => {
    const r = run('forwardmail', U, ['show'], { home: newHome() });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status off', 'keepcopy no']);
  });

  it('set without keep redirects and keeps no copy', () => {
    const home = newHome();
    const r = run('forwardmail', U, ['set', ' Other@Example.NET '], { home });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status on', 'address other@example.net', 'keepcopy no']);
    expect(readState(home, 'forward')).toBe('status on\naddress other@example.net\nkeepcopy no\n');
    const s = sieveScript(home);
    expect(s).toMatch(/^redirect "other@example.net";$/m);
    expect(s).not.toMatch(/^require/m);
    expectCompiles(home);
    const t = sieveTest(home, 'a@example.com');
    expect(t.actions).toEqual(['* redirect message to: <other@example.net>']);
    expect(t.keep).toEqual(['(none)']);
  });

  it('set with keep uses redirect :copy', () => {
    const home = newHome();
    const r = run('forwardmail', U, ['set', 'other@example.net', 'keep'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status on', 'address other@example.net', 'keepcopy yes']);
    const s = sieveScript(home);
    expect(s).toMatch(/^require \["copy"\];$/m);
    expect(s).toMatch(/^redirect :copy "other@example.net";$/m);
    expectCompiles(home);
    const t = sieveTest(home, 'a@example.com');
    expect(t.actions[0]).toBe('* redirect message to: <other@example.net>');
    expect(t.keep).toEqual(['* store message in folder: INBOX']);
  });

  it('off keeps the address and keepcopy; set replaces them', () => {
    const home = newHome();
    run('forwardmail', U, ['set', 'other@example.net', 'keep'], { home });
    let r = run('forwardmail', U, ['off'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status off', 'address other@example.net', 'keepcopy yes']);
    expect(sieveScript(home)).not.toMatch(/^redirect|^require/m);
    expectCompiles(home);
    expect(sieveTest(home, 'a@example.com').actions).toEqual(['(none)']);
    r = run('forwardmail', U, ['set', 'third@example.net'], { home });
    expect(r.lines).toEqual(['status on', 'address third@example.net', 'keepcopy no']);
    expect(run('forwardmail', U, ['show'], { home }).lines).toEqual(r.lines);
  });

  it('off on a fresh account', () => {
    const home = newHome();
    const r = run('forwardmail', U, ['off'], { home });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status off', 'keepcopy no']);
    expectCompiles(home);
  });

  const bad: [string, string[], RegExp][] = [
    ['a domain entry', ['set', '@example.net'], /is not a valid e-mail address/],
    ['no @', ['set', 'nobody'], /is not a valid e-mail address/],
    ['one label', ['set', 'a@localhost'], /is not a valid e-mail address/],
    ['a quote', ['set', 'a"b@example.net'], /is not a valid e-mail address/],
    ['a Sieve injection', ['set', 'a@b.cd"; discard; #'], /is not a valid e-mail address/],
    ['a line break', ['set', 'a@b.cd\nx@y.zz'], /is not a valid e-mail address/],
    ['empty', ['set', ''], /is not a valid e-mail address/],
    ['own address', ['set', 'User@Example.ORG'], /own address/],
    ['own address with keep', ['set', 'user@example.org', 'keep'], /own address/],
    ['a wrong option', ['set', 'a@example.net', 'Keep'], /only option after the address is keep/],
    ['too many words', ['set', 'a@example.net', 'keep', 'x'], /Usage/],
    ['no address', ['set'], /Give the address/],
    ['unknown command', ['on'], /Unknown command 'on'/],
    ['off with a word', ['off', 'x'], /takes no arguments/],
    ['no command', [], /Missing command/],
  ];
  it.each(bad)('refuses %s with exit 2 and changes nothing', (_n, args, msg) => {
    const home = newHome();
    run('forwardmail', U, ['set', 'old@example.net', 'keep'], { home });
    const before = readState(home, 'forward');
    const sieveBefore = sieveScript(home);
    const r = run('forwardmail', U, args, { home });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.message).toMatch(msg);
    expect(readState(home, 'forward')).toBe(before);
    expect(sieveScript(home)).toBe(sieveBefore);
  });

  it('a user name that is not an address may forward anywhere', () => {
    const home = newHome();
    const r = run('forwardmail', 'user', ['set', 'user@example.org'], { home });
    expect(r.status).toBe(0);
  });
});

describe('all modules in one script', () => {
  it('blacklist first (no reply, no forward), then forwarding, then vacation', () => {
    const home = newHome();
    expect(run('blacklist', U, ['add', '@spam.example'], { home }).status).toBe(0);
    expect(run('whitelist', U, ['add', 'ok@spam.example'], { home }).status).toBe(0);
    expect(run('vacation', U, ['set', 'body=Away', 'subject=Away', 'start=2000-01-01'], { home }).status).toBe(0);
    expect(run('forwardmail', U, ['set', 'other@example.net', 'keep'], { home }).status).toBe(0);
    const s = sieveScript(home);
    expect(s).toMatch(/^require \["envelope", "fileinto", "mailbox", "vacation", "date", "relational", "copy"\];$/m);
    const order = ['fileinto :create "Junk"', 'redirect :copy', 'vacation :days 7'].map((x) => s.indexOf(x));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expectCompiles(home);

    const spam = sieveTest(home, 'x@spam.example');
    expect(spam.actions).toEqual(['* store message in folder: Junk', '+ create mailbox if it does not exist']);
    expect(spam.keep).toEqual(['(none)']);

    for (const from of ['friend@example.com', 'ok@spam.example']) {
      const t = sieveTest(home, from);
      expect(t.actions.filter((l) => l.startsWith('* '))).toEqual([
        '* redirect message to: <other@example.net>', '* send vacation message:',
      ]);
      expect(t.keep).toEqual(['* store message in folder: INBOX']);
    }

    // Turning things off drops their requires again.
    expect(run('vacation', U, ['off'], { home }).status).toBe(0);
    expect(run('forwardmail', U, ['off'], { home }).status).toBe(0);
    expect(sieveScript(home)).toMatch(/^require \["envelope", "fileinto", "mailbox"\];$/m);
    expect(run('blacklist', U, ['del', '@spam.example'], { home }).status).toBe(0);
    expect(sieveScript(home)).not.toMatch(/^require|^if/m);
    expectCompiles(home);
  });
});
