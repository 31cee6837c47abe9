import { describe, expect, it } from 'vitest';
import { MAX_SET_BYTES, normalizeOnly, parseVacationState, vacationOffRequest, vacationSetRequest, vacationShowRequest } from '../../src/modules/vacation.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { thunderbirdSend } from '../protocol/models/thunderbird.js';
import { serverDecodeArguments } from '../protocol/models/server.js';
import { byteString, utf8 } from '../protocol/vectors.js';
import { replyOf } from './replies.js';


/** A set request as the module's argv sees it: built, sent through the model of Thunderbird's URL path (no damage), decoded as the server does. */
function wordsAtServer(update: Parameters<typeof vacationSetRequest>[0]): string[] | false {
  const request = vacationSetRequest(update);
  if (!request.ok) throw new Error(request.error.message);
  const text = buildCommandText(request.value);
  if (!text.ok) throw new Error(text.error.message);
  const sent = thunderbirdSend(text.value);
  expect(sent.damage).toEqual([]);
  const parsed = serverDecodeArguments(sent.sent);
  return parsed.ok && parsed.words.map(byteString);
}

describe('requests', () => {
  it('show, off', () => {
    expect(vacationShowRequest()).toEqual({ module: 'vacation', args: ['show'] });
    expect(vacationOffRequest()).toEqual({ module: 'vacation', args: ['off'] });
  });

  it('set sends one key=value argument per given field', () => {
    expect(
      vacationSetRequest({ subject: 'Away', body: 'Back on Monday.\r\nRegards\r\n', days: 3, start: '2026-07-01', end: '2026-07-14' }),
    ).toEqual({
      ok: true,
      value: {
        module: 'vacation',
        args: ['set', 'subject=Away', 'body=Back on Monday.\nRegards', 'days=3', 'start=2026-07-01', 'end=2026-07-14'],
      },
    });
  });

  it('set with only some fields, and clearing dates', () => {
    expect(vacationSetRequest({ body: 'x' })).toEqual({ ok: true, value: { module: 'vacation', args: ['set', 'body=x'] } });
    expect(vacationSetRequest({ start: null, end: '' })).toEqual({
      ok: true,
      value: { module: 'vacation', args: ['set', 'start=', 'end='] },
    });
    expect(vacationSetRequest({ subject: '' })).toEqual({ ok: true, value: { module: 'vacation', args: ['set', 'subject='] } });
    expect(vacationSetRequest({})).toMatchObject({ ok: false, error: { kind: 'nothing-to-set' } });
  });

  it('the body reaches the module byte for byte through Thunderbird', () => {
    const body = 'Grüße!\n\n  indented? yes > no\n"quoted" 100%\ttab';
    expect(wordsAtServer({ body })).toEqual(['vacation', 'set', byteString(utf8('body=' + body))]);
  });

  const refused: ReadonlyArray<readonly [string, Parameters<typeof vacationSetRequest>[0], string]> = [
    ['control char in subject', { subject: 'a\tb' }, 'subject'],
    ['subject of 256 bytes', { subject: 'ü'.repeat(128) }, 'subject'],
    ['empty body', { body: '\r\n\n' }, 'body'],
    ['lone CR in body', { body: 'a\rb' }, 'body'],
    ['NUL in body', { body: 'a\0b' }, 'body'],
    ['body over 16384 bytes', { body: 'x'.repeat(16385) }, 'body'],
    ['days 0', { days: 0 }, 'days'],
    ['days 61', { days: 61 }, 'days'],
    ['days 1.5', { days: 1.5 }, 'days'],
    ['days NaN', { days: Number.NaN }, 'days'],
    ['no such day', { start: '2026-02-29' }, 'start'],
    ['not a date', { end: 'tomorrow' }, 'end'],
    ['end before start', { start: '2026-07-14', end: '2026-07-01' }, 'end'],
  ];
  for (const [name, update, field] of refused) {
    it(`set refuses: ${name}`, () => {
      expect(vacationSetRequest(update)).toMatchObject({ ok: false, error: { kind: 'invalid-field', field } });
    });
  }

  it('set accepts the limits', () => {
    expect(vacationSetRequest({ subject: 'ü'.repeat(127) + 'x', body: 'x'.repeat(16384), days: 60, start: '2026-07-01', end: '2026-07-01' }).ok).toBe(true);
    expect(vacationSetRequest({ days: 1 }).ok).toBe(true);
  });
});

