// vacation's administrator cap and sender restriction (issue 9, "vacation as
// a spam tool"), run directly; their effect on real deliveries is in
// dovecot.test.ts.
import { describe, expect, it } from 'vitest';
import { expectCompiles, newHome, readState, run, sieveScript, sieveTest } from './run.js';

const U = 'u@example.org';

describe('vacation only= and --max-replies-per-hour', () => {
  it('only= stores normalized, sorted, unique entries and shows them; the script checks the envelope sender', () => {
    const home = newHome();
    const r = run('vacation', U, ['set', 'body=away', 'only=B@Example.org, @Partner.example\na@x.example b@example.org'], { home });
    expect(r.stderr).toBe('');
    expect(r.lines).toEqual(['status on', 'subject ', 'days 7',
      'only @partner.example', 'only a@x.example', 'only b@example.org', 'body away']);
    expectCompiles(home);
    expect(sieveTest(home, 'b@example.org').vacationBody).toContain('away');
    expect(sieveTest(home, 'x@partner.example').vacationBody).toContain('away');
    expect(sieveTest(home, 'stranger@example.net').vacationBody).toBe(null);
    // From header of a listed sender, envelope of a stranger: no reply.
    expect(sieveTest(home, 'b@example.org', { envelope: 'stranger@example.net' }).vacationBody).toBe(null);
    // Kept by a later set without only=, cleared by an empty one.
    expect(run('vacation', U, ['set', 'days=3'], { home }).lines).toContain('only a@x.example');
    expect(run('vacation', U, ['set', 'only='], { home }).lines.filter((l) => l.startsWith('only'))).toEqual([]);
    expect(sieveTest(home, 'stranger@example.net').vacationBody).toContain('away');
  });

  it.each(['x', 'a@b', 'a@b.example,not an address', '"q"@x.example', 'a@-x.example'])('only=%s is refused; nothing changes', (v) => {
    const home = newHome();
    expect(run('vacation', U, ['set', 'body=first'], { home }).status).toBe(0);
    const before = readState(home, 'vacation');
    const r = run('vacation', U, ['set', `only=${v}`], { home });
    expect(r.status).toBe(2);
    expect(r.message).toBe('only= takes addresses or @domain entries separated by commas; one of them is not valid');
    expect(readState(home, 'vacation')).toBe(before);
  });

  it('the cap is stored for the generator (every module regenerates the script), not shown to the user', () => {
    const home = newHome();
    const r = run('vacation', U, ['set', 'body=away'], { home, options: ['--max-replies-per-hour=2'] });
    expect(r.status).toBe(0);
    expect(r.lines).toEqual(['status on', 'subject ', 'days 7', 'body away']);
    expect(readState(home, 'vacation')).toMatch(/^cap 2$/m);
    expect(sieveScript(home).match(/not duplicate :handle "xexec-vacation-cap"/g)).toHaveLength(2);
    // A blacklist change keeps it.
    expect(run('blacklist', U, ['add', 'x@y.example'], { home }).status).toBe(0);
    expect(sieveScript(home).match(/not duplicate :handle "xexec-vacation-cap"/g)).toHaveLength(2);
    expectCompiles(home);
    // Without the option the next vacation command drops it.
    expect(run('vacation', U, ['off'], { home }).status).toBe(0);
    expect(readState(home, 'vacation')).not.toMatch(/^cap/m);
  });

  it.each(['0', '1001', 'x', ''])('--max-replies-per-hour=%s is a configuration error', (v) => {
    const r = run('vacation', U, ['show'], { home: newHome(), options: [`--max-replies-per-hour=${v}`] });
    expect(r.status).toBe(2);
    expect(r.message).toMatch(/server configuration error/);
  });
});
