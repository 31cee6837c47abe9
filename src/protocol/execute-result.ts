/**
 * What `messenger.xexec.execute()` resolves with, and how a finished Thunderbird URL becomes
 * that value. The experiment only collects what Thunderbird reports (status, errorCode,
 * errorMessage, customCommandResult); the reading of it lives here, in plain testable code.
 */

import { sameModule } from './module-name.js';
import { byteStringToBytes, utf8DecodeStrict, utf8Encode } from './bytes.js';
import { decodeCustomCommandResultAs, type LineMaker, type OutputLine, type XexecReply } from './data-line.js';
import { decodeErrorMessage, type NumericCode, type PlainCode } from './tagged.js';

/**
 * One output line of the module: its text when the bytes are valid UTF-8 (almost always),
 * else the raw bytes, so that no line is ever changed on its way.
 */
export type ExecuteLine = string | Uint8Array;

export type ExecuteFailureCode =
  /** The server has no XEXEC (a plain `BAD ... Unknown command`), or Thunderbird cannot address the account safely. */
  | 'unsupported'
  /** No answer: no connection or login, or the connection dropped (after Thunderbird's one silent retry). */
  | 'disconnected'
  /** No answer in time on this side. The command may still run on the server. */
  | 'timeout'
  /** The protocol's own codes (PROTOCOL.md §4.3). */
  | NumericCode
  | PlainCode
  /** A tagged NO or BAD without an XEXEC code (a command the server could not parse, a code of a later version). */
  | 'failed'
  /** The server answered OK, but its data line is not what PROTOCOL.md §4 says. */
  | 'bad-reply';

export type ExecuteResult =
  | { readonly ok: true; readonly lines: ExecuteLine[] }
  | {
    readonly ok: false;
    readonly code: ExecuteFailureCode;
    /** The number of `XEXEC-EXIT 2`, `XEXEC-TIMEOUT 30`, ...; null for the other codes. */
    readonly detail: number | null;
    /** The server's text without Dovecot's timing suffix; for the local codes a sentence of the add-on or of Thunderbird. */
    readonly message: string;
    /** What a failing module printed (XEXEC-EXIT, XEXEC-SIGNAL); otherwise empty. */
    readonly lines: ExecuteLine[];
  };

/** What Thunderbird tells about a URL that stopped (nsIUrlListener.OnStopRunningUrl). */
export interface StoppedUrl {
  /** The nsresult; 0 is success. */
  readonly status: number;
  /** nsIImapUrl.customCommandResult (the last `* XEXEC` line without `* XEXEC `), one char per byte. */
  readonly customCommandResult: string;
  /** nsIMsgMailNewsUrl.errorCode: "imap-server-error" for a tagged NO/BAD. */
  readonly errorCode: string;
  /** nsIMsgMailNewsUrl.errorMessage: the tagged text for a NO/BAD, else maybe Thunderbird's own sentence. */
  readonly errorMessage: string;
}

/** NS_BASE_STREAM_CLOSED: the server closed the connection. */
const NS_BASE_STREAM_CLOSED = 0x80470002;

export function failure(code: ExecuteFailureCode, message: string, detail: number | null = null, lines: ExecuteLine[] = []): ExecuteResult {
  return { ok: false, code, detail, message, lines };
}

function executeLine(bytes: Uint8Array): ExecuteLine {
  return utf8DecodeStrict(bytes) ?? bytes;
}

/** Lines as execute() gives them: the text, or the bytes when they are not UTF-8 (no bytes made for text). */
const EXECUTE_LINES: LineMaker<ExecuteLine> = {
  quoted: (raw, ascii) => (ascii ? raw : executeLine(byteStringToBytes(raw) ?? new Uint8Array(0))),
  encoded: executeLine,
};

/** The output lines of a data line for `module`, or an explanation why there are none. */
export function readLines(customCommandResult: string, module: string): { lines: ExecuteLine[] } | { problem: string } {
  const decoded = decodeCustomCommandResultAs(customCommandResult, EXECUTE_LINES);
  if (!decoded.ok) return { problem: decoded.error.message };
  // The server names the module as configured (any case), `.modules`, or "" for a name
  // outside the grammar, which this side never sends.
  if (!sameModule(decoded.value.module, module)) {
    return { problem: `The reply is for module ${JSON.stringify(decoded.value.module)}, not ${JSON.stringify(module)}` };
  }
  return { lines: decoded.value.lines };
}

function hex(status: number): string {
  return '0x' + (status >>> 0).toString(16);
}

/** Turns what Thunderbird reported for a finished XEXEC command into the API's result. */
export function interpretStoppedUrl(url: StoppedUrl, module: string): ExecuteResult {
  if (url.status === 0) {
    const read = readLines(url.customCommandResult, module);
    return 'lines' in read ? { ok: true, lines: read.lines } : failure('bad-reply', read.problem);
  }
  if (url.errorCode === 'imap-server-error') {
    const server = decodeErrorMessage(url.errorMessage);
    // A server without the plugin: "BAD Error in IMAP command UID XEXEC: Unknown command".
    if (server.code === null && server.responseCode === null && /\bUnknown command\b/i.test(server.message)) {
      return failure('unsupported', server.message);
    }
    // The data line comes before the tagged reply; a failing module's output is in it. A
    // broken one is not worth hiding the failure behind.
    const read = url.customCommandResult === '' ? { lines: [] } : readLines(url.customCommandResult, module);
    const lines = 'lines' in read ? read.lines : [];
    return failure(server.code ?? 'failed', server.message, server.detail, lines);
  }
  if (url.errorMessage !== '') return failure('disconnected', url.errorMessage);
  return failure(
    'disconnected',
    url.status === NS_BASE_STREAM_CLOSED
      ? 'The server closed the connection.'
      : `The command failed before the server answered: no connection or no login (${hex(url.status)}).`,
  );
}

/**
 * The other way round, for the module parsers of src/modules: the lines execute() gave,
 * as the reply of `module` they would have decoded themselves.
 */
export function replyFromLines(module: string, lines: readonly ExecuteLine[]): XexecReply {
  return {
    module,
    lines: lines.map((line): OutputLine => (typeof line === 'string' ? { kind: 'text', text: line, bytes: utf8Encode(line) } : { kind: 'binary', bytes: line })),
  };
}
