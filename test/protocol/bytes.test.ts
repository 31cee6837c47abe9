import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base64urlDecode,
  base64urlEncode,
  byteStringToBytes,
  findLoneSurrogate,
  latin1String,
  utf8DecodeStrict,
} from '../../src/protocol/bytes.js';
import { toHex } from './vectors.js';

describe('base64url', () => {
  it('encodes like Node, without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(base64urlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes what it encodes, with or without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = base64urlEncode(bytes);
        expect(toHex(base64urlDecode(text) ?? new Uint8Array([1, 2, 3]))).toBe(toHex(bytes));
        const padded = text + '='.repeat((4 - (text.length % 4)) % 4);
        expect(toHex(base64urlDecode(padded) ?? new Uint8Array([1, 2, 3]))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes a slice of a longer string', () => {
    expect(base64urlDecode('xx~YWI)', 3, 6)).toEqual(new Uint8Array([0x61, 0x62]));
  });

  it('refuses everything that is not canonical base64url', () => {
    for (const bad of ['Q', 'YQ=', 'YQ===', 'YQ=x', 'a+b/', 'YR', 'YWJ', 'Y Q', 'é', '====', 'YQ==YQ']) {
      expect(base64urlDecode(bad), bad).toBeNull();
    }
    expect(base64urlDecode('')).toEqual(new Uint8Array(0));
  });
});

describe('text and byte strings', () => {
  it('UTF-8 decoding is strict and keeps a BOM', () => {
    expect(utf8DecodeStrict(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('\uFEFFa');
    expect(utf8DecodeStrict(new Uint8Array([0x61, 0xff]))).toBeNull();
    expect(utf8DecodeStrict(new Uint8Array([0xed, 0xa0, 0x80]))).toBeNull(); // an encoded surrogate
    expect(utf8DecodeStrict(new Uint8Array([0xc0, 0xaf]))).toBeNull(); // overlong "/"
  });

  it('byte strings: chars above 0xFF are not bytes', () => {
    expect(byteStringToBytes('a\u00ff')).toEqual(new Uint8Array([0x61, 0xff]));
    expect(byteStringToBytes('a\u0100')).toBeNull();
  });

  it('latin1String handles millions of bytes', () => {
    const big = new Uint8Array(3_000_000).fill(0x41);
    expect(latin1String(big)).toHaveLength(3_000_000);
  });

  it('finds unpaired surrogates only', () => {
    expect(findLoneSurrogate('a📬b')).toBe(-1);
    expect(findLoneSurrogate('ab\uD800')).toBe(2);
    expect(findLoneSurrogate('\uDC00x')).toBe(0);
    expect(findLoneSurrogate('\uDC00\uD800')).toBe(0);
  });
});
