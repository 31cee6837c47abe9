import { describe, expect, it } from 'vitest';
import { decodeCustomCommandResult, decodeDataLine, type DecodeErrorKind, type OutputLine } from '../../src/protocol/data-line.js';
import { serverDataLine, serverEncodeItem } from './models/server.js';
import { thunderbirdCustomCommandResult } from './models/thunderbird.js';
import { byteString, hex, lineBytes, toHex, utf8, vectors } from './vectors.js';

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function expectLine(line: OutputLine | undefined, hexBytes: string, text?: string): void {
  expect(line).toBeDefined();
  if (line === undefined) return;
  expect(toHex(lineBytes(line))).toBe(hexBytes);
  if (isUtf8(hex(hexBytes))) {
    expect(typeof line).toBe('string');
    if (text !== undefined) expect(line).toBe(text);
  } else {
    expect(line).toBeInstanceOf(Uint8Array);
  }
}

describe('every lines[] vector', () => {
  for (const v of vectors.lines) {
    const text = 'text' in v && typeof v.text === 'string' ? v.text : undefined;
    // The vector's item is text; its bytes are its UTF-8, as they travel on the wire.
    const wireItem = byteString(utf8(v.item));

    it(`${v.name}: raw data line`, () => {
      const decoded = decodeDataLine(`* XEXEC m (${wireItem})`);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.value.lines).toHaveLength(1);
      expectLine(decoded.value.lines[0], v.hex, text);
    });

    it(`${v.name}: through Thunderbird's re-join, between other lines`, () => {
      const result = thunderbirdCustomCommandResult(`* XEXEC m ("a" ${wireItem} ~Yg)`);
      const decoded = decodeCustomCommandResult(result);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.value.lines.map((l) => toHex(lineBytes(l)))).toEqual(['61', v.hex, '62']);
    });

    it(`${v.name}: the server model encodes it as the vector says`, () => {
      expect(serverEncodeItem(hex(v.hex))).toBe(wireItem);
    });
  }
});

describe('every dataLines[] vector', () => {
  for (const v of vectors.dataLines) {
    it(`${v.name}: raw`, () => {
      const decoded = decodeDataLine(v.line);
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.value.module).toBe(v.module);
      expect(decoded.value.lines.map((l) => toHex(lineBytes(l)))).toEqual(v.hex);
    });
    it(`${v.name}: as customCommandResult`, () => {
      const decoded = decodeCustomCommandResult(thunderbirdCustomCommandResult(v.line));
      expect(decoded.ok).toBe(true);
      if (!decoded.ok) return;
      expect(decoded.value.module).toBe(v.module);
      expect(decoded.value.lines.map((l) => toHex(lineBytes(l)))).toEqual(v.hex);
    });
  }
});

describe('decodeCustomCommandResult', () => {
  it('reads the exact shape Thunderbird produces', () => {
    expect(decodeCustomCommandResult('blacklist ("a@b.example" "@c.example") \r\n ')).toEqual({
      ok: true,
      value: {
        module: 'blacklist',
        lines: [
          'a@b.example',
          '@c.example',
        ],
      },
    });
  });

  it('decodes UTF-8 that arrives one char per byte', () => {
    const decoded = decodeCustomCommandResult(byteString(utf8('vacation ("subject Grüße 📬") \r\n ')));
    expect(decoded.ok && decoded.value.lines[0]).toBe('subject Grüße 📬');
  });

  it('also reads real Unicode, should a Thunderbird version decode it', () => {
    const decoded = decodeCustomCommandResult('vacation ("subject 日本語") \r\n ');
    expect(decoded.ok && decoded.value.lines[0]).toBe('subject 日本語');
  });

  it('gives the empty module name of a refused name', () => {
    expect(decodeCustomCommandResult('"" () \r\n ')).toEqual({ ok: true, value: { module: '', lines: [] } });
  });

  it('keeps the configured spelling of the module name', () => {
    expect(decodeCustomCommandResult('BlackList () \r\n ')).toMatchObject({ ok: true, value: { module: 'BlackList' } });
  });

  it('keeps invalid UTF-8 as bytes only', () => {
    const decoded = decodeCustomCommandResult('m (~Yf8 ~gA) \r\n ');
    expect(decoded.ok && decoded.value.lines).toEqual([
      new Uint8Array([0x61, 0xff]),
      new Uint8Array([0x80]),
    ]);
  });

  it('keeps a byte-order mark', () => {
    const decoded = decodeCustomCommandResult('m (~77u_eA) \r\n ');
    expect(decoded.ok && decoded.value.lines[0]).toBe('\uFEFFx');
  });

  it('accepts padded encoded lines', () => {
    const decoded = decodeCustomCommandResult('m (~YQ== ~YWI=) \r\n ');
    expect(decoded.ok && decoded.value.lines.map((l) => toHex(lineBytes(l)))).toEqual(['61', '6162']);
  });
});

