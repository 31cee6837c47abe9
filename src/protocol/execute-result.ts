/**
 * What a finished XEXEC command means. The experiment (`messenger.xexec.send`) only reports
 * what Thunderbird said (status, errorCode, errorMessage, customCommandResult) or why the
 * command never got an answer; the reading of it lives here, in plain testable code that runs
 * in the background.
 */

import { sameModule } from './module-name.js';
import { decodeCustomCommandResult, type OutputLine } from './data-line.js';
import { decodeErrorMessage, type NumericCode, type PlainCode } from './tagged.js';

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
  | { readonly ok: true; readonly lines: readonly OutputLine[] }
  | {
    readonly ok: false;
    readonly code: ExecuteFailureCode;
    /** The number of `XEXEC-EXIT 2`, `XEXEC-TIMEOUT 30`, ...; null for the other codes. */
    readonly detail: number | null;
    /** The server's text without Dovecot's timing suffix; for the local codes a sentence of the add-on or of Thunderbird. */
    readonly message: string;
    /** What a failing module printed (XEXEC-EXIT, XEXEC-SIGNAL); otherwise empty. */
    readonly lines: readonly OutputLine[];
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

/** Why the transport has no answer from Thunderbird: it refused to send, or gave up waiting. */
export type TransportFailureCode = 'unsupported' | 'disconnected' | 'timeout';

/** What `messenger.xexec.send()` resolves with. */
export type TransportReport =
  | ({ readonly stopped: true } & StoppedUrl)
  | { readonly stopped: false; readonly code: TransportFailureCode; readonly message: string };

/** NS_BASE_STREAM_CLOSED: the server closed the connection. */
const NS_BASE_STREAM_CLOSED = 0x80470002;

export function failure(code: ExecuteFailureCode, message: string, detail: number | null = null, lines: readonly OutputLine[] = []): ExecuteResult {
  return { ok: false, code, detail, message, lines };
}

/** The output lines of a data line for `module`, or an explanation why there are none. */
function readLines(customCommandResult: string, module: string): { lines: readonly OutputLine[] } | { problem: string } {
  const decoded = decodeCustomCommandResult(customCommandResult);
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

/** What the transport reported for a command to `module`, as a result. */
export function readReport(report: TransportReport, module: string): ExecuteResult {
  return report.stopped ? interpretStoppedUrl(report, module) : failure(report.code, report.message);
}
