/** Test doubles for the background: browser.i18n over the real _locales, and messenger.xexec. */

import { vi } from 'vitest';
import messages from '../../_locales/en/messages.json';
import type { SavedPasswordUpdate, TransportReport, XexecExperimentApi } from '../../experiments/xexec/api.js';
import type { SendingState, XexecOutgoingApi } from '../../experiments/xexec/outgoing-api.js';
import type { Translate } from '../../src/messages/errors.js';
import type { Argument } from '../../src/protocol/command.js';
import type { ExecuteResult } from '../../src/protocol/execute-result.js';
import { serverDataLine, serverDecodeArguments } from '../protocol/models/server.js';
import { thunderbirdCustomCommandResult, thunderbirdSend } from '../protocol/models/thunderbird.js';
import { lineBytes } from '../protocol/vectors.js';

interface Entry {
  readonly message: string;
  readonly placeholders?: Record<string, { readonly content: string }>;
}

const table = messages as Record<string, Entry>;

/** browser.i18n.getMessage as Firefox does it: named placeholders, then $1..$9, "" for an unknown key. */
export function getMessage(key: string, substitutions?: string | readonly string[]): string {
  const entry = table[key];
  if (entry === undefined) return '';
  const subs = substitutions === undefined ? [] : typeof substitutions === 'string' ? [substitutions] : substitutions;
  const withPlaceholders = entry.message.replace(/\$([A-Za-z0-9_@]+)\$/g, (whole, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? placeholder.content : whole;
  });
  return withPlaceholders.replace(/\$(\$|[1-9])/g, (_, d: string) => (d === '$' ? '$' : subs[Number(d) - 1] ?? ''));
}

export const translate: Translate = (key, substitutions) => getMessage(key, substitutions);

/** What a command gets back in a test: the result the background should read from the report. */
export type Script = (module: string, args: readonly Argument[], accountId: string) => ExecuteResult | Promise<ExecuteResult>;

export function okLines(...lines: string[]): ExecuteResult {
  return { ok: true, lines };
}

export type Failure = Extract<ExecuteResult, { ok: false }>;

export function failed(code: Failure['code'], message: string, detail: number | null = null): Failure {
  return { ok: false, code, detail, message, lines: [] };
}

export const UPDATED: SavedPasswordUpdate = { incomingSaved: true, incomingSession: true, outgoingSaved: false, outgoingSession: false };

/** NS_ERROR_IMAP_COMMAND_FAILED: Thunderbird's status for a tagged NO or BAD. */
const NO_OR_BAD = 0x80550021;

/** A word as the server received it: text when it is UTF-8, else bytes. */
function asArgument(word: Uint8Array): Argument {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(word);
  } catch {
    return word;
  }
}

/** What the server got for a command text that went through Thunderbird (the models of test/protocol). */
function receivedCommand(text: string): { module: string; args: Argument[] } {
  const sent = thunderbirdSend(text);
  if (sent.damage.length > 0) throw new Error(`fake xexec: Thunderbird would damage ${JSON.stringify(text)}: ${sent.damage.join(', ')}`);
  const words = serverDecodeArguments(sent.sent);
  if (!words.ok || words.words.length === 0) throw new Error(`fake xexec: the server could not parse ${JSON.stringify(sent.sent)}`);
  return { module: new TextDecoder().decode(words.words[0]), args: words.words.slice(1).map(asArgument) };
}

/** The report Thunderbird would give for a server that answers `result` (the inverse of readReport). */
function reportOf(result: ExecuteResult, module: string): TransportReport {
  const dataLine = (lines: ExecuteResult['lines']) => thunderbirdCustomCommandResult(serverDataLine(module, lines.map(lineBytes)));
  if (result.ok) return { stopped: true, status: 0, customCommandResult: dataLine(result.lines), errorCode: '', errorMessage: '' };
  switch (result.code) {
    case 'unsupported':
    case 'disconnected':
    case 'timeout':
      return { stopped: false, code: result.code, message: result.message };
    case 'bad-reply':
      throw new Error('fake xexec: a bad reply has no ExecuteResult to script; send a report instead');
    case 'failed':
      return { stopped: true, status: NO_OR_BAD, customCommandResult: '', errorCode: 'imap-server-error', errorMessage: result.message };
    default: {
      const code = result.detail === null ? result.code : `${result.code} ${result.detail}`;
      return {
        stopped: true, status: NO_OR_BAD, errorCode: 'imap-server-error', errorMessage: `[${code}] ${result.message}`,
        customCommandResult: result.lines.length === 0 ? '' : dataLine(result.lines),
      };
    }
  }
}

/**
 * A messenger.xexec whose send() runs the command text through the models of Thunderbird and
 * the server and answers through `script`; `execute` is a spy of what the server received
 * (module, argument words), `send` one of the texts. All its functions are vi.fn spies.
 */
export function fakeXexec(script: Script) {
  const execute = vi.fn(async (accountId: string, module: string, args: readonly Argument[]) => script(module, args, accountId));
  const api = {
    execute,
    send: vi.fn(async (accountId: string, text: string): Promise<TransportReport> => {
      const { module, args } = receivedCommand(text);
      return reportOf(await execute(accountId, module, args), module);
    }),
    updateSavedPassword: vi.fn(async (_accountId: string, _newPassword: string): Promise<SavedPasswordUpdate> => UPDATED),
    getServerHost: vi.fn(async (_accountId: string): Promise<string> => '127.0.0.1'),
  };
  const typed: XexecExperimentApi = api;
  return Object.assign(api, { typed });
}

/** The Sending switch's two states (experiment xexecOutgoing). */
export const SENDING_ON: SendingState = { enabled: true, serverKey: 'xexec1' };
export const SENDING_OFF: SendingState = { enabled: false, serverKey: '' };

/** The experiment xexecOutgoing as the router sees it: a switch that starts at `initial`. */
export function fakeOutgoing(initial: SendingState = SENDING_OFF) {
  let state = initial;
  const api = {
    state: vi.fn(async () => state),
    enable: vi.fn(async () => (state = SENDING_ON)),
    disable: vi.fn(async () => (state = SENDING_OFF)),
  };
  return { api, typed: api as XexecOutgoingApi };
}
