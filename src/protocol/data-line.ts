/**
 * Decoding the data line `* XEXEC <module> (<line> ...)` (PROTOCOL.md §4, §4.1) as
 * Thunderbird hands it over in `customCommandResult`: without `* XEXEC `, re-joined from
 * tokens (runs of spaces collapsed), with ` \r\n ` debris at the end and one JS char per
 * byte. The server quotes only lines that survive that re-join, so the exact bytes come back.
 */

import { base64urlDecode, byteStringToBytes, findLoneSurrogate, latin1String, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { isSendableModuleName } from './module-name.js';
import { err, ok, type Result } from './result.js';

/**
 * One output line of the module, the one line type from the data line to the module parsers
 * and the console: its text when the bytes are valid UTF-8 (almost always), else the raw bytes,
 * so that no line is ever changed on its way.
 */
export type OutputLine = string | Uint8Array;

export interface XexecReply {
  /** As the server sent it: the configured spelling, `.modules`, or `""` for a bad name. */
  readonly module: string;
  readonly lines: readonly OutputLine[];
}

export type DecodeErrorKind =
  | 'no-data-line'
  | 'not-a-data-line'
  | 'not-bytes'
  | 'bad-module'
  | 'missing-list'
  | 'unterminated-quoted'
  | 'bad-escape'
  | 'bad-char-in-quoted'
  | 'bad-base64url'
  | 'literal'
  | 'unexpected-item'
  | 'missing-close'
  | 'trailing-garbage';

export interface DecodeError {
  readonly kind: DecodeErrorKind;
  /** Char offset in the input, for logs. */
  readonly offset: number;
  readonly message: string;
}

const SP = 0x20;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LPAREN = 0x28;
const RPAREN = 0x29;
const TILDE = 0x7e;
const LBRACE = 0x7b;

function fail(kind: DecodeErrorKind, offset: number, message: string): { ok: false; error: DecodeError } {
  return err({ kind, offset, message });
}

/**
 * Thunderbird's one-char-per-byte string is decoded as bytes. Should a future Thunderbird
 * hand over real Unicode, chars above 0xFF reveal it, and the text is re-encoded as UTF-8.
 */
function asByteString(input: string): string | null {
  // One native search instead of a loop over every char: Debian's Thunderbird runs
  // add-on code without its JIT (javascript.options.baselinejit is false there).
  if (!ABOVE_LATIN1.test(input)) return input;
  return findLoneSurrogate(input) >= 0 ? null : latin1String(utf8Encode(input));
}

const ABOVE_LATIN1 = /[^\u0000-\u00ff]/;
/** What readQuoted's fast path looks for in a quoted string without escapes. */
const NUL_CR_LF = /[\u0000\r\n]/;
const NON_ASCII = /[^\u0000-\u007f]/;

function isDebris(c: number): boolean {
  return c === SP || c === 0x0d || c === 0x0a;
}

/** A quoted line: `raw` is its bytes as a byte string (escapes undone), `ascii` whether all are ASCII. */
function quotedLine(raw: string, ascii: boolean): OutputLine {
  // ASCII is its own UTF-8: the text is the line, no bytes are made for it.
  return ascii ? raw : encodedLine(byteStringToBytes(raw) ?? new Uint8Array(0));
}

function encodedLine(bytes: Uint8Array): OutputLine {
  return utf8DecodeStrict(bytes) ?? bytes;
}

/** Decodes `customCommandResult` (the data line without `* XEXEC `). */
export function decodeCustomCommandResult(result: string): Result<XexecReply, DecodeError> {
  const s = asByteString(result);
  if (s === null) return fail('not-bytes', 0, 'The reply is neither a byte string nor valid Unicode');
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) === SP) start++;
  while (end > start && isDebris(s.charCodeAt(end - 1))) end--;
  if (start === end) return fail('no-data-line', 0, 'The server sent no XEXEC data line');
  return parseReply(s, start, end);
}

const DATA_LINE_PREFIX = /^\* XEXEC /i;

/** Decodes a whole raw data line `* XEXEC ...`, as a raw IMAP session (or a test) sees it. */
export function decodeDataLine(line: string): Result<XexecReply, DecodeError> {
  if (!DATA_LINE_PREFIX.test(line)) return fail('not-a-data-line', 0, 'The line does not start with "* XEXEC "');
  return decodeCustomCommandResult(line.slice('* XEXEC '.length));
}

interface Cursor {
  pos: number;
}

function skipSpaces(s: string, cur: Cursor, end: number): number {
  const before = cur.pos;
  while (cur.pos < end && s.charCodeAt(cur.pos) === SP) cur.pos++;
  return cur.pos - before;
}

/** A quoted string's bytes as a byte string (escapes undone), and whether they are all ASCII. */
type Quoted = { readonly raw: string; readonly ascii: boolean };

