import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCustomCommandResult } from '../../src/protocol/data-line.js';
import { interpretStoppedUrl, readReport, type StoppedUrl } from '../../src/protocol/execute-result.js';
import { serverDataLine } from './models/server.js';
import { thunderbirdCustomCommandResult } from './models/thunderbird.js';
import { hex, vectors } from './vectors.js';

const NO_OR_BAD = 0x80550021;

function result(module: string, lines: readonly Uint8Array[]): string {
  return thunderbirdCustomCommandResult(serverDataLine(module, lines));
}

function stopped(partial: Partial<StoppedUrl>): StoppedUrl {
  return { status: 0, customCommandResult: '', errorCode: '', errorMessage: '', ...partial };
}

/** A NO or BAD as Thunderbird reports it: the text after the status word, maybe with a `.` added. */
function serverError(text: string, customCommandResult = ''): StoppedUrl {
  return stopped({ status: NO_OR_BAD, errorCode: 'imap-server-error', errorMessage: text, customCommandResult });
}

describe('interpretStoppedUrl: success', () => {
  it('every line vector comes back exactly: text when UTF-8, else bytes', () => {
    const lines = vectors.lines.map((v) => hex(v.hex));
    const r = interpretStoppedUrl(stopped({ customCommandResult: result('emit', lines) }), 'emit');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.lines.length).toBe(lines.length);
    vectors.lines.forEach((v, i) => {
      const line = r.lines[i];
      if (v.name === 'invalid UTF-8') expect(line).toEqual(hex(v.hex));
      else expect(line).toBe(new TextDecoder().decode(hex(v.hex)));
    });
  });

  it('no lines', () => {
    expect(interpretStoppedUrl(stopped({ customCommandResult: result('blacklist', []) }), 'blacklist')).toEqual({ ok: true, lines: [] });
  });

  it('the module name matches case-insensitively (the server sends the configured spelling)', () => {
    const r = interpretStoppedUrl(stopped({ customCommandResult: result('BlackList', [hex('61')]) }), 'blacklist');
    expect(r).toEqual({ ok: true, lines: ['a'] });
  });

  it('a reply for another module, a missing or broken data line: bad-reply', () => {
    expect(interpretStoppedUrl(stopped({ customCommandResult: result('whitelist', []) }), 'blacklist')).toMatchObject({
      ok: false, code: 'bad-reply', detail: null, lines: [],
    });
    expect(interpretStoppedUrl(stopped({ customCommandResult: '' }), 'blacklist')).toMatchObject({ ok: false, code: 'bad-reply' });
    expect(interpretStoppedUrl(stopped({ customCommandResult: 'blacklist ("a" \r\n ' }), 'blacklist')).toMatchObject({ ok: false, code: 'bad-reply' });
    expect(interpretStoppedUrl(stopped({ customCommandResult: 'blacklist ({3} \r\n ' }), 'blacklist')).toMatchObject({ ok: false, code: 'bad-reply' });
  });
});

