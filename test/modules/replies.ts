/** Module replies as the add-on receives them: server encoding, then Thunderbird's re-join. */

import type { ReplyError } from '../../src/modules/reply.js';
import { decodeCustomCommandResult, type XexecReply } from '../../src/protocol/data-line.js';
import { err, type Result } from '../../src/protocol/result.js';
import { serverDataLine } from '../protocol/models/server.js';
import { thunderbirdCustomCommandResult } from '../protocol/models/thunderbird.js';
import { utf8 } from '../protocol/vectors.js';

export function customCommandResult(module: string, lines: readonly (string | Uint8Array)[]): string {
  return thunderbirdCustomCommandResult(serverDataLine(module, lines.map((l) => (typeof l === 'string' ? utf8(l) : l))));
}

export function replyOf(module: string, lines: readonly (string | Uint8Array)[]): XexecReply {
  const decoded = decodeCustomCommandResult(customCommandResult(module, lines));
  if (!decoded.ok) throw new Error(`test helper: ${decoded.error.message}`);
  return decoded.value;
}

/** Decodes Thunderbird's `customCommandResult` and hands the reply to a module's parser. */
export function parseCustomCommandResult<T>(result: string, parse: (reply: XexecReply) => Result<T, ReplyError>): Result<T, ReplyError> {
  const decoded = decodeCustomCommandResult(result);
  if (!decoded.ok) return err({ kind: 'decode', cause: decoded.error, message: decoded.error.message });
  return parse(decoded.value);
}