/** A quoted string at cur.pos; only `\\` and `\"` are escapes, as in IMAP. */
function readQuoted(s: string, cur: Cursor, end: number): Result<Quoted, DecodeError> {
  const open = cur.pos;
  // Fast path, with native string searches (see asByteString): the common quoted string
  // without escapes. Anything else takes the char-by-char loop below.
  const quote = s.indexOf('"', open + 1);
  if (quote >= 0 && quote < end) {
    const raw = s.slice(open + 1, quote);
    if (raw.indexOf('\\') < 0) {
      const bad = NUL_CR_LF.exec(raw);
      if (bad !== null) return fail('bad-char-in-quoted', open + 1 + bad.index, 'A quoted string contains NUL, CR or LF');
      cur.pos = quote + 1;
      return ok({ raw, ascii: !NON_ASCII.test(raw) });
    }
  }
  let i = open + 1;
  let plain = true;
  let ascii = true;
  let close = -1;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) {
      close = i;
      break;
    }
    if (c === BACKSLASH) {
      const next = i + 1 < end ? s.charCodeAt(i + 1) : -1;
      if (next !== BACKSLASH && next !== DQUOTE) return fail('bad-escape', i, 'Only \\\\ and \\" may be escaped in a quoted string');
      plain = false;
      i++;
    } else if (c === 0 || c === 0x0d || c === 0x0a) {
      return fail('bad-char-in-quoted', i, 'A quoted string contains NUL, CR or LF');
    } else if (c > 0x7f) {
      ascii = false;
    }
  }
  if (close < 0) return fail('unterminated-quoted', open, 'A quoted string is not closed');
  cur.pos = close + 1;
  // asByteString guarantees every char is <= 0xFF: raw is a byte string.
  const raw = plain ? s.slice(open + 1, close) : s.slice(open + 1, close).replace(/\\(["\\])/g, '$1');
  return ok({ raw, ascii });
}

function readModule(s: string, cur: Cursor, end: number): Result<string, DecodeError> {
  const at = cur.pos;
  let name: string;
  if (s.charCodeAt(at) === DQUOTE) {
    const quoted = readQuoted(s, cur, end);
    if (!quoted.ok) return quoted;
    if (!quoted.value.ascii) return fail('bad-module', at, 'The module name is not ASCII');
    name = quoted.value.raw;
    if (name === '') return ok('');
  } else {
    while (cur.pos < end && s.charCodeAt(cur.pos) !== SP && s.charCodeAt(cur.pos) !== LPAREN) cur.pos++;
    name = s.slice(at, cur.pos);
  }
  if (!isSendableModuleName(name)) return fail('bad-module', at, `The module name ${JSON.stringify(name)} is not valid`);
  return ok(name);
}

function readEncoded(s: string, cur: Cursor, end: number): Result<OutputLine, DecodeError> {
  const at = cur.pos;
  let i = at + 1;
  while (i < end && s.charCodeAt(i) !== SP && s.charCodeAt(i) !== RPAREN) i++;
  const bytes = base64urlDecode(s, at + 1, i);
  if (bytes === null) return fail('bad-base64url', at, 'An encoded line is not valid base64url');
  cur.pos = i;
  return ok(encodedLine(bytes));
}

/**
 * Quoted ASCII lines without escapes, NUL, CR or LF, one space apart, up to the closing `)`:
 * what nearly every reply is (a list of entries, key/value lines). Seen whole by one native
 * search and cut by one split, instead of a loop per line: Debian's Thunderbird runs add-on
 * code without a JIT, where that loop cost about 60 ms for 100,000 lines.
 */
const PLAIN_LINES = /"[^"\\\x00\r\n\x80-\xff]*"(?: "[^"\\\x00\r\n\x80-\xff]*")*\)/y;

/** The lines of `s[start, end)` when it is such a list; null for anything else (the loop decides). */
function plainLines(s: string, start: number, end: number): OutputLine[] | null {
  if (s.charCodeAt(start) !== DQUOTE) return null;
  PLAIN_LINES.lastIndex = start;
  if (!PLAIN_LINES.test(s) || PLAIN_LINES.lastIndex !== end) return null;
  // No line contains a quote, so `" "` occurs only between lines.
  return s.slice(start + 1, end - 2).split('" "');
}

function parseReply(s: string, start: number, end: number): Result<XexecReply, DecodeError> {
  const cur: Cursor = { pos: start };
  const module = readModule(s, cur, end);
  if (!module.ok) return module;
  const gap = skipSpaces(s, cur, end);
  if (gap === 0 || cur.pos >= end || s.charCodeAt(cur.pos) !== LPAREN) {
    return fail('missing-list', cur.pos, 'Expected "(" after the module name');
  }
  cur.pos++;
  skipSpaces(s, cur, end);
  const plain = plainLines(s, cur.pos, end);
  if (plain !== null) return ok({ module: module.value, lines: plain });
  const lines: OutputLine[] = [];
  for (;;) {
    if (cur.pos >= end) return fail('missing-close', cur.pos, 'The list of lines is not closed with ")"');
    const c = s.charCodeAt(cur.pos);
    if (c === RPAREN) {
      cur.pos++;
      break;
    }
    if (c === DQUOTE) {
      const quoted = readQuoted(s, cur, end);
      if (!quoted.ok) return quoted;
      lines.push(quotedLine(quoted.value.raw, quoted.value.ascii));
    } else if (c === TILDE) {
      const line = readEncoded(s, cur, end);
      if (!line.ok) return line;
      lines.push(line.value);
    } else if (c === LBRACE) {
      return fail('literal', cur.pos, 'A literal cannot be carried through Thunderbird');
    } else {
      return fail('unexpected-item', cur.pos, 'Expected a quoted string or an encoded line');
    }
    if (cur.pos < end && s.charCodeAt(cur.pos) !== RPAREN && skipSpaces(s, cur, end) === 0) {
      return fail('unexpected-item', cur.pos, 'Expected a space or ")" after a line');
    }
  }
  if (cur.pos !== end) return fail('trailing-garbage', cur.pos, 'Unexpected text after the list of lines');
  return ok({ module: module.value, lines });
}
