import { describe, expect, it } from 'vitest';
import { forwardOffRequest, forwardSetRequest, forwardShowRequest, parseForwardState } from '../../src/modules/forwarding.js';
import { replyOf } from './replies.js';

describe('requests', () => {
  it('show, off', () => {
    expect(forwardShowRequest()).toEqual({ module: 'forwardmail', args: ['show'] });
    expect(forwardOffRequest('fwd')).toEqual({ module: 'fwd', args: ['off'] });
  });

  it('set, with and without keep', () => {
    expect(forwardSetRequest(' Me@Elsewhere.Example ', false)).toEqual({
      ok: true,
      value: { module: 'forwardmail', args: ['set', 'me@elsewhere.example'] },
    });
    expect(forwardSetRequest('me@elsewhere.example', true)).toEqual({
      ok: true,
      value: { module: 'forwardmail', args: ['set', 'me@elsewhere.example', 'keep'] },
    });
  });

  it('set refuses what is not an address', () => {
    expect(forwardSetRequest('@elsewhere.example', false)).toMatchObject({
      ok: false,
      error: { kind: 'invalid-address', problem: 'local-part' },
    });
    expect(forwardSetRequest('me', false)).toMatchObject({ ok: false, error: { kind: 'invalid-address', problem: 'missing-at' } });
  });
});

describe('parseForwardState', () => {
  it('reads an active forward', () => {
    expect(parseForwardState(replyOf('forwardmail', ['status on', 'address me@elsewhere.example', 'keepcopy yes']))).toEqual({
      ok: true,
      value: { status: 'on', address: 'me@elsewhere.example', keepCopy: true },
    });
  });

  it('reads off with a kept address, and off without one', () => {
    expect(parseForwardState(replyOf('forwardmail', ['status off', 'address me@elsewhere.example', 'keepcopy no']))).toEqual({
      ok: true,
      value: { status: 'off', address: 'me@elsewhere.example', keepCopy: false },
    });
    expect(parseForwardState(replyOf('forwardmail', ['status off', 'keepcopy no']))).toEqual({
      ok: true,
      value: { status: 'off', address: null, keepCopy: false },
    });
  });

  it('ignores unknown keys in any order', () => {
    expect(parseForwardState(replyOf('forwardmail', ['since 2026-01-01', 'keepcopy no', 'x', 'address a@b.example', 'status on']))).toEqual({
      ok: true,
      value: { status: 'on', address: 'a@b.example', keepCopy: false },
    });
  });

  const broken: ReadonlyArray<readonly [string, readonly string[], object]> = [
    ['no status', ['keepcopy no'], { kind: 'missing-key', key: 'status' }],
    ['no keepcopy', ['status off'], { kind: 'missing-key', key: 'keepcopy' }],
    ['on without address', ['status on', 'keepcopy no'], { kind: 'missing-key', key: 'address' }],
    ['bad status', ['status maybe', 'keepcopy no'], { kind: 'bad-value', key: 'status', value: 'maybe', line: 0 }],
    ['status with extra space', ['status  on', 'keepcopy no'], { kind: 'bad-value', key: 'status' }],
    ['bad keepcopy', ['status off', 'keepcopy true'], { kind: 'bad-value', key: 'keepcopy' }],
    ['bad address', ['status on', 'address nowhere', 'keepcopy no'], { kind: 'bad-value', key: 'address' }],
    ['twice status', ['status on', 'status off', 'keepcopy no'], { kind: 'duplicate-key', key: 'status', line: 1 }],
  ];
  for (const [name, lines, error] of broken) {
    it(`refuses: ${name}`, () => {
      expect(parseForwardState(replyOf('forwardmail', lines))).toMatchObject({ ok: false, error });
    });
  }

  it('refuses a reply from another module', () => {
    expect(parseForwardState(replyOf('vacation', ['status off', 'keepcopy no']))).toMatchObject({
      ok: false,
      error: { kind: 'wrong-module' },
    });
  });
});