describe('hostile and broken replies are errors, never exceptions', () => {
  const cases: ReadonlyArray<readonly [string, string, DecodeErrorKind]> = [
    ['empty', '', 'no-data-line'],
    ['only debris', ' \r\n ', 'no-data-line'],
    ['module only', 'blacklist \r\n ', 'missing-list'],
    ['no opening parenthesis', 'blacklist "a" \r\n ', 'missing-list'],
    ['no space before the list', 'blacklist("a") \r\n ', 'missing-list'],
    ['no closing parenthesis', 'blacklist ("a" "b" \r\n ', 'missing-close'],
    ['cut after an item', 'blacklist ("a"', 'missing-close'],
    ['unbalanced quote', 'blacklist ("a \r\n ', 'unterminated-quoted'],
    ['quote escaped at the end', 'blacklist ("a\\") \r\n ', 'unterminated-quoted'],
    ['unknown escape', 'blacklist ("a\\n") \r\n ', 'bad-escape'],
    ['bad base64url char', 'm (~YQ+b) \r\n ', 'bad-base64url'],
    ['base64url length 1 mod 4', 'm (~Q) \r\n ', 'bad-base64url'],
    ['padding in the middle', 'm (~YQ=x) \r\n ', 'bad-base64url'],
    ['stray bits', 'm (~YR) \r\n ', 'bad-base64url'],
    ['literal marker', 'm ({5}) \r\n ', 'literal'],
    ['literal after an item', 'm ("a" {3}) \r\n ', 'literal'],
    ['nested list', 'm (("a")) \r\n ', 'unexpected-item'],
    ['bare atom', 'm (NIL) \r\n ', 'unexpected-item'],
    ['items without space', 'm ("a""b") \r\n ', 'unexpected-item'],
    ['garbage after the list', 'm ("a") x \r\n ', 'trailing-garbage'],
    ['second list', 'm ("a") ("b") \r\n ', 'trailing-garbage'],
    ['path as module', '../x () \r\n ', 'bad-module'],
    ['module name too long', 'm'.repeat(65) + ' () \r\n ', 'bad-module'],
    ['quoted module with a slash', '"/bin/sh" () \r\n ', 'bad-module'],
    ['non-ASCII module', 'blä () \r\n ', 'bad-module'],
    ['NUL in a quoted line', 'm ("a\0b") \r\n ', 'bad-char-in-quoted'],
    ['lone surrogate', 'm ("\uD800") \r\n ', 'not-bytes'],
  ];
  for (const [name, input, kind] of cases) {
    it(name, () => {
      const decoded = decodeCustomCommandResult(input);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) {
        expect(decoded.error.kind).toBe(kind);
        expect(decoded.error.message).not.toBe('');
      }
    });
  }

  it('a raw line must start with * XEXEC', () => {
    expect(decodeDataLine('* OK spam@example.com')).toMatchObject({ ok: false, error: { kind: 'not-a-data-line' } });
  });

  it('every prefix of a valid reply decodes or fails cleanly', () => {
    const full = thunderbirdCustomCommandResult(
      serverDataLine('vacation', ['status on', 'body  x', '', '{5}', 'Grüße', 'a"b\\c'].map(utf8).concat([new Uint8Array([0xff])])),
    );
    for (let i = 0; i <= full.length; i++) {
      expect(() => decodeCustomCommandResult(full.slice(0, i))).not.toThrow();
    }
  });
});

describe('decodeCustomCommandResult: the one-search path for plain quoted lines', () => {
  it('gives what the loop gives', () => {
    expect(decodeCustomCommandResult('m ("a" "b c" "" "\t x") \r\n ')).toEqual({ ok: true, value: { module: 'm', lines: ['a', 'b c', '', '\t x'] } });
    // Escapes, non-ASCII, encoded lines and two spaces are the loop's: the same lines come back.
    expect(decodeCustomCommandResult('m ("a" "b\\"c" "d") \r\n ')).toEqual({ ok: true, value: { module: 'm', lines: ['a', 'b"c', 'd'] } });
    expect(decodeCustomCommandResult(byteString(utf8('m ("a" "é")')))).toEqual({ ok: true, value: { module: 'm', lines: ['a', 'é'] } });
    expect(decodeCustomCommandResult('m ("a" ~Yg "c")')).toEqual({ ok: true, value: { module: 'm', lines: ['a', 'b', 'c'] } });
    expect(decodeCustomCommandResult('m ("a"  "b")')).toEqual({ ok: true, value: { module: 'm', lines: ['a', 'b'] } });
  });

  it('leaves every error to the loop', () => {
    expect(decodeCustomCommandResult('m ("a" "b") x')).toMatchObject({ ok: false, error: { kind: 'trailing-garbage' } });
    expect(decodeCustomCommandResult('m ("a" "b"')).toMatchObject({ ok: false, error: { kind: 'missing-close' } });
    expect(decodeCustomCommandResult('m ("a""b")')).toMatchObject({ ok: false, error: { kind: 'unexpected-item' } });
    expect(decodeCustomCommandResult('m ("a" "b\u0000")')).toMatchObject({ ok: false, error: { kind: 'bad-char-in-quoted' } });
  });
});
