/**
 * The tagged reply (PROTOCOL.md §4.3). Thunderbird reports a NO or BAD only as text in
 * `url.errorMessage`: the server's text after the status word, possibly with a `.` added.
 * Dovecot 2.3 appends a timing suffix that a client must remove before showing the message.
 */

import { byteStringToBytes, utf8DecodeStrict } from './bytes.js';

export type NumericCode = 'XEXEC-EXIT' | 'XEXEC-SIGNAL' | 'XEXEC-TIMEOUT' | 'XEXEC-LIMIT';
export type PlainCode = 'XEXEC-UNKNOWN' | 'XEXEC-BADARGS' | 'XEXEC-UNAVAILABLE' | 'XEXEC-BUSY';

/**
 * `code: null` covers a plain BAD (a server without XEXEC), other response codes and codes
 * of a later protocol version: all of them simply mean "failed" (§7).
 */
export type ServerFailure =
  | { readonly code: NumericCode; readonly detail: number; readonly message: string }
  | { readonly code: PlainCode; readonly detail: null; readonly message: string }
  | { readonly code: null; readonly detail: null; readonly message: string; readonly responseCode: string | null };

const NUMERIC_CODES: ReadonlySet<string> = new Set<NumericCode>(['XEXEC-EXIT', 'XEXEC-SIGNAL', 'XEXEC-TIMEOUT', 'XEXEC-LIMIT']);
const PLAIN_CODES: ReadonlySet<string> = new Set<PlainCode>(['XEXEC-UNKNOWN', 'XEXEC-BADARGS', 'XEXEC-UNAVAILABLE', 'XEXEC-BUSY']);

// Dovecot: " (<d>.<ddd> + <d>.<ddd> [+ <d>.<ddd>] secs)." ; Thunderbird may add one more ".".
const TIMING_SUFFIX = / \(\d+\.\d{3} \+ \d+\.\d{3}(?: \+ \d+\.\d{3})? secs\)\.{0,2}$/;

export function stripTimingSuffix(text: string): string {
  return text.replace(TIMING_SUFFIX, '');
}

/**
 * Module messages are often UTF-8 and Thunderbird may pass server bytes one char per byte.
 * Latin-1 text that happens to be valid UTF-8 is vanishingly rare, so a string of
 * byte-range chars that decodes as UTF-8 is taken to be UTF-8.
 */
function repairUtf8(text: string): string {
  if (!/[\x80-\xff]/.test(text)) return text;
  const bytes = byteStringToBytes(text);
  if (bytes === null) return text;
  return utf8DecodeStrict(bytes) ?? text;
}

const RESPONSE_CODE = /^\[([^\]]*)\] ?/;

function isNumericCode(code: string): code is NumericCode {
  return NUMERIC_CODES.has(code);
}

function isPlainCode(code: string): code is PlainCode {
  return PLAIN_CODES.has(code);
}

function classify(responseCode: string | null, message: string): ServerFailure {
  if (responseCode === null) return { code: null, detail: null, message, responseCode };
  const match = /^([A-Za-z0-9-]+)(?: (\d{1,15}))?$/.exec(responseCode);
  const name = match?.[1]?.toUpperCase();
  const number = match?.[2];
  if (name !== undefined && isNumericCode(name) && number !== undefined) {
    return { code: name, detail: Number(number), message };
  }
  if (name !== undefined && isPlainCode(name) && number === undefined) {
    return { code: name, detail: null, message };
  }
  return { code: null, detail: null, message, responseCode };
}

/** The text after the status word: `[XEXEC-EXIT 2] Too short (0.001 + 0.000 secs).` */
export function decodeFailureText(text: string): ServerFailure {
  const repaired = repairUtf8(text);
  const match = RESPONSE_CODE.exec(repaired);
  const rest = match === null ? repaired : repaired.slice(match[0].length);
  return classify(match?.[1] ?? null, stripTimingSuffix(rest));
}

/**
 * `url.errorMessage` as Thunderbird reports it. Tolerates a leading `NO `/`BAD ` before a
 * response code, in case a Thunderbird version keeps the status word.
 */
export function decodeErrorMessage(errorMessage: string): ServerFailure {
  return decodeFailureText(errorMessage.replace(/^(?:NO|BAD) (?=\[)/i, ''));
}