describe('only', () => {
  it('set sends the entries checked, lower-cased, sorted and unique, comma-separated', () => {
    expect(vacationSetRequest({ only: [' Jane@Example.org', '@example.com', 'jane@example.org'] })).toEqual({
      ok: true,
      value: { module: 'vacation', args: ['set', 'only=@example.com,jane@example.org'] },
    });
  });

  it('an empty list clears (everyone gets the reply)', () => {
    expect(vacationSetRequest({ only: [] })).toEqual({ ok: true, value: { module: 'vacation', args: ['set', 'only='] } });
  });

  it('names the entry at fault and why, and sends nothing', () => {
    expect(vacationSetRequest({ body: 'x', only: ['@example.com', 'no-at-sign'] })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-entry', field: 'only', index: 1, value: 'no-at-sign', problem: 'missing-at' },
    });
    expect(normalizeOnly(['a@b.example', 'x@-bad.example'])).toMatchObject({ ok: false, error: { index: 1, problem: 'domain' } });
    // A comma inside an entry would split it on the server: refused here.
    expect(normalizeOnly(['a@b.example,c@d.example'])).toMatchObject({ ok: false, error: { index: 0 } });
  });

  it('refuses a list that would not fit in one command, instead of cutting it', () => {
    const many = Array.from({ length: 4000 }, (_, i) => `person${i}@example.com`);
    expect(vacationSetRequest({ body: 'Away.', only: many })).toMatchObject({
      ok: false,
      error: { kind: 'invalid-field', field: 'only', problem: 'too-long' },
    });
    const fits = many.slice(0, 2000);
    const request = vacationSetRequest({ body: 'Away.', only: fits });
    expect(request.ok).toBe(true);
    if (!request.ok) return;
    const text = buildCommandText(request.value);
    expect(text.ok && text.value.length).toBeLessThanOrEqual(MAX_SET_BYTES);
  });

  it('counts the line as sent: a body with line breaks goes in base64, a third longer', () => {
    // 57 kB of arguments, but over 60 kB on the line once the body is encoded.
    const body = ('x'.repeat(99) + '\n').repeat(160);
    const only = Array.from({ length: 1800 }, (_, i) => `person${String(i).padStart(4, '0')}@example.com`);
    expect(body.length + only.join(',').length).toBeLessThan(MAX_SET_BYTES);
    expect(vacationSetRequest({ body, only })).toMatchObject({ ok: false, error: { field: 'only', problem: 'too-long' } });
    expect(vacationSetRequest({ body, only: only.slice(0, 1500) }).ok).toBe(true);
  });

  it('the list reaches the module as the module splits it', () => {
    expect(wordsAtServer({ only: ['@example.com', 'b@example.org'] })).toEqual(['vacation', 'set', byteString(utf8('only=@example.com,b@example.org'))]);
  });
});

describe('parseVacationState', () => {
  it('reads the full state with a multi-line body', () => {
    const lines = ['status on', 'subject Out of office', 'days 7', 'start 2026-07-01', 'end 2026-07-14', 'body Hello,', 'body ', 'body   I am away.', 'body {5}'];
    expect(parseVacationState(replyOf('vacation', lines))).toEqual({
      ok: true,
      value: {
        status: 'on',
        subject: 'Out of office',
        days: 7,
        start: '2026-07-01',
        end: '2026-07-14',
        body: 'Hello,\n\n  I am away.\n{5}',
        only: [],
      },
    });
  });

  it('reads a state without dates or body, and an empty subject', () => {
    expect(parseVacationState(replyOf('vacation', ['status off', 'subject ', 'days 7']))).toEqual({
      ok: true,
      value: { status: 'off', subject: '', days: 7, start: null, end: null, body: '', only: [] },
    });
  });

  it('ignores unknown keys, also between body lines', () => {
    expect(parseVacationState(replyOf('vacation', ['status on', 'subject s', 'days 1', 'body a', 'from x@y.example', 'body b', 'bodytext no']))).toMatchObject({
      ok: true,
      value: { body: 'a\nb' },
    });
  });

  it('reads the senders to answer, one `only` line each, in order', () => {
    const lines = ['status on', 'subject ', 'days 7', 'only @example.com', 'only jane@example.org', 'body Away.'];
    expect(parseVacationState(replyOf('vacation', lines))).toMatchObject({
      ok: true,
      value: { only: ['@example.com', 'jane@example.org'], body: 'Away.' },
    });
  });

  it('reads a UTF-8 subject and body', () => {
    expect(parseVacationState(replyOf('vacation', ['status on', 'subject Grüße 📬', 'days 7', 'body 日本語']))).toMatchObject({
      ok: true,
      value: { subject: 'Grüße 📬', body: '日本語' },
    });
  });

  const broken: ReadonlyArray<readonly [string, readonly (string | Uint8Array)[], object]> = [
    ['no status', ['subject s', 'days 7'], { kind: 'missing-key', key: 'status' }],
    ['no subject', ['status on', 'days 7'], { kind: 'missing-key', key: 'subject' }],
    ['no days', ['status on', 'subject s'], { kind: 'missing-key', key: 'days' }],
    ['days 0', ['status on', 'subject s', 'days 0'], { kind: 'bad-value', key: 'days' }],
    ['days 61', ['status on', 'subject s', 'days 61'], { kind: 'bad-value', key: 'days' }],
    ['days x', ['status on', 'subject s', 'days x'], { kind: 'bad-value', key: 'days' }],
    ['bad status', ['status yes', 'subject s', 'days 7'], { kind: 'bad-value', key: 'status' }],
    ['unreal start', ['status on', 'subject s', 'days 7', 'start 2026-02-30'], { kind: 'bad-value', key: 'start', line: 3 }],
    ['bad end', ['status on', 'subject s', 'days 7', 'end soon'], { kind: 'bad-value', key: 'end' }],
    ['an only entry that is not an entry', ['status on', 'subject s', 'days 7', 'only example.com'], { kind: 'bad-value', key: 'only', line: 3 }],
    ['an only entry not in normal form', ['status on', 'subject s', 'days 7', 'only @Example.com'], { kind: 'bad-value', key: 'only' }],
    ['two subjects', ['status on', 'subject a', 'subject b', 'days 7'], { kind: 'duplicate-key', key: 'subject' }],
    ['body not UTF-8', ['status on', 'subject s', 'days 7', new Uint8Array([0x62, 0x6f, 0x64, 0x79, 0x20, 0xff])], { kind: 'not-text', line: 3 }],
  ];
  for (const [name, lines, error] of broken) {
    it(`refuses: ${name}`, () => {
      expect(parseVacationState(replyOf('vacation', lines))).toMatchObject({ ok: false, error });
    });
  }

  it('refuses a reply from another module', () => {
    expect(parseVacationState(replyOf('forwardmail', ['status off', 'subject ', 'days 7']))).toMatchObject({
      ok: false,
      error: { kind: 'wrong-module', expected: 'vacation', actual: 'forwardmail' },
    });
  });
});
