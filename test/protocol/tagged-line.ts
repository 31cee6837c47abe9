/**
 * A whole tagged line, as a raw IMAP session (the tests, the vectors) sees it. The add-on
 * never gets one: Thunderbird reports only the text after the status word (decodeErrorMessage).
 */

import { decodeFailureText, stripTimingSuffix, type ServerFailure } from '../../src/protocol/tagged.js';
import { err, ok, type Result } from '../../src/protocol/result.js';

export type TaggedReply =
  | { readonly ok: true; readonly message: string }
  | ({ readonly ok: false; readonly status: 'NO' | 'BAD' } & ServerFailure);

export interface TaggedError {
  readonly kind: 'not-a-tagged-reply';
  readonly message: string;
}

const STATUS = /^(?:(\S+) )??(OK|NO|BAD)(?: (.*))?$/is;

/** Chars of one byte each that are valid UTF-8 become that text (as decodeFailureText does). */
function repairUtf8(text: string): string {
  if (!/[\x80-\xff]/.test(text) || /[^\x00-\xff]/.test(text)) return text;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(text, (c) => c.charCodeAt(0)));
  } catch {
    return text;
  }
}

/** `a2 NO [XEXEC-EXIT 2] ...` or `OK done`, with or without its tag. */
export function decodeTaggedLine(line: string): Result<TaggedReply, TaggedError> {
  const match = STATUS.exec(line.replace(/\r?\n$/, ''));
  const status = match?.[2]?.toUpperCase();
  if (match === null || status === undefined) {
    return err({ kind: 'not-a-tagged-reply', message: 'Expected OK, NO or BAD' });
  }
  const text = match[3] ?? '';
  if (status === 'OK') return ok({ ok: true, message: stripTimingSuffix(repairUtf8(text)) });
  return ok({ ok: false, status: status === 'NO' ? 'NO' : 'BAD', ...decodeFailureText(text) });
}
