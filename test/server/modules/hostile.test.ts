// The shared hostile-input corpus (test/vectors/hostile.json) against every
// action of every reference module. A new module gets the whole corpus by
// adding its actions to ACTIONS: each entry must be refused with a clear
// one-line message or stored safely, nothing may crash, and the Sieve script
// must still compile and do nothing but what the state says.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectClean, HOSTILE, hostileBytes, runFilesAsync } from './hardening.js';
import { expectCompiles, newHome, sieveTest, stateFile } from './run.js';

const CORPUS = HOSTILE;
const bytes = hostileBytes;
const B = (s: string) => Buffer.from(s, 'utf8');
const cat = (...p: (string | Buffer)[]) => Buffer.concat(p.map((x) => typeof x === 'string' ? B(x) : x));

const PWNED = '/tmp/xexec-hostile-pwned';

/** Module, then the client's arguments built around the hostile value. */
const ACTIONS: [string, (v: Buffer) => Buffer[]][] = [
  ['blacklist', (v) => [B('add'), v]],
  ['whitelist', (v) => [B('add'), B('ok@example.org'), v]],
  ['blacklist', (v) => [B('del'), v]],
  ['blacklist', (v) => [v]],
  ['forwardmail', (v) => [B('set'), v]],
  ['forwardmail', (v) => [B('set'), B('fwd@example.net'), v]],
  ['forwardmail', (v) => [v]],
  ['vacation', (v) => [B('set'), B('body=ok'), cat('subject=', v)]],
  ['vacation', (v) => [B('set'), cat('body=', v)]],
  ['vacation', (v) => [B('set'), B('body=ok'), cat('days=', v)]],
  ['vacation', (v) => [B('set'), B('body=ok'), cat('start=', v)]],
  ['vacation', (v) => [B('set'), B('body=ok'), cat('only=', v)]],
  ['vacation', (v) => [B('set'), v]],
  ['vacation', (v) => [v]],
];

/** The script compiles and a plain message meets only the actions the state asks for. */
function expectSafeScript(home: string, what: string): void {
  if (!fs.existsSync(stateFile(home, 'xexec.sieve'))) return;
  expectCompiles(home);
  // sieve-test prints each action as " * ..."; a vacation text follows
  // between START MESSAGE and END MESSAGE.
  const raw = sieveTest(home, 'plain@example.net').raw.replace(/\nSTART MESSAGE\n[\s\S]*?\nEND MESSAGE\n/g, '\n');
  const performed = raw.slice(raw.indexOf('\nPerformed actions:\n'), raw.indexOf('\nImplicit keep:\n'));
  // Action lines are indented by one space; the vacation handle (its text)
  // may continue on lines of its own.
  const acts = performed.split('\n').filter((l) => l.startsWith(' * ')).map((l) => l.trim());
  for (const a of acts) {
    expect(a, what).toMatch(/^\* (send vacation message:|redirect message to: <[a-z0-9.+-]+@[a-z0-9.-]+>$)/);
  }
}

describe('the hostile-input corpus (test/vectors/hostile.json)', () => {
  it('has entries, each with text or hex', () => {
    expect(CORPUS.length).toBeGreaterThan(40);
    for (const e of CORPUS) expect(typeof e.name === 'string' && (e.text !== undefined) !== (e.hex !== undefined)).toBe(true);
  });

  // Entries at once (each in its own home); the actions of one entry in order.
  it.concurrent.each(CORPUS.map((e) => [e.name, e] as const))('%s: every list, forwarding and vacation action', async (_n, e) => {
    const v = bytes(e);
    const home = newHome();
    for (const [module, build] of ACTIONS) {
      const args = build(v);
      const what = `${module} ${args.map((a) => JSON.stringify(a.toString('latin1').slice(0, 40))).join(' ')}`;
      const r = await runFilesAsync(module, 'u@example.org', args, { home });
      expectClean(r, what);
      // Text that was accepted comes back byte for byte.
      if (r.status === 0 && module === 'vacation' && args[2]?.subarray(0, 8).toString() === 'subject=') {
        expect(r.lines, what).toContain(`subject ${v.toString('utf8')}`);
      }
    }
    // Every change was compiled before it was installed; what all of them
    // left together compiles and does only what a state can ask for.
    expectSafeScript(home, e.name);
    // A read of every module still works afterwards.
    for (const [m, a] of [['blacklist', 'list'], ['whitelist', 'list'], ['forwardmail', 'show'], ['vacation', 'show']]) {
      const r = await runFilesAsync(m!, 'u@example.org', [B(a!)], { home });
      expect([m, r.status, r.stderr]).toEqual([m, 0, '']);
    }
    expect(fs.existsSync(PWNED)).toBe(false);
  }, 120_000);
});
