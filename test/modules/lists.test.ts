import { describe, expect, it } from 'vitest';
import {
  addRequest,
  deleteRequest,
  listRequest,
  parseAddReply,
  parseDeleteReply,
  parseListReply,
  WHITELIST,
} from '../../src/modules/lists.js';
import { buildCommandText } from '../../src/protocol/command.js';
import { customCommandResult, parseCustomCommandResult, replyOf } from './replies.js';

describe('requests', () => {
  it('list', () => {
    expect(listRequest()).toEqual({ module: 'blacklist', args: ['list'] });
    expect(listRequest(WHITELIST)).toEqual({ module: 'whitelist', args: ['list'] });
  });

  it('add normalises, keeps order and drops duplicates', () => {
    expect(addRequest('blacklist', [' Spam@Example.COM', '@spam.example', 'spam@example.com'])).toEqual({
      ok: true,
      value: { module: 'blacklist', args: ['add', 'spam@example.com', '@spam.example'] },
    });
  });

  it('del builds the same way', () => {
    expect(deleteRequest('whitelist', ['Boss@Example.com'])).toEqual({
      ok: true,
      value: { module: 'whitelist', args: ['del', 'boss@example.com'] },
    });
  });

  it('refuses the whole request on the first invalid entry, naming it', () => {
    expect(addRequest('blacklist', ['ok@example.com', 'not an address', 'x@y'])).toMatchObject({
      ok: false,
      error: { kind: 'invalid-entry', index: 1, value: 'not an address', problem: 'missing-at' },
    });
  });

  it('refuses an empty request', () => {
    expect(deleteRequest('blacklist', [])).toMatchObject({ ok: false, error: { kind: 'no-entries' } });
  });

  it('an entry with % goes out as %25', () => {
    const request = addRequest('blacklist', ['100%sure@example.com']);
    if (!request.ok) throw new Error(request.error.message);
    expect(buildCommandText(request.value)).toEqual({ ok: true, value: 'blacklist "add" "100%25sure@example.com"' });
  });
});

describe('parseListReply', () => {
  it('reads one entry per line', () => {
    expect(parseListReply(replyOf('blacklist', ['@spam.example', 'spam@example.com']))).toEqual({
      ok: true,
      value: ['@spam.example', 'spam@example.com'],
    });
  });

  it('reads an empty list', () => {
    expect(parseListReply(replyOf('whitelist', []), 'whitelist')).toEqual({ ok: true, value: [] });
  });

  it('matches the module name case-insensitively', () => {
    expect(parseListReply(replyOf('BlackList', ['a@b.example']), 'blacklist')).toEqual({ ok: true, value: ['a@b.example'] });
  });

  it('normalises lines the module did not store in normal form (the per-line path)', () => {
    expect(parseListReply(replyOf('blacklist', ['b@x.example', 'A@X.EXAMPLE']))).toEqual({ ok: true, value: ['b@x.example', 'a@x.example'] });
  });

  it('skips <key> <value> lines a later module version may add', () => {
    expect(parseListReply(replyOf('blacklist', ['count 2', 'a@b.example', 'x@y.example']))).toEqual({
      ok: true,
      value: ['a@b.example', 'x@y.example'],
    });
  });

  it('refuses a reply from another module', () => {
    expect(parseListReply(replyOf('whitelist', ['a@b.example']), 'blacklist')).toMatchObject({
      ok: false,
      error: { kind: 'wrong-module', expected: 'blacklist', actual: 'whitelist' },
    });
    expect(parseListReply(replyOf('', []))).toMatchObject({ ok: false, error: { kind: 'wrong-module' } });
  });

  it('refuses a line that is not an entry', () => {
    expect(parseListReply(replyOf('blacklist', ['a@b.example', 'garbage']))).toMatchObject({
      ok: false,
      error: { kind: 'bad-value', line: 1, value: 'garbage' },
    });
  });

  it('refuses a line that is not UTF-8', () => {
    expect(parseListReply(replyOf('blacklist', [new Uint8Array([0xff, 0x40, 0x61, 0x2e, 0x62])]))).toMatchObject({
      ok: false,
      error: { kind: 'not-text', line: 0 },
    });
  });

  it('reports a broken customCommandResult as a decode error', () => {
    expect(parseCustomCommandResult('blacklist ("a@b.example" \r\n ', (r) => parseListReply(r))).toMatchObject({
      ok: false,
      error: { kind: 'decode', cause: { kind: 'missing-close' } },
    });
    expect(parseCustomCommandResult('blacklist ({17}) \r\n ', (r) => parseListReply(r))).toMatchObject({
      ok: false,
      error: { kind: 'decode', cause: { kind: 'literal' } },
    });
  });

  it('decodes and parses a 100,000-entry list', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => `sender${i}@spam${i % 977}.example`);
    const result = customCommandResult('blacklist', entries);
    const started = performance.now();
    const parsed = parseCustomCommandResult(result, (r) => parseListReply(r));
    const elapsed = performance.now() - started;
    console.log(
      `decode + parse of a 100,000-entry blacklist reply (${(result.length / 1e6).toFixed(1)} MB): ${elapsed.toFixed(1)} ms`,
    );
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.value).toHaveLength(100_000);
      expect(parsed.value[99_999]).toBe(entries[99_999]);
    }
  });

  it('a 100,000-line reply with a bad line near the end is an error, not an exception', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => `s${i}@x.example`);
    entries[99_998] = 'nope';
    expect(parseCustomCommandResult(customCommandResult('blacklist', entries), (r) => parseListReply(r))).toMatchObject({
      ok: false,
      error: { kind: 'bad-value', line: 99_998 },
    });
  });
});

describe('parseAddReply and parseDeleteReply', () => {
  it('read one outcome per argument', () => {
    expect(parseAddReply(replyOf('blacklist', ['added spam@example.com', 'exists @spam.example']))).toEqual({
      ok: true,
      value: [
        { entry: 'spam@example.com', outcome: 'added' },
        { entry: '@spam.example', outcome: 'exists' },
      ],
    });
    expect(parseDeleteReply(replyOf('whitelist', ['removed a@b.example', 'absent @c.example']), 'whitelist')).toEqual({
      ok: true,
      value: [
        { entry: 'a@b.example', outcome: 'removed' },
        { entry: '@c.example', outcome: 'absent' },
      ],
    });
  });

  it('ignore unknown keys, binary ones too', () => {
    expect(parseAddReply(replyOf('blacklist', ['note rebuilt filter', new Uint8Array([0x78, 0x20, 0xff]), 'added a@b.example']))).toEqual({
      ok: true,
      value: [{ entry: 'a@b.example', outcome: 'added' }],
    });
  });

  it('refuse the other verb\'s outcome', () => {
    expect(parseAddReply(replyOf('blacklist', ['removed a@b.example']))).toMatchObject({
      ok: false,
      error: { kind: 'unexpected-key', key: 'removed', line: 0 },
    });
  });

  it('refuse an outcome without a valid entry', () => {
    expect(parseDeleteReply(replyOf('blacklist', ['removed']))).toMatchObject({ ok: false, error: { kind: 'bad-value', key: 'removed' } });
    expect(parseDeleteReply(replyOf('blacklist', ['absent x']))).toMatchObject({ ok: false, error: { kind: 'bad-value', value: 'x' } });
  });

  it('refuse a known key whose line is not UTF-8', () => {
    expect(parseAddReply(replyOf('blacklist', [new Uint8Array([0x61, 0x64, 0x64, 0x65, 0x64, 0x20, 0xff])]))).toMatchObject({
      ok: false,
      error: { kind: 'not-text', line: 0 },
    });
  });
});
