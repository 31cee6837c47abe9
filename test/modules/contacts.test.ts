// The trusted contacts' one builder (PROTOCOL.md §6.5, §6.6), used by spam and alerts alike.
import { describe, expect, it } from 'vitest';
import { contactsArgs, MAX_CONTACTS_BYTES } from '../../src/modules/contacts.js';

/** `n` distinct addresses of 18 characters each: `c00000@example.org`, ... */
function addresses(n: number, local = (i: number) => `c${String(i).padStart(5, '0')}`): string[] {
  return Array.from({ length: n }, (_, i) => `${local(i)}@example.org`);
}

describe('contactsArgs', () => {
  it('set: addresses in normal form, sorted bytewise, unique', () => {
    expect(contactsArgs(['Tom@Partner.example', 'anna@example.com', 'tom@partner.example', 'Zed@example.com'])).toEqual({
      ok: true, value: ['contacts', 'set', 'anna@example.com', 'tom@partner.example', 'zed@example.com'],
    });
  });

  it('none is clear, since set needs an address', () => {
    expect(contactsArgs([])).toEqual({ ok: true, value: ['contacts', 'clear'] });
  });

  it('one bad address refuses the whole list and says which', () => {
    expect(contactsArgs(['a@example.com', '@example.org', 'nobody'])).toEqual({
      ok: false, error: { kind: 'invalid-address', index: 1, value: '@example.org', problem: 'local-part' },
    });
    expect(contactsArgs(['nobody'])).toMatchObject({ ok: false, error: { kind: 'invalid-address', index: 0, problem: 'missing-at' } });
  });

  it('refuses a list whose command would not fit in one line, counting the encoded bytes', () => {
    // 128 for the line's own words, ` "contacts"` 11, ` "set"` 6, each ` "c00000@example.org"` 21.
    const fit = Math.floor((MAX_CONTACTS_BYTES - 128 - 11 - 6) / 21);
    expect(fit).toBe(2850);
    expect(contactsArgs(addresses(fit))).toMatchObject({ ok: true });
    expect(contactsArgs(addresses(fit + 1))).toEqual({ ok: false, error: { kind: 'too-long', count: fit + 1 } });
  });

  it('counts the unique addresses, not what was given', () => {
    const twice = [...addresses(2000), ...addresses(2000).map((a) => a.toUpperCase())];
    expect(contactsArgs(twice)).toMatchObject({ ok: true });
  });

  it('counts a % as the three bytes Thunderbird sends', () => {
    // ` "c%0000@example.org"`: 21 characters, 23 bytes on the line.
    const withPercent = (n: number) => addresses(n, (i) => `c%${String(i).padStart(4, '0')}`);
    const fit = Math.floor((MAX_CONTACTS_BYTES - 128 - 11 - 6) / 23);
    expect(contactsArgs(withPercent(fit))).toMatchObject({ ok: true });
    expect(contactsArgs(withPercent(fit + 1))).toMatchObject({ ok: false, error: { kind: 'too-long', count: fit + 1 } });
  });
});
