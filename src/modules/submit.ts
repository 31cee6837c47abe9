/**
 * `submit` (PROTOCOL.md §6.8): sending mail over the IMAP connection. The client stages the
 * message with APPEND into the mailbox the module names, then sends `submit send <uid> <token>
 * <from> <rcpt>...`. Pure functions: the experiment's outgoing server (experiments/xexec/
 * outgoing.ts) moves the bytes, these decide what to send and what the answer means.
 */

import { bytesToHex, utf8Encode } from '../protocol/bytes.js';
import type { XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import type { ExecuteResult } from '../protocol/execute-result.js';
import { err, ok, type Result } from '../protocol/result.js';
import { badValue, checkModule, missingKey, readState, type ReplyError } from './reply.js';

export const SUBMIT = 'submit';

/** What the module offers (its no-argument form). */
export interface SubmitInfo {
  /** Where the client APPENDs the message to send (created by the client when missing). */
  readonly mailbox: string;
  /** Bytes of the staged message, at most. */
  readonly maxSize: number;
  readonly maxRecipients: number;
  readonly perHour: number;
  /** The addresses the user may send as, the login first. */
  readonly addresses: readonly string[];
}

export function submitInfoRequest(module: string = SUBMIT): XexecRequest {
  return { module, args: [] };
}

const NUMBER_KEYS = [['max-size', 'maxSize'], ['max-recipients', 'maxRecipients'], ['per-hour', 'perHour']] as const;
const SINGLE_KEYS: ReadonlySet<string> = new Set(['mailbox', 'max-size', 'max-recipients', 'per-hour']);
const INFO_KEYS: ReadonlySet<string> = new Set([...SINGLE_KEYS, 'address']);

/** The no-argument form's reply; keys it does not know are skipped (PROTOCOL.md §6). */
export function parseSubmitInfo(reply: XexecReply, module: string = SUBMIT): Result<SubmitInfo, ReplyError> {
  const state = readState(reply, module, INFO_KEYS, SINGLE_KEYS);
  if (!state.ok) return state;
  const { values, pairs } = state.value;
  const mailbox = values.get('mailbox');
  if (mailbox === undefined) return missingKey('mailbox');
  // A name with a control character could not be carried by the APPEND Thunderbird builds.
  if (mailbox.value === '' || /[\x00-\x1f\x7f]/.test(mailbox.value)) return badValue(mailbox, 'is not a mailbox name');
  const numbers: Record<string, number> = {};
  for (const [key, field] of NUMBER_KEYS) {
    const pair = values.get(key);
    if (pair === undefined) return missingKey(key);
    if (!/^[0-9]{1,15}$/.test(pair.value)) return badValue(pair, 'is not a whole number');
    numbers[field] = Number(pair.value);
  }
  const addresses: string[] = [];
  for (const pair of pairs) {
    if (pair.key !== 'address') continue;
    if (!isAddress(pair.value)) return badValue(pair, 'is not an address');
    addresses.push(pair.value);
  }
  if (addresses.length === 0) return missingKey('address');
  return ok({
    mailbox: mailbox.value,
    maxSize: numbers.maxSize ?? 0,
    maxRecipients: numbers.maxRecipients ?? 0,
    perHour: numbers.perHour ?? 0,
    addresses,
  });
}

export type SubmitFailure =
  /** The server has no `submit`, or the command could not be carried: no sending this way. */
  | { readonly kind: 'failed'; readonly result: Extract<ExecuteResult, { ok: false }> }
  | { readonly kind: 'reply'; readonly error: ReplyError };

export function readSubmitInfo(result: ExecuteResult, module: string = SUBMIT): Result<SubmitInfo, SubmitFailure> {
  if (!result.ok) return err({ kind: 'failed', result });
  const parsed = parseSubmitInfo({ module, lines: result.lines }, module);
  return parsed.ok ? parsed : err({ kind: 'reply', error: parsed.error });
}

/** `local@domain` of the §6.1 grammar: no space, control character, quote or angle bracket; at most 254 bytes. */
export function isAddress(text: string): boolean {
  if (utf8Encode(text).length > 254) return false;
  return /^[^\s"<>()@,;:\\\x00-\x1f\x7f]+@[^\s"<>()@,;:\\\x00-\x1f\x7f]+$/.test(text);
}

const TOKEN = /^[A-Za-z0-9._\-@+=]{1,128}$/;

/** The Message-ID without its angle brackets and surrounding space: the same id gives the same token. */
export function bareMessageId(messageId: string): string {
  const trimmed = messageId.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
}

/** A SHA-256 digest function (crypto.subtle.digest's shape), given so the module stays pure. */
export type Sha256 = (data: Uint8Array) => Promise<ArrayBuffer>;

/**
 * The idempotency key: the hex SHA-256 of the bare Message-ID. A message Thunderbird or the
 * user sends again after an unknown outcome keeps its Message-ID, so it goes out once.
 */
export async function submitToken(messageId: string, sha256: Sha256): Promise<Result<string, string>> {
  const id = bareMessageId(messageId);
  if (id === '') return err('The message has no Message-ID');
  return ok(bytesToHex(new Uint8Array(await sha256(utf8Encode(id)))));
}

export interface SendInput {
  /** The staged message's UID in the mailbox of SubmitInfo. */
  readonly uid: number;
  readonly token: string;
  /** The envelope sender. */
  readonly from: string;
  /** The envelope recipients (To, Cc and Bcc). */
  readonly recipients: readonly string[];
  /** The staged message's size in bytes. */
  readonly size: number;
  /** The From header's address, when the message has one. */
  readonly headerFrom?: string;
}

/** Refusals the module would give anyway, caught before the message is staged. */
export type SendProblem = 'no-recipients' | 'too-many-recipients' | 'too-large' | 'bad-address' | 'not-yours' | 'bad-uid' | 'bad-token';

export interface SendInputError {
  readonly kind: SendProblem;
  readonly message: string;
}

function refuse(kind: SendProblem, message: string): { ok: false; error: SendInputError } {
  return err({ kind, message });
}

function mayUse(info: SubmitInfo, address: string): boolean {
  const lower = address.toLowerCase();
  return info.addresses.some((a) => a.toLowerCase() === lower);
}

/**
 * Checks what can be checked before staging (so a refused message is not left in the
 * mailbox); `uid` may be 0 then, and is checked with `needUid`.
 */
export function checkSend(input: SendInput, info: SubmitInfo, needUid = true): Result<SendInput, SendInputError> {
  if (input.recipients.length === 0) return refuse('no-recipients', 'The message has no recipient');
  if (input.recipients.length > info.maxRecipients) {
    return refuse('too-many-recipients', `The server sends a message to at most ${info.maxRecipients} recipients; this one has ${input.recipients.length}`);
  }
  if (input.size > info.maxSize) {
    return refuse('too-large', `The message is ${input.size} bytes; the server sends at most ${info.maxSize}`);
  }
  for (const address of [input.from, ...input.recipients]) {
    if (!isAddress(address)) return refuse('bad-address', `"${address}" is not an address the server can send to or from`);
  }
  for (const address of input.headerFrom === undefined ? [input.from] : [input.from, input.headerFrom]) {
    if (!mayUse(info, address)) {
      return refuse('not-yours', `This account may not send as ${address}; it may send as ${info.addresses.join(', ')}`);
    }
  }
  if (needUid && !(Number.isInteger(input.uid) && input.uid > 0 && input.uid <= 0xffffffff)) {
    return refuse('bad-uid', `${input.uid} is not a message UID`);
  }
  if (!TOKEN.test(input.token)) return refuse('bad-token', 'The token is not 1-128 characters of A-Z a-z 0-9 . _ - @ + =');
  return ok(input);
}

export function submitSendRequest(input: SendInput, info: SubmitInfo, module: string = SUBMIT): Result<XexecRequest, SendInputError> {
  const checked = checkSend(input, info);
  if (!checked.ok) return checked;
  return ok({ module, args: ['send', String(input.uid), input.token, input.from, ...input.recipients] });
}

export function submitStatusRequest(token: string, module: string = SUBMIT): XexecRequest {
  return { module, args: ['status', token] };
}

/** How a send ended, in the words the compose window shows. */
export type SendOutcome =
  | { readonly kind: 'sent'; readonly messageId: string }
  /** Refused before anything was sent (exit 2): sending the same again will not help. */
  | { readonly kind: 'refused'; readonly message: string }
  /** Not sent, may be retried with the same token (exit 1: the MTA, the hourly limit). */
  | { readonly kind: 'failed'; readonly message: string }
  /** No answer: the message may or may not have gone out; `submit status` tells. */
  | { readonly kind: 'unknown'; readonly message: string };

/** The reply of `send` (or `status`): `sent <message-id>`, or `unknown` for status. */
export function readSendResult(result: ExecuteResult, module: string = SUBMIT): SendOutcome {
  if (!result.ok) {
    const text = result.message.trim();
    if (result.code === 'XEXEC-EXIT' && result.detail === 2) return { kind: 'refused', message: text };
    if (result.code === 'disconnected' || result.code === 'timeout') return { kind: 'unknown', message: text };
    if (result.code === 'unsupported') return { kind: 'refused', message: `The server cannot send mail this way: ${text}` };
    return { kind: 'failed', message: text };
  }
  const lines = checkModule({ module, lines: result.lines }, module);
  const line = lines.ok ? lines.value.find((l): l is string => typeof l === 'string' && l.startsWith('sent ')) : undefined;
  if (line === undefined) return { kind: 'unknown', message: 'The server answered without saying the message was sent' };
  return { kind: 'sent', messageId: line.slice('sent '.length) };
}
