/**
 * Building the text for `issueCommandOnMsgs(folder, msgWindow, "XEXEC", text)`
 * (PROTOCOL.md §3.1; what Thunderbird does to the text: docs/THUNDERBIRD.md).
 *
 * Why the text is safe: it is the module name (letters, digits, `-`, `_`, or `.modules`),
 * single spaces, and per argument either a quoted string of printable ASCII without `?`/`>`
 * or `~` plus base64url. So it is printable ASCII without `?` and `>` by construction, and
 * the only `%XX` Thunderbird can find to decode are the `%25` written here for each `%`.
 */

import { base64urlEncode, findLoneSurrogate, latin1String, utf8Encode } from './bytes.js';
import { isSendableModuleName } from './module-name.js';
import { err, ok, type Result } from './result.js';
import { isTransportSafe } from './transport-safe.js';

/** A value for one argv word: text (sent as UTF-8) or raw bytes. */
export type Argument = string | Uint8Array;

export interface XexecRequest {
  readonly module: string;
  readonly args: readonly Argument[];
}

/** Text that went through buildCommandText; the brand keeps unchecked strings out of the transport. */
export type CommandText = string & { readonly __brand: 'XexecCommandText' };

/**
 * These are programmer errors (a panel built a bad request), reported as values so the UI
 * can show them instead of a dead button. `position` counts as the server does: the module
 * is argument 0.
 */
export type CommandError =
  | { readonly kind: 'invalid-module-name'; readonly module: string; readonly message: string }
  | { readonly kind: 'nul-in-argument'; readonly position: number; readonly message: string }
  | { readonly kind: 'lone-surrogate'; readonly position: number; readonly message: string };

type ArgumentProblem = 'nul-in-argument' | 'lone-surrogate';

function isQuotable(code: number): boolean {
  return code >= 0x20 && code <= 0x7e && code !== 0x3f /* ? */ && code !== 0x3e /* > */;
}

function quote(value: string): string {
  return '"' + value.replace(/["\\]/g, '\\$&') + '"';
}

/**
 * The recommended client rule of §3.1: a quoted string for printable ASCII without `?` and
 * `>`, else `~` + unpadded base64url of the bytes. This is the IMAP wire form, before the
 * `%` escaping that only the Thunderbird transport needs.
 */
export function encodeArgument(value: Argument): Result<string, ArgumentProblem> {
  if (typeof value === 'string') {
    let quotable = true;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c === 0) return err('nul-in-argument');
      if (!isQuotable(c)) quotable = false;
    }
    if (quotable) return ok(quote(value));
    if (findLoneSurrogate(value) >= 0) return err('lone-surrogate');
    return ok('~' + base64urlEncode(utf8Encode(value)));
  }
  let quotable = true;
  for (const b of value) {
    if (b === 0) return err('nul-in-argument');
    if (!isQuotable(b)) quotable = false;
  }
  if (quotable) return ok(quote(latin1String(value)));
  return ok('~' + base64urlEncode(value));
}

export function buildCommandText(request: XexecRequest): Result<CommandText, CommandError> {
  if (!isSendableModuleName(request.module)) {
    return err({
      kind: 'invalid-module-name',
      module: request.module,
      message: `Module name ${JSON.stringify(request.module)} is outside the protocol's grammar`,
    });
  }
  const words: string[] = [request.module];
  for (let i = 0; i < request.args.length; i++) {
    const arg = request.args[i] ?? '';
    const encoded = encodeArgument(arg);
    if (!encoded.ok) {
      const position = i + 1;
      return err(
        encoded.error === 'nul-in-argument'
          ? { kind: 'nul-in-argument', position, message: `Argument ${position} contains NUL, which no module can receive` }
          : { kind: 'lone-surrogate', position, message: `Argument ${position} is not valid Unicode (unpaired surrogate)` },
      );
    }
    words.push(encoded.value);
  }
  const text = words.join(' ').replace(/%/g, '%25');
  // Unreachable by construction (see the file comment); kept because a violation would mean
  // a cut command or an injected one, which must never reach the wire.
  if (!isTransportSafe(text)) throw new Error('XEXEC command text invariant violated');
  return ok(text as CommandText);
}
