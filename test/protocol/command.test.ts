import { describe, expect, it } from 'vitest';
import { buildCommandText, encodeArgument } from '../../src/protocol/command.js';
import { thunderbirdSend } from './models/thunderbird.js';
import { serverDecodeArguments } from './models/server.js';
import { byteString, hex, toHex, utf8, vectors } from './vectors.js';

describe('encodeArgument: every arguments[] vector', () => {
  for (const v of vectors.arguments) {
    it(`${v.name}: bytes -> ${v.wire}`, () => {
      expect(encodeArgument(hex(v.hex))).toEqual({ ok: true, value: v.wire });
    });
    if ('text' in v && typeof v.text === 'string') {
      const text = v.text;
      it(`${v.name}: text -> ${v.wire}`, () => {
        expect(encodeArgument(text)).toEqual({ ok: true, value: v.wire });
      });
    }
  }
});

describe('buildCommandText', () => {
  it('joins module and arguments with single spaces', () => {
    expect(buildCommandText({ module: 'blacklist', args: ['add', 'spam@example.com'] })).toEqual({
      ok: true,
      value: 'blacklist "add" "spam@example.com"',
    });
  });

  it('sends a module without arguments as the bare name', () => {
    expect(buildCommandText({ module: '.modules', args: [] })).toEqual({ ok: true, value: '.modules' });
  });

  it('writes every % as %25, because Thunderbird decodes %XX once', () => {
    expect(buildCommandText({ module: 'x', args: ['100%', '%00', '%0D%0A'] })).toEqual({
      ok: true,
      value: 'x "100%25" "%2500" "%250D%250A"',
    });
  });

  it('accepts every valid module name of the vectors', () => {
    for (const name of vectors.moduleNames.valid) {
      expect(buildCommandText({ module: name, args: [] })).toEqual({ ok: true, value: name });
    }
  });

  it('refuses every invalid module name of the vectors', () => {
    for (const name of vectors.moduleNames.invalid) {
      const result = buildCommandText({ module: name, args: ['list'] });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ kind: 'invalid-module-name', module: name });
    }
  });

  it('refuses NUL in an argument, naming its position (module = 0)', () => {
    expect(buildCommandText({ module: 'x', args: ['ok', 'a\0b'] })).toMatchObject({
      ok: false,
      error: { kind: 'nul-in-argument', position: 2 },
    });
    expect(buildCommandText({ module: 'x', args: [new Uint8Array([0x61, 0])] })).toMatchObject({
      ok: false,
      error: { kind: 'nul-in-argument', position: 1 },
    });
  });

  it('refuses an unpaired surrogate instead of silently sending U+FFFD', () => {
    expect(buildCommandText({ module: 'x', args: ['a\uD800b'] })).toMatchObject({
      ok: false,
      error: { kind: 'lone-surrogate', position: 1 },
    });
    expect(buildCommandText({ module: 'x', args: ['\uD83D\uDCEC'] }).ok).toBe(true);
  });
});

describe('end to end through the Thunderbird and server models', () => {
  for (const v of vectors.arguments) {
    it(`${v.name}: the module receives exactly ${v.hex || '(empty)'}`, () => {
      const text = buildCommandText({ module: 'echo', args: [hex(v.hex)] });
      if (!text.ok) throw new Error(text.error.message);
      const sent = thunderbirdSend(text.value);
      expect(sent.damage).toEqual([]);
      const parsed = serverDecodeArguments(sent.sent);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.words.slice(1).map(toHex)).toEqual([v.hex]);
    });
  }

  it('the CRLF injection vector never becomes a second command', () => {
    const text = buildCommandText({ module: 'x', args: ['x\r\nx2 CREATE injected', '%0D%0Ax3 CREATE injected'] });
    if (!text.ok) throw new Error(text.error.message);
    expect(text.value).not.toMatch(/[\r\n]/);
    expect(thunderbirdSend(text.value).damage).toEqual([]);
  });
});

describe('the test models agree with the shared vectors', () => {
  for (const v of vectors.acceptedArguments) {
    it(`server model accepts ${v.name}`, () => {
      const parsed = serverDecodeArguments('m ' + v.wire);
      expect(parsed).toMatchObject({ ok: true });
      if (parsed.ok) expect(parsed.words.slice(1).map(toHex)).toEqual([v.hex]);
    });
  }
  for (const v of vectors.refusedArguments) {
    it(`server model refuses ${v.name}`, () => {
      expect(serverDecodeArguments('m ' + v.wire).ok).toBe(false);
    });
  }

  it('Thunderbird model shows why encoding is needed', () => {
    expect(thunderbirdSend('x "a?b"').damage).toContain('cut');
    expect(thunderbirdSend('x "a%3Eb"').damage).toContain('cut');
    expect(thunderbirdSend('x "a\tb"').damage).toContain('stripped');
    expect(thunderbirdSend('x "%00"').damage).toContain('crash');
    expect(thunderbirdSend('x "%0D%0Ax2 CREATE y"').damage).toContain('line-break');
    expect(thunderbirdSend(byteString(utf8('x "é"'))).damage).toEqual(['non-ascii']);
    expect(thunderbirdSend('x "100%25"')).toEqual({ sent: 'x "100%"', damage: [] });
  });
});
