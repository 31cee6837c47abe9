import { describe, expect, it } from 'vitest';
import {
  normalizeCharset,
  normalizeTld,
  parseSpamContacts,
  parseSpamState,
  spamContactsClearRequest,
  spamContactsListRequest,
  spamContactsSetRequest,
  spamOffRequest,
  spamSetRequest,
  spamShowRequest,
} from '../../src/modules/spam.js';
import { replyOf } from './replies.js';

describe('requests', () => {
  it('show, off, contacts list and clear', () => {
    expect(spamShowRequest()).toEqual({ module: 'spam', args: ['show'] });
    expect(spamOffRequest('junk')).toEqual({ module: 'junk', args: ['off'] });
    expect(spamContactsListRequest()).toEqual({ module: 'spam', args: ['contacts', 'list'] });
    expect(spamContactsClearRequest()).toEqual({ module: 'spam', args: ['contacts', 'clear'] });
  });

  it('set: one argument per key, lists normal, sorted and unique', () => {
    expect(spamSetRequest({ level: 'strict', action: 'junk', tlds: ['RU', '.cn', 'ru', 'рф'], charsets: [' KOI8-R', 'gb2312'] })).toEqual({
      ok: true,
      value: { module: 'spam', args: ['set', 'level=strict', 'action=junk', 'tlds=cn,ru,xn--p1ai', 'charsets=gb2312,koi8-r'] },
    });
    expect(spamSetRequest({ tlds: [] })).toEqual({ ok: true, value: { module: 'spam', args: ['set', 'tlds='] } });
  });

  it('set refuses bad values before sending', () => {
    expect(spamSetRequest({})).toMatchObject({ ok: false, error: { kind: 'nothing-to-set' } });
    expect(spamSetRequest({ tlds: ['ru', 'mail.ru'] })).toMatchObject({ ok: false, error: { kind: 'invalid-tld', value: 'mail.ru' } });
    expect(spamSetRequest({ tlds: ['r'] })).toMatchObject({ ok: false, error: { kind: 'invalid-tld' } });
    expect(spamSetRequest({ charsets: ['koi8 r;'] })).toMatchObject({ ok: false, error: { kind: 'invalid-charset' } });
    expect(spamSetRequest({ level: 'high' as never })).toMatchObject({ ok: false, error: { kind: 'invalid-level' } });
    const many = Array.from({ length: 301 }, (_, i) => `xn--a${i}`);
    expect(spamSetRequest({ tlds: many })).toMatchObject({ ok: false, error: { kind: 'too-many', field: 'tlds', max: 300 } });
    expect(spamSetRequest({ tlds: many.slice(0, 300) }).ok).toBe(true);
  });

  it('contacts set checks every address first', () => {
    expect(spamContactsSetRequest(['B@Example.org', 'a@example.org', 'b@example.org'])).toEqual({
      ok: true,
      value: { module: 'spam', args: ['contacts', 'set', 'a@example.org', 'b@example.org'] },
    });
    expect(spamContactsSetRequest(['a@example.org', 'nope'])).toMatchObject({ ok: false, error: { kind: 'invalid-address', index: 1 } });
    expect(spamContactsSetRequest([])).toMatchObject({ ok: false, error: { kind: 'nothing-to-set' } });
  });
});

describe('normalizeTld and normalizeCharset (the module grammar)', () => {
  it.each([
    ['ru', 'ru'], ['.RU', 'ru'], [' com ', 'com'], ['xn--p1ai', 'xn--p1ai'], ['рф', 'xn--p1ai'], ['中国', 'xn--fiqs8s'],
  ])('%s -> %s', (raw, normal) => expect(normalizeTld(raw)).toBe(normal));
  it.each(['', '.', 'r', 'r1', 'a.b', '..ru', 'xn--', 'xn--a-', '-ru', 'a'.repeat(64), 'рф/x', 'рф?', 'a@рф', 'рф:80', 'рф#', 'р ф', 'ру.рф', '\u0000рф'])('refuses %j', (raw) => expect(normalizeTld(raw)).toBeNull());
  it('charsets', () => {
    expect(normalizeCharset('Shift_JIS')).toBe('shift_jis');
    expect(normalizeCharset('-koi8')).toBeNull();
    expect(normalizeCharset('a'.repeat(41))).toBeNull();
    expect(normalizeCharset('a'.repeat(40))).toBe('a'.repeat(40));
  });
});

