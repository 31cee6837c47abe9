/**
 * A model of the server side of PROTOCOL.md (§3 argument decoding, §4.1 line encoding),
 * written from the text and independently of src/, using Node's own base64url.
 * Strings here are byte strings: one char per byte, as on the wire.
 */

import { Buffer } from 'node:buffer';

export type ArgsOutcome = { readonly ok: true; readonly words: Uint8Array[] } | { readonly ok: false; readonly reason: string };

const ATOM_SPECIALS = /[(){ %*"\\\]\x00-\x1f\x7f]/;

function decodeEncodedAtom(body: string): Uint8Array | null {
  // §3.1: base64url chars, then at most two "=", padding only to a multiple of four.
  const match = /^([A-Za-z0-9_-]*)(=*)$/.exec(body);
  if (match === null) return null;
  const chars = match[1] ?? '';
  const padding = (match[2] ?? '').length;
  if (chars.length % 4 === 1 || padding > 2) return null;
  if (padding > 0 && body.length % 4 !== 0) return null;
  // §3.1: only the canonical form; re-encoding must give the same characters.
  const bytes = Buffer.from(chars, 'base64url');
  if (bytes.toString('base64url') !== chars) return null;
  return new Uint8Array(bytes);
}

/**
 * Parses `<word> <word> ...` as the server's IMAP parser and §3 do: atoms, quoted strings,
 * literals; a `~` atom is base64url; NUL and lists are refused. The first word (the module
 * name) is returned as is.
 */
export function serverDecodeArguments(line: string): ArgsOutcome {
  const words: Uint8Array[] = [];
  let i = 0;
  const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));
  while (i < line.length) {
    if (words.length > 0) {
      if (line[i] !== ' ') return { ok: false, reason: `expected SP at ${i}` };
      i++;
    }
    const c = line[i];
    if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= line.length) return { ok: false, reason: 'unterminated quoted' };
        const q = line[i++];
        if (q === '"') break;
        if (q === '\\') {
          const e = line[i++];
          if (e !== '"' && e !== '\\') return { ok: false, reason: 'bad escape' };
          value += e;
        } else if (q === '\r' || q === '\n' || q === '\0') {
          return { ok: false, reason: 'BAD: CR/LF/NUL in quoted' };
        } else {
          value += q;
        }
      }
      words.push(bytes(value));
    } else if (c === '{') {
      const m = /^\{(\d+)\+?\}\r\n/.exec(line.slice(i));
      if (m === null) return { ok: false, reason: 'bad literal' };
      const size = Number(m[1]);
      const start = i + m[0].length;
      if (start + size > line.length) return { ok: false, reason: 'short literal' };
      const value = line.slice(start, start + size);
      if (value.includes('\0')) return { ok: false, reason: 'NUL' };
      words.push(bytes(value));
      i = start + size;
    } else if (c === '(') {
      return { ok: false, reason: 'list argument' };
    } else {
      let end = i;
      while (end < line.length && !ATOM_SPECIALS.test(line.charAt(end))) end++;
      const atom = line.slice(i, end);
      if (atom === '') return { ok: false, reason: `empty atom at ${i}` };
      i = end;
      if (words.length > 0 && atom.startsWith('~')) {
        const decoded = decodeEncodedAtom(atom.slice(1));
        if (decoded === null) return { ok: false, reason: 'not base64url' };
        if (decoded.includes(0)) return { ok: false, reason: 'NUL' };
        words.push(decoded);
      } else {
        words.push(bytes(atom));
      }
    }
  }
  return { ok: true, words };
}

function isPlain(line: Uint8Array): boolean {
  if (line.length > 0 && (line[0] === 0x20 || line[line.length - 1] === 0x20)) return false;
  for (let i = 0; i < line.length; i++) {
    const b = line[i] ?? 0;
    if (b < 0x20 || b === 0x7f || b === 0x7b) return false;
    if (b === 0x20 && line[i + 1] === 0x20) return false;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(line);
    return true;
  } catch {
    return false;
  }
}

/** §4.1: one item of the data line. */
export function serverEncodeItem(line: Uint8Array): string {
  if (!isPlain(line)) return '~' + Buffer.from(line).toString('base64url');
  return '"' + Buffer.from(line).toString('latin1').replace(/["\\]/g, '\\$&') + '"';
}

/** The data line without CRLF, one char per byte. `module` is written as the server does. */
export function serverDataLine(module: string, lines: readonly Uint8Array[]): string {
  const name = module === '' ? '""' : module;
  return `* XEXEC ${name} (${lines.map(serverEncodeItem).join(' ')})`;
}

/** Output text split into lines as §4.1 does: at LF, a last line without LF counts. */
export function serverSplitOutput(output: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < output.length; i++) {
    if (output[i] === 0x0a) {
      lines.push(output.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < output.length) lines.push(output.subarray(start));
  return lines;
}
