import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allNormalEntries, normalizeAddress, normalizeEntry } from '../../src/modules/address.js';

const label63 = 'a'.repeat(63);
const local64 = 'l'.repeat(64);
// 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 bytes
const longest = `${local64}@${label63}.${label63}.${'c'.repeat(61)}`;

describe('normalizeEntry (PROTOCOL.md §6.1)', () => {
  const valid: ReadonlyArray<readonly [string, string]> = [
    ['user@example.com', 'user@example.com'],
    ['@example.com', '@example.com'],
    ['  User@Example.COM \t\r\n', 'user@example.com'],
    ["!#$%&'*+-/=^_`{|}~.@x.io", "!#$%&'*+-/=^_`{|}~.@x.io"],
    ['.a..b.@x.io', '.a..b.@x.io'],
    [`${local64}@x.io`, `${local64}@x.io`],
    [`a@${label63}.io`, `a@${label63}.io`],
    ['a@1.2', 'a@1.2'],
    ['a@a-b.c-d', 'a@a-b.c-d'],
    ['@xn--bcher-kva.example', '@xn--bcher-kva.example'],
    [longest, longest],
  ];
  for (const [input, output] of valid) {
    it(`accepts ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input)}`, () => {
      expect(normalizeEntry(input)).toEqual({ ok: true, value: output });
    });
  }

  const invalid: ReadonlyArray<readonly [string, string]> = [
    ['', 'empty'],
    [' \t ', 'empty'],
    ['example.com', 'missing-at'],
    ['a@b', 'domain'],
    ['a@-b.com', 'domain'],
    ['a@b-.com', 'domain'],
    ['a@b..com', 'domain'],
    ['a@x.com.', 'domain'],
    ['a@.x.com', 'domain'],
    ['a@x_y.com', 'domain'],
    [`a@${'a'.repeat(64)}.io`, 'domain'],
    ['a@bü.com', 'domain'],
    ['a b@x.com', 'local-part'],
    ['a@@x.com', 'local-part'],
    ['a@b@x.com', 'local-part'],
    ['"q"@x.com', 'local-part'],
    ['ü@x.com', 'local-part'],
    ['\u212A@x.com', 'local-part'], // Kelvin sign: toLowerCase() would make it a "k"
    ['\u00a0a@x.com', 'local-part'], // not trimmed: the module trims ASCII blanks only
    ['a\u00a0@x.com', 'local-part'],
    [`${'l'.repeat(65)}@x.io`, 'local-part'],
    [longest + 'c', 'too-long'],
    ['a\n@x.com', 'local-part'],
  ];
  for (const [input, problem] of invalid) {
    it(`refuses ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + '…' : input)} (${problem})`, () => {
      expect(normalizeEntry(input)).toEqual({ ok: false, error: problem });
    });
  }
});

describe('normalizeAddress', () => {
  it('requires a local part', () => {
    expect(normalizeAddress('@example.com')).toEqual({ ok: false, error: 'local-part' });
  });
  it('trims and lower-cases like the forwardmail module', () => {
    expect(normalizeAddress(' Boss@Example.COM ')).toEqual({ ok: true, value: 'boss@example.com' });
  });
  it('refuses what is not an address', () => {
    expect(normalizeAddress('boss')).toEqual({ ok: false, error: 'missing-at' });
    expect(normalizeAddress('boss@localhost')).toEqual({ ok: false, error: 'domain' });
  });
});

describe('allNormalEntries: the one-search check for lists already in normal form', () => {
  it('holds for normalised entries only', () => {
    expect(allNormalEntries(['a@b.example', '@c.example', "x.y+z!#$%&'*/=^_`{|}~-@d-e.example"])).toBe(true);
    for (const bad of ['A@b.example', ' a@b.example', 'a@b.example ', 'a b@c.example', '', 'a@b', 'a@-b.example', 'key value', `${'a'.repeat(65)}@b.example`]) {
      expect(allNormalEntries(['a@b.example', bad]), JSON.stringify(bad)).toBe(false);
    }
    expect(allNormalEntries([`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`])).toBe(true);
    expect(allNormalEntries([`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`])).toBe(false);
    expect(allNormalEntries([])).toBe(false);
    expect(allNormalEntries(['a@b.example', new Uint8Array([0x61, 0x40, 0x62])])).toBe(false);
  });

  it('agrees with normalizeEntry on any line: true exactly when each line comes back unchanged', () => {
    const char = fc.constantFrom(...'aZ0.@-_ +\t\u212a!#'.split(''));
    const line = fc.oneof(fc.array(char, { maxLength: 12 }).map((c) => c.join('')), fc.constantFrom('a@b.example', '@x.example'));
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), (lines) => {
      const unchanged = lines.every((l) => {
        const n = normalizeEntry(l);
        return n.ok && n.value === l;
      });
      expect(allNormalEntries(lines)).toBe(unchanged);
    }), { numRuns: 3000 });
  });
});