describe('parseSpamState', () => {
  it('reads a full state', () => {
    expect(parseSpamState(replyOf('spam', ['level standard', 'action delete', 'delete-days 30', 'tld cn', 'tld ru', 'charset koi8-r', 'contacts 12']))).toEqual({
      ok: true,
      value: { level: 'standard', action: 'delete', deleteDays: 30, virusCheck: false, tlds: ['cn', 'ru'], charsets: ['koi8-r'], contacts: 12 },
    });
  });

  it('reads the server\'s virus check', () => {
    expect(parseSpamState(replyOf('spam', ['level strict', 'action junk', 'virustest yes', 'contacts 0']))).toMatchObject({
      ok: true, value: { level: 'strict', virusCheck: true },
    });
    expect(parseSpamState(replyOf('spam', ['level off', 'action junk', 'virustest maybe', 'contacts 0']))).toMatchObject({ ok: false, error: { kind: 'bad-value' } });
  });

  it('reads a bare state; unknown keys are ignored', () => {
    expect(parseSpamState(replyOf('spam', ['future yes', 'level off', 'action junk', 'contacts 0', 'folder Junk']))).toEqual({
      ok: true,
      value: { level: 'off', action: 'junk', deleteDays: null, virusCheck: false, tlds: [], charsets: [], contacts: 0 },
    });
  });

  it.each([
    [['action junk', 'contacts 0'], 'missing-key'],
    [['level high', 'action junk', 'contacts 0'], 'bad-value'],
    [['level off', 'action trash', 'contacts 0'], 'bad-value'],
    [['level off', 'action junk', 'contacts x'], 'bad-value'],
    [['level off', 'action junk'], 'missing-key'],
    [['level off', 'level strict', 'action junk', 'contacts 0'], 'duplicate-key'],
    [['level off', 'action junk', 'contacts 0', 'delete-days 0'], 'bad-value'],
    [['level off', 'action junk', 'contacts 0', 'tld RU'], 'bad-value'],
    [['level off', 'action junk', 'contacts 0', 'tld mail.ru'], 'bad-value'],
    [['level off', 'action junk', 'contacts 0', 'charset bad charset'], 'bad-value'],
  ])('bad lines %j -> %s', (lines, kind) => {
    expect(parseSpamState(replyOf('spam', lines))).toMatchObject({ ok: false, error: { kind } });
  });

  it('checks the module', () => {
    expect(parseSpamState(replyOf('vacation', ['level off', 'action junk', 'contacts 0']))).toMatchObject({ ok: false, error: { kind: 'wrong-module' } });
  });
});

describe('parseSpamContacts', () => {
  it('one address a line', () => {
    expect(parseSpamContacts(replyOf('spam', ['a@example.org', 'b@example.org']))).toEqual({ ok: true, value: ['a@example.org', 'b@example.org'] });
    expect(parseSpamContacts(replyOf('spam', []))).toEqual({ ok: true, value: [] });
  });
  it('refuses a line that is no address', () => {
    expect(parseSpamContacts(replyOf('spam', ['a@example.org', 'level off']))).toMatchObject({ ok: false, error: { kind: 'bad-value', line: 1 } });
  });
});

describe('contacts set size', () => {
  it('refuses a list that does not fit in one command', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `contact-number-${i}@example.org`);
    expect(spamContactsSetRequest(many)).toMatchObject({ ok: false, error: { kind: 'contacts-too-long', count: 3000 } });
    expect(spamContactsSetRequest(many.slice(0, 1500)).ok).toBe(true);
  });
});
