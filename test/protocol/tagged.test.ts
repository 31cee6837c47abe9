import { describe, expect, it } from 'vitest';
import { decodeErrorMessage, stripTimingSuffix } from '../../src/protocol/tagged.js';
import { decodeTaggedLine } from './tagged-line.js';
import { byteString, utf8, vectors } from './vectors.js';

describe('every tagged[] vector', () => {
  for (const v of vectors.tagged) {
    it(v.line, () => {
      const decoded = decodeTaggedLine(v.line);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.value.ok).toBe(v.ok);
      if (!v.ok && 'code' in v) {
        expect(decoded.value).toMatchObject({ ok: false, status: 'NO', code: v.code, detail: v.detail, message: v.message });
      }
    });

    if (!v.ok && 'code' in v) {
      const text = v.line.replace(/^NO /, '');
      it(`as url.errorMessage: ${text}`, () => {
        expect(decodeErrorMessage(text)).toMatchObject({ code: v.code, detail: v.detail, message: v.message });
      });
      it(`as url.errorMessage with a "." added: ${text}`, () => {
        const withDot = decodeErrorMessage(text + '.');
        if (/secs\)\.$/.test(text)) {
          expect(withDot).toMatchObject({ code: v.code, detail: v.detail, message: v.message });
        } else {
          // Without a timing suffix nothing tells an added "." from the module's own.
          expect(withDot).toMatchObject({ code: v.code, detail: v.detail, message: v.message + '.' });
        }
      });
    }
  }
});

describe('decodeErrorMessage', () => {
  it('reads the example of the brief', () => {
    expect(decodeErrorMessage('[XEXEC-EXIT 2] Too short (0.001 + 0.000 secs).')).toEqual({
      code: 'XEXEC-EXIT',
      detail: 2,
      message: 'Too short',
    });
  });

  it('reads a plain BAD from a server without XEXEC', () => {
    expect(decodeErrorMessage('Error in IMAP command UID XEXEC: Unknown command (0.001 + 0.000 + 0.001 secs).')).toEqual({
      code: null,
      detail: null,
      message: 'Error in IMAP command UID XEXEC: Unknown command',
      responseCode: null,
    });
    expect(decodeErrorMessage('Error in IMAP command UID XEXEC: Unknown command')).toMatchObject({
      code: null,
      message: 'Error in IMAP command UID XEXEC: Unknown command',
    });
  });

  it('reads codes of a later version as a plain failure', () => {
    expect(decodeErrorMessage('[XEXEC-QUOTA 5] Over quota')).toEqual({
      code: null,
      detail: null,
      message: 'Over quota',
      responseCode: 'XEXEC-QUOTA 5',
    });
  });

  it('does not take a malformed code for a known one', () => {
    expect(decodeErrorMessage('[XEXEC-EXIT] x')).toMatchObject({ code: null, responseCode: 'XEXEC-EXIT' });
    expect(decodeErrorMessage('[XEXEC-EXIT two] x')).toMatchObject({ code: null, responseCode: 'XEXEC-EXIT two' });
    expect(decodeErrorMessage('[XEXEC-UNKNOWN 3] x')).toMatchObject({ code: null });
    expect(decodeErrorMessage('[XEXEC-EXIT 2 x')).toMatchObject({ code: null, responseCode: null, message: '[XEXEC-EXIT 2 x' });
  });

  it('reads response codes case-insensitively', () => {
    expect(decodeErrorMessage('[xexec-timeout 30] slow')).toMatchObject({ code: 'XEXEC-TIMEOUT', detail: 30 });
  });

  it('tolerates a status word left in front of the code', () => {
    expect(decodeErrorMessage('NO [XEXEC-BADARGS] Argument 2 contains NUL')).toMatchObject({
      code: 'XEXEC-BADARGS',
      message: 'Argument 2 contains NUL',
    });
  });

  it('decodes a UTF-8 message that arrives one char per byte', () => {
    const raw = byteString(utf8('[XEXEC-EXIT 2] Das Passwort ist zu kurz – mindestens 8 Zeichen (0.001 + 0.000 secs).'));
    expect(decodeErrorMessage(raw).message).toBe('Das Passwort ist zu kurz – mindestens 8 Zeichen');
    expect(decodeErrorMessage('[XEXEC-EXIT 2] Grüße').message).toBe('Grüße');
  });
});

describe('stripTimingSuffix', () => {
  it('removes only a real suffix at the very end', () => {
    expect(stripTimingSuffix('Took (1.5 secs) (0.010 + 0.001 secs).')).toBe('Took (1.5 secs)');
    expect(stripTimingSuffix('x (0.010 + 0.001 secs)..')).toBe('x');
    expect(stripTimingSuffix('x (12.345 + 0.001 + 0.000 secs).')).toBe('x');
    expect(stripTimingSuffix('x (0.010 + 0.001 secs). more')).toBe('x (0.010 + 0.001 secs). more');
    expect(stripTimingSuffix('x (0.01 + 0.001 secs).')).toBe('x (0.01 + 0.001 secs).');
  });
});

describe('decodeTaggedLine', () => {
  it('accepts a tag in front', () => {
    expect(decodeTaggedLine('a2 NO [XEXEC-EXIT 2] Too short (0.001 + 0.000 secs).')).toMatchObject({
      ok: true,
      value: { ok: false, status: 'NO', code: 'XEXEC-EXIT', detail: 2, message: 'Too short' },
    });
    expect(decodeTaggedLine('a1 OK done (0.001 + 0.000 secs).')).toEqual({ ok: true, value: { ok: true, message: 'done' } });
  });

  it('reads BAD', () => {
    expect(decodeTaggedLine('x BAD Error in IMAP command UID XEXEC: Unknown command')).toMatchObject({
      ok: true,
      value: { ok: false, status: 'BAD', code: null },
    });
  });

  it('refuses what is not a tagged reply', () => {
    for (const line of ['', '* XEXEC m ()', 'hello world', 'NOTHING here']) {
      expect(decodeTaggedLine(line)).toMatchObject({ ok: false, error: { kind: 'not-a-tagged-reply' } });
    }
  });
});