describe('interpretStoppedUrl: failures', () => {
  it('every tagged NO vector: its code, number and message without the timing suffix', () => {
    for (const v of vectors.tagged.filter((t) => !t.ok)) {
      const text = v.line.replace(/^NO /, '');
      // Thunderbird may add a "." to the text; after Dovecot's suffix that is told apart.
      for (const reported of text.endsWith('secs).') ? [text, `${text}.`] : [text]) {
        expect(interpretStoppedUrl(serverError(reported), 'm'), reported).toEqual({
          ok: false, code: v.code, detail: v.detail, message: v.message, lines: [],
        });
      }
    }
  });

  it('a failing module keeps the lines it printed', () => {
    const r = interpretStoppedUrl(serverError('[XEXEC-EXIT 3] fail stderr last (0.001 + 0.000 secs).', result('fail', [hex('6f7574')])), 'fail');
    expect(r).toEqual({ ok: false, code: 'XEXEC-EXIT', detail: 3, message: 'fail stderr last', lines: ['out'] });
  });

  it('a broken data line does not hide the failure', () => {
    const r = interpretStoppedUrl(serverError('[XEXEC-EXIT 1] no', 'fail ("x \r\n '), 'fail');
    expect(r).toEqual({ ok: false, code: 'XEXEC-EXIT', detail: 1, message: 'no', lines: [] });
  });

  it('a server without XEXEC: unsupported', () => {
    const r = interpretStoppedUrl(serverError('Error in IMAP command UID XEXEC: Unknown command (0.001 + 0.000 secs).'), '.modules');
    expect(r).toEqual({ ok: false, code: 'unsupported', detail: null, message: 'Error in IMAP command UID XEXEC: Unknown command', lines: [] });
  });

  it('"Unknown command" inside an XEXEC code is not "unsupported"', () => {
    expect(interpretStoppedUrl(serverError('[XEXEC-EXIT 1] Unknown command'), 'm')).toMatchObject({ code: 'XEXEC-EXIT' });
  });

  it('a NO or BAD without an XEXEC code, or with a code of a later version: failed', () => {
    expect(interpretStoppedUrl(serverError('Error in IMAP command UID XEXEC: Invalid arguments.'), 'm')).toMatchObject({
      code: 'failed', detail: null, message: 'Error in IMAP command UID XEXEC: Invalid arguments.',
    });
    expect(interpretStoppedUrl(serverError('[XEXEC-FUTURE 7] later'), 'm')).toMatchObject({ code: 'failed', message: 'later' });
  });

  it('a UTF-8 message that Thunderbird passes one char per byte is repaired', () => {
    const bytes = new TextEncoder().encode('[XEXEC-EXIT 2] Zu kurz: mindestens 8 Zeichen für Grüße');
    const text = String.fromCharCode(...bytes);
    expect(interpretStoppedUrl(serverError(text), 'm')).toMatchObject({ message: 'Zu kurz: mindestens 8 Zeichen für Grüße' });
  });

  it('no answer: disconnected, with Thunderbird\'s own text when it has one', () => {
    expect(interpretStoppedUrl(stopped({ status: 0x80470002 }), 'm')).toEqual({
      ok: false, code: 'disconnected', detail: null, message: 'The server closed the connection.', lines: [],
    });
    expect(interpretStoppedUrl(stopped({ status: 0x804b000d }), 'm')).toMatchObject({
      code: 'disconnected', message: expect.stringContaining('0x804b000d'),
    });
    expect(interpretStoppedUrl(stopped({ status: 0x80470002, errorCode: 'imapServerDisconnected', errorMessage: 'Server disconnected.' }), 'm'))
      .toMatchObject({ code: 'disconnected', message: 'Server disconnected.' });
  });
});

describe('readReport', () => {
  it('reads a stopped URL like interpretStoppedUrl', () => {
    const url = stopped({ customCommandResult: result('emit', [hex('61ff'), hex('c3a9')]) });
    expect(readReport({ stopped: true, ...url }, 'emit')).toEqual(interpretStoppedUrl(url, 'emit'));
    expect(readReport({ stopped: true, ...url }, 'emit')).toEqual({ ok: true, lines: [hex('61ff'), 'é'] });
  });

  it('passes on why the transport has no report', () => {
    for (const code of ['unsupported', 'disconnected', 'timeout'] as const) {
      expect(readReport({ stopped: false, code, message: `why ${code}` }, 'emit')).toEqual({ ok: false, code, detail: null, message: `why ${code}`, lines: [] });
    }
  });
});

describe('interpretStoppedUrl reads lines like decodeCustomCommandResult', () => {
  it('any lines: the same text or bytes as the full decoder gives', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 8 }).map((t) => new TextEncoder().encode(t))), { maxLength: 8 }), (lines) => {
      const text = result('emit', lines);
      const full = decodeCustomCommandResult(text);
      expect(full.ok).toBe(true);
      if (!full.ok) return;
      expect(interpretStoppedUrl(stopped({ customCommandResult: text }), 'emit'))
        .toEqual({ ok: true, lines: full.value.lines });
    }));
  });
});
