import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCommandText } from '../../src/protocol/command.js';
import { decodeCustomCommandResult, decodeDataLine } from '../../src/protocol/data-line.js';
import { decodeErrorMessage } from '../../src/protocol/tagged.js';
import { decodeTaggedLine } from './tagged-line.js';
import { serverDataLine, serverDecodeArguments } from './models/server.js';
import { thunderbirdCustomCommandResult, thunderbirdSend } from './models/thunderbird.js';
import { byteString, lineBytes, toHex, utf8 } from './vectors.js';

/** Pieces that break naive encoders, mixed with arbitrary code points. */
const trickyPiece = fc.oneof(
  fc.constantFrom(
    '?', '>', '%', '%00', '%0D%0A', '%25', '%3F', '%3e', '"', '\\', ' ', '  ', '\t', '\r', '\n', '\r\n',
    '~', '~YQ', '{', '{5}', '}', '(', ')', '[ALERT]', 'NIL', 'é', '日本', '📬', '\u007f', '\u0001', '\uFEFF', '\u00a0',
  ),
  fc.string({ unit: 'binary', maxLength: 3 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 6 }),
);
const trickyString = fc.array(trickyPiece, { maxLength: 12 }).map((pieces) => pieces.join(''));
const argument = trickyString.map((s) => s.replace(/\0/g, ''));
const moduleName = fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/), fc.constant('.modules'));

const RUNS = { numRuns: 2000 };

describe('arguments survive Thunderbird and the server exactly', () => {
  it('any string without NUL: encode -> Thunderbird model -> server model gives back its UTF-8', () => {
    fc.assert(
      fc.property(moduleName, fc.array(argument, { maxLength: 6 }), (module, args) => {
        const text = buildCommandText({ module, args });
        expect(text.ok).toBe(true);
        if (!text.ok) return;
        // What the path can carry: printable ASCII without ? and >, every % as %25.
        expect(text.value).toMatch(/^[\x20-\x7e]*$/);
        expect(text.value).not.toMatch(/[?>]|%(?!25)/);

        const sent = thunderbirdSend(text.value);
        expect(sent.damage).toEqual([]);
        expect(sent.sent).toBe(text.value.replace(/%25/g, '%'));

        const parsed = serverDecodeArguments(sent.sent);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(byteString(parsed.words[0] ?? new Uint8Array())).toBe(module);
        expect(parsed.words.slice(1).map(toHex)).toEqual(args.map((a) => toHex(utf8(a))));
      }),
      RUNS,
    );
  });

  it('any byte string without NUL survives too', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }).map((b) => b.filter((x) => x !== 0)), { maxLength: 6 }), (args) => {
        const text = buildCommandText({ module: 'm', args });
        expect(text.ok).toBe(true);
        if (!text.ok) return;
        const sent = thunderbirdSend(text.value);
        expect(sent.damage).toEqual([]);
        const parsed = serverDecodeArguments(sent.sent);
        expect(parsed.ok && parsed.words.slice(1).map(toHex)).toEqual(args.map(toHex));
      }),
      RUNS,
    );
  });

  it('arbitrary UTF-16 (lone surrogates, NUL) is either sent exactly or refused with a typed error', () => {
    const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), (value) => {
        const text = buildCommandText({ module: 'm', args: [value] });
        if (!text.ok) {
          expect(['nul-in-argument', 'lone-surrogate']).toContain(text.error.kind);
          return;
        }
        const sent = thunderbirdSend(text.value);
        expect(sent.damage).toEqual([]);
        const parsed = serverDecodeArguments(sent.sent);
        expect(parsed.ok && parsed.words.slice(1).map(toHex)).toEqual([toHex(utf8(value))]);
      }),
      RUNS,
    );
  });
});

describe('output lines survive the server and Thunderbird exactly', () => {
  const byteLine = fc.oneof(fc.uint8Array({ maxLength: 40 }), trickyString.map(utf8));

  it('any list of byte lines: server encoding -> Thunderbird re-join -> decoder gives them back', () => {
    fc.assert(
      fc.property(moduleName, fc.array(byteLine, { maxLength: 20 }), (module, lines) => {
        const result = thunderbirdCustomCommandResult(serverDataLine(module, lines));
        const decoded = decodeCustomCommandResult(result);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.value.module).toBe(module);
        expect(decoded.value.lines.map((l) => toHex(lineBytes(l)))).toEqual(lines.map(toHex));
        decoded.value.lines.forEach((line, i) => {
          let text: string | null;
          try {
            text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(lines[i]);
          } catch {
            text = null;
          }
          expect(typeof line === 'string' ? line : null).toBe(text);
        });
      }),
      RUNS,
    );
  });
});

describe('decoders never throw', () => {
  const token = fc.constantFrom(
    'blacklist', '.modules', '""', ' ', '(', ')', '"', '\\', '~', 'YQ', 'Yf8', '=', '{5}', '\r\n', 'é', '\u00ff', '\uD800', '日',
    '[XEXEC-EXIT 2]', '[XEXEC-', ' (0.001 + 0.000 secs).', '.', 'NO ', 'OK ', '* XEXEC ',
  );
  const soup = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.array(token, { maxLength: 30 }).map((t) => t.join('')));

  it('on arbitrary input', () => {
    fc.assert(
      fc.property(soup, (input) => {
        const decoded = decodeCustomCommandResult(input);
        if (!decoded.ok) expect(decoded.error.message.length).toBeGreaterThan(0);
        decodeDataLine(input);
        decodeErrorMessage(input);
        decodeTaggedLine(input);
      }),
      { numRuns: 5000 },
    );
  });
});
