// The policy's `spam` setting: checked as the module checks it, wrong parts left out and named.
import { describe, expect, it } from 'vitest';
import { effectivePolicy, parsePolicy } from '../../src/background/policy.js';
import { parseSpamPolicy } from '../../src/background/policy-spam.js';

describe('spam policy', () => {
  it('reads level, tlds and charsets in the module\'s normal form', () => {
    const problems: string[] = [];
    expect(parseSpamPolicy({ level: 'strict', tlds: ['RU', '.cn', 'рф'], charsets: ['KOI8-R'] }, '', problems)).toEqual({
      level: 'strict', tlds: ['cn', 'ru', 'xn--p1ai'], charsets: ['koi8-r'],
    });
    expect(problems).toEqual([]);
  });

  it('leaves out each wrong part with a problem, keeps the rest', () => {
    const problems: string[] = [];
    expect(parseSpamPolicy({ level: 'high', tlds: ['mail.ru'], charsets: 'koi8-r', colour: 'red' }, 'servers["x"].', problems)).toEqual({});
    expect(problems).toEqual([
      'servers["x"].spam: unknown key "colour" ignored',
      'servers["x"].spam.level: string "high" is not one of off, lenient, standard, strict, allowed-only; ignored',
      'servers["x"].spam.tlds: "mail.ru" is not a top-level domain (such as ru or com); ignored',
      'servers["x"].spam.charsets: expected a list of text like ["koi8-r"], got string "koi8-r"; ignored',
    ]);
    const other: string[] = [];
    expect(parseSpamPolicy(['ru'], '', other)).toBeUndefined();
    expect(other).toEqual(['spam: expected an object like {"level": "standard", "tlds": ["ru"]}, got a list; ignored']);
  });

  it('a host entry wins as a whole', () => {
    const policy = parsePolicy({ spam: { level: 'strict' }, servers: { 'imap.example.com': { spam: { tlds: ['ru'] } } } });
    expect(effectivePolicy(policy, 'imap.example.com').spam).toEqual({ tlds: ['ru'] });
    expect(effectivePolicy(policy, 'other.example.com').spam).toEqual({ level: 'strict' });
    expect(effectivePolicy(parsePolicy({}), null).spam).toEqual({});
  });
});
